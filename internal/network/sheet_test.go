package network_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
)

// The spreadsheets: a template filled in and imported, every bad row
// reported with its row and column and nothing written, the same file
// imported twice changing nothing, a village renamed through the unit
// tree, and an export that imports back.
func TestSpreadsheets(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		today := s.Org.Today()
		pleiku := actorOf(t, s, "pleiku")
		ward := s.UnitNamed(t, "Phường Pleiku")

		// villages: the template lists the ward's; one added, and a rename
		// in the sheet refused (it would make a second village)
		var tpl bytes.Buffer
		if err := s.Network.VillageTemplate(ctx, pleiku, ward.UnitID, today, "vi", &tpl); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&tpl)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetList()[0])
		if len(rows) < 3 || rows[1][1] == "" || rows[0][1] != "Tên thôn, tổ dân phố (*)" {
			t.Fatalf("village template: %q", rows)
		}
		oldName := rows[1][1]
		sheet := f.GetSheetList()[0]
		f.SetCellStr(sheet, "B2", oldName+" A")
		f.SetCellStr(sheet, fmt.Sprintf("B%d", len(rows)+1), "Tổ dân phố Mới")
		var renamed bytes.Buffer
		f.Write(&renamed)
		_, err = s.Network.ImportVillages(ctx, pleiku, bytes.NewReader(renamed.Bytes()), "thon.xlsx", network.VillageImport{CommuneID: ward.UnitID, Effective: today})
		wantRowErr(t, err, 2, "name", "network.err.rename_on_page")
		f.SetCellStr(sheet, "B2", oldName)
		var filled bytes.Buffer
		f.Write(&filled)
		res, err := s.Network.ImportVillages(ctx, pleiku, bytes.NewReader(filled.Bytes()), "thon.xlsx", network.VillageImport{CommuneID: ward.UnitID, Effective: today})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1 || res.Changed != 0 || res.Unchanged != len(rows)-1 {
			t.Fatalf("villages: %+v (%d rows)", res, len(rows)-1)
		}
		res, err = s.Network.ImportVillages(ctx, pleiku, bytes.NewReader(filled.Bytes()), "thon.xlsx", network.VillageImport{CommuneID: ward.UnitID, Effective: today})
		if err != nil || res.Created+res.Changed != 0 {
			t.Fatalf("villages again: %+v %v", res, err)
		}
		// another commune's code in a row: refused, by row and column
		qn := s.UnitNamed(t, "Phường Quy Nhơn")
		_, err = s.Network.ImportVillages(ctx, pleiku, strings.NewReader("Mã xã,Tên thôn tổ dân phố\n,Thôn Ổn\n"+qn.Code+",Thôn Lạ\n"), "thon.csv",
			network.VillageImport{CommuneID: ward.UnitID, Effective: today})
		wantRowErr(t, err, 3, "commune", "network.err.unit_not_found")

		audit := s.AuditLen(t)
		// teams: three rows, two bad; nothing is written
		snap, _ := s.Org.Snapshot(ctx)
		var free []*org.Version
		list, _ := s.Network.ListTeams(ctx, s.Admin, network.TeamFilter{UnitID: ward.UnitID, Limit: 100})
		has := map[int64]bool{}
		for _, tm := range list.Teams {
			has[tm.UnitID] = true
		}
		for _, v := range snap.Children(ward.UnitID, today) {
			if v.Level == org.LevelVillage && !has[v.UnitID] {
				free = append(free, v)
			}
		}
		if len(free) < 2 {
			t.Fatalf("%d villages without a team", len(free))
		}
		bad := fmt.Sprintf("Mã thôn/xã,Số quyết định,Ngày quyết định\n%s,50/QĐ-UBND,%s\n#999999,51/QĐ-UBND,%s\n%s,,31/02/2026\n",
			network.UnitCode(free[0]), today.VN(), today.VN(), network.UnitCode(free[1]))
		_, err = s.Network.ImportTeams(ctx, pleiku, strings.NewReader(bad), "to.csv", today)
		wantRowErr(t, err, 3, "unit", "network.err.unit_not_found")
		wantRowErr(t, err, 4, "decision_number", "import.err.required")
		wantRowErr(t, err, 4, "decision_date", "err.bad_date")
		// by commune and village names, without diacritics
		good := fmt.Sprintf("Xa phuong,Thon to dan pho,So quyet dinh,Ngay quyet dinh\nphuong pleiku,%s,50/QĐ-UBND,%s\n%s,%s,51/QĐ-UBND,%s\n",
			strings.ToLower(foldASCII(free[0].Name)), today.AddDays(-30).VN(), ward.Code, free[1].Name, today.AddDays(-30).VN())
		r, err := s.Network.ImportTeams(ctx, pleiku, strings.NewReader(good), "to.csv", today)
		if err != nil || r.Created != 2 {
			t.Fatalf("teams: %+v %v", r, err)
		}
		// members: a bad role and a second leader are reported; nothing written
		members := fmt.Sprintf("Mã thôn/xã,Họ và tên,Vai trò trong tổ,Thành phần,Năm sinh,Ngày tham gia\n"+
			"%[1]s,Ksor H'Ban,Tổ trưởng,Trưởng thôn tổ dân phố,1980,%[3]s\n"+
			"%[1]s,Rơ Mah Ly,Tổ trưởng,Công an,1985,%[3]s\n"+
			"%[2]s,Puih Doan,chỉ huy,Khác,1990,%[3]s\n", network.UnitCode(free[0]), network.UnitCode(free[1]), today.AddDays(-20).VN())
		_, err = s.Network.ImportMembers(ctx, pleiku, strings.NewReader(members), "tv.csv", today)
		wantRowErr(t, err, 4, "role", "network.err.bad_value")
		before := s.AuditLen(t)
		fixed := strings.Replace(members, "chỉ huy", "Thành viên", 1)
		_, err = s.Network.ImportMembers(ctx, pleiku, strings.NewReader(fixed), "tv.csv", today)
		wantRowErr(t, err, 3, "role", "network.err.has_leader")
		if s.AuditLen(t) != before {
			t.Fatal("a refused import wrote")
		}
		fixed = strings.Replace(fixed, "Rơ Mah Ly,Tổ trưởng", "Rơ Mah Ly,Tổ phó", 1)
		m, err := s.Network.ImportMembers(ctx, pleiku, strings.NewReader(fixed), "tv.csv", today)
		if err != nil || m.Created != 3 || m.People != 3 {
			t.Fatalf("members: %+v %v", m, err)
		}
		m, err = s.Network.ImportMembers(ctx, pleiku, strings.NewReader(fixed), "tv.csv", today)
		if err != nil || m.Created != 0 || m.Existing != 3 {
			t.Fatalf("members again: %+v %v", m, err)
		}
		// the export of the ward's members reads back as the same members
		var exp bytes.Buffer
		if err := s.Network.ExportMembers(ctx, pleiku, ward.UnitID, today, "vi", &exp); err != nil {
			t.Fatal(err)
		}
		m, err = s.Network.ImportMembers(ctx, pleiku, bytes.NewReader(exp.Bytes()), "tv.xlsx", today)
		if err != nil || m.Created != 0 || m.Existing == 0 {
			t.Fatalf("the export imported back: %+v %v", m, err)
		}
		if s.AuditLen(t) <= audit {
			t.Error("nothing audited")
		}
		// someone outside the scope, or a viewer, imports nothing
		_, err = s.Network.ImportTeams(ctx, actorOf(t, s, "lanhdao"), strings.NewReader(good), "to.csv", today)
		wantErr(t, err, errs.Forbidden, "", "")
		// a file that is not a spreadsheet
		_, err = s.Network.ImportMembers(ctx, pleiku, strings.NewReader("PK\x03\x04garbage"), "tv.xlsx", today)
		wantErr(t, err, errs.Invalid, "import.err.unreadable", "")
		_, err = s.Network.ImportMembers(ctx, pleiku, strings.NewReader("tên\nA\n"), "tv.csv", day.Day{})
		wantErr(t, err, errs.Invalid, "import.err.missing_column", "full_name")
	})
}

// wantRowErr fails unless err lists a problem at row and column with key.
func wantRowErr(t *testing.T, err error, row int, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("want a problem at row %d (%s), got %v", row, field, err)
	}
	for _, d := range append([]*errs.Error{e}, e.Details...) {
		if d.Row == row && d.Field == field && d.Key == key {
			return
		}
	}
	t.Fatalf("want %s at row %d (%s), got %v %v", key, row, field, err, e.Details)
}

// foldASCII drops Vietnamese diacritics the way a hurried typist does.
func foldASCII(s string) string {
	r := strings.NewReplacer("ổ", "o", "ố", "o", "ồ", "o", "ơ", "o", "ờ", "o", "ớ", "o", "ợ", "o", "ộ", "o", "ô", "o", "ư", "u", "ứ", "u", "ừ", "u",
		"đ", "d", "Đ", "D", "ấ", "a", "ầ", "a", "ậ", "a", "â", "a", "ă", "a", "ắ", "a", "à", "a", "á", "a", "ạ", "a", "ế", "e", "ề", "e", "ê", "e", "ệ", "e",
		"í", "i", "ì", "i", "ị", "i", "ơ", "o", "ố", "o", "ò", "o", "ó", "o", "ọ", "o", "ú", "u", "ù", "u", "ụ", "u", "ý", "y", "ỳ", "y", "Ơ", "O", "Ô", "O")
	return r.Replace(s)
}
