package report_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/plans"
	"github.com/mangluoi/mangluoi/internal/report"
	"github.com/mangluoi/mangluoi/internal/report/reporttest"
)

type obj = map[string]any

var vi = locale.MustLoadCatalog().Printer("vi")

// TestReportThroughTheAPI is the issue's "done when" through the API: from
// a fresh demo, Gia Lai's coordinator drafts the six-month report for
// H1/2026 and the annual report for 2025, edits a sentence and issues the
// first with a number; its DOCX and PDF read back with every figure equal to
// what the pages' API gives for the same unit and date, and the table of
// tasks per group present; downloading again gives the same bytes, whose
// hashes the audit log holds; Phường Pleiku does the same for itself; the
// province sees Pleiku's report and who has not sent one. Then the issued
// report refuses every change, its number cannot be used twice in a year,
// a later report supersedes it, and after the data change its page lists
// the figures that differ.
func TestReportThroughTheAPI(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		gl := s.TokenClient(t, "gialai")
		province := s.UnitNamed(t, "Tỉnh Gia Lai")
		var h1, y25 report.Report
		if st := gl.JSON("POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2026-H1"}, &h1); st != 201 {
			t.Fatalf("draft H1/2026: %d", st)
		}
		if st := gl.JSON("POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2025", "kind": "review"}, &y25); st != 201 {
			t.Fatalf("draft 2025: %d", st)
		}
		if h1.Status != report.Draft || !h1.Period.To.Equal(day.Of(2026, 6, 30)) || !y25.Period.From.Equal(day.Of(2025, 1, 1)) {
			t.Fatalf("drafts: %+v %+v", h1.Period, y25.Period)
		}
		v := view(t, gl, h1.ID)
		if len(v.Problems) > 0 {
			t.Fatalf("a fresh draft has problems: %+v", v.Problems)
		}
		checkAgainstPages(t, gl, province.UnitID, "2026-06-30", "2026-H1", v.Figures)
		checkAgainstPages(t, gl, province.UnitID, "2025-12-31", "2025", view(t, gl, y25.ID).Figures)

		// the writer edits a sentence; the figures in the prose stay fields
		edited := "Trong kỳ, công tác chuyển đổi số của tỉnh có nhiều chuyển biến tích cực."
		secs := v.Report.Sections
		secs.Opening += "\n" + edited
		if st := gl.JSON("PUT", fmt.Sprintf("/api/v1/periodic-reports/%d", h1.ID), obj{"sections": secs}, nil); st != 200 {
			t.Fatalf("edit: %d", st)
		}
		auditBefore := s.AuditLen(t)
		var issued report.Report
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/periodic-reports/%d/issue", h1.ID),
			obj{"number": 125, "date": "2026-07-05", "signer": "Phạm Anh Tuấn", "position": "PHÓ CHỦ TỊCH", "authority": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH"}, &issued); st != 200 {
			t.Fatalf("issue: %d", st)
		}
		if issued.Status != report.Issued || issued.NumberText() != "125/BC-UBND" || issued.AuditSeq == 0 || len(issued.Files) != 3 {
			t.Fatalf("issued: %+v", issued)
		}
		if n := s.AuditLen(t) - auditBefore; n != 2 {
			t.Errorf("issuing wrote %d audit entries, want 2 (the issue, the files)", n)
		}
		v = view(t, gl, h1.ID)
		files := checkFiles(t, s, gl, &issued)
		checkDocument(t, files, v, "Số: 125/BC-UBND", "Gia Lai, ngày 05 tháng 7 năm 2026", edited, "Phạm Anh Tuấn")
		checkAgainstPages(t, gl, province.UnitID, "2026-06-30", "2026-H1", v.Figures)
		if len(v.Changes) != 0 {
			t.Errorf("changes right after issue: %+v", v.Changes)
		}
		// the report is a document of the plans' chain: each plan it covers
		// names it
		planPage := s.SessionFor(t, s.User(t, "gialai"))
		for _, doc := range v.Figures.Plans.Docs {
			if _, body := planPage.Get(fmt.Sprintf("/plans/%d", doc.ID)); !strings.Contains(string(body), fmt.Sprintf(`href="/periodic-reports/%d"`, h1.ID)) {
				t.Errorf("the page of plan %s does not name the report on it", doc.Number)
			}
		}

		// Phường Pleiku does the same for itself
		pk := s.TokenClient(t, "pleiku")
		pleiku := s.UnitNamed(t, "Phường Pleiku")
		var own report.Report
		if st := pk.JSON("POST", "/api/v1/periodic-reports", obj{"unit_id": pleiku.UnitID, "period": "2026-H1"}, &own); st != 201 {
			t.Fatalf("Pleiku drafts: %d", st)
		}
		pv := view(t, pk, own.ID)
		checkAgainstPages(t, pk, pleiku.UnitID, "2026-06-30", "2026-H1", pv.Figures)
		if st := pk.JSON("POST", fmt.Sprintf("/api/v1/periodic-reports/%d/issue", own.ID), obj{"number": 45, "date": "2026-07-03", "signer": "Lê Văn Phường"}, &own); st != 200 {
			t.Fatalf("Pleiku issues: %d", st)
		}
		pv = view(t, pk, own.ID)
		checkDocument(t, checkFiles(t, s, pk, &own), pv, "Số: 45/BC-UBND", "Pleiku, ngày 03 tháng 7 năm 2026", "PHƯỜNG PLEIKU", "Lê Văn Phường")

		// the province sees Pleiku's report, and who has not sent one
		var seen api.ReportView
		if st := gl.JSON("GET", fmt.Sprintf("/api/v1/periodic-reports/%d", own.ID), nil, &seen); st != 200 || seen.Report.Number != 45 {
			t.Fatalf("the province opens Pleiku's report: %d %+v", st, seen.Report)
		}
		var chain api.ReportChain
		if st := gl.JSON("GET", "/api/v1/periodic-report-chain?period=2026-H1", nil, &chain); st != 200 {
			t.Fatalf("chain: %d", st)
		}
		sent := map[string]string{}
		for _, u := range chain.Units {
			sent[u.Name] = u.Status
		}
		if chain.Sent != 1 || sent["Phường Pleiku"] != "issued" || sent["Phường Quy Nhơn"] != "" || len(chain.Units) < 10 {
			t.Errorf("chain: sent %d of %d, Pleiku %q, Quy Nhơn %q", chain.Sent, len(chain.Units), sent["Phường Pleiku"], sent["Phường Quy Nhơn"])
		}
		var list api.ReportList
		gl.JSON("GET", fmt.Sprintf("/api/v1/periodic-reports?unit=%d&period=2026-H1", province.UnitID), nil, &list)
		if len(list.Reports) != 2 {
			t.Errorf("the province's list of H1/2026 reports: %d", len(list.Reports))
		}
		var pkList api.ReportList
		pk.JSON("GET", "/api/v1/periodic-reports", nil, &pkList)
		if len(pkList.Reports) != 1 || pkList.Reports[0].ID != own.ID {
			t.Errorf("Pleiku sees reports beyond its own: %+v", pkList.Reports)
		}
		if st := pk.JSON("GET", fmt.Sprintf("/api/v1/periodic-reports/%d", h1.ID), nil, nil); st != 404 {
			t.Errorf("Pleiku opens the province's report: %d", st)
		}

		// an issued report is frozen, through every route and the database
		id := fmt.Sprintf("/api/v1/periodic-reports/%d", h1.ID)
		web := s.SessionFor(t, s.User(t, "gialai"))
		auditBefore = s.AuditLen(t)
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"PUT", id, obj{"title": "Sửa sau khi ban hành"}},
			{"POST", id + "/issue", obj{"number": 126, "date": "2026-07-06", "signer": "Ai đó"}},
			{"POST", id + "/discard", nil},
		} {
			if st := gl.JSON(c.method, c.path, c.body, nil); st != http.StatusConflict {
				t.Errorf("%s %s on an issued report: %d, want 409", c.method, c.path, st)
			}
		}
		resp, body := web.Do("POST", fmt.Sprintf("/periodic-reports/%d", h1.ID), "application/x-www-form-urlencoded",
			strings.NewReader("report_title=S%E1%BB%ADa&issuer=X&symbol=BC&report_place=X"))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "báo cáo đã ban hành nên không thể sửa") {
			t.Errorf("the edit form on an issued report: %d", resp.StatusCode)
		}
		for _, q := range []string{`UPDATE periodic_reports SET title = 'x' WHERE id = $1`, `UPDATE periodic_reports SET status = 'draft' WHERE id = $1`,
			`DELETE FROM periodic_reports WHERE id = $1`, `UPDATE periodic_report_files SET data = data WHERE report_id = $1`,
			`DELETE FROM periodic_report_files WHERE report_id = $1`} {
			if _, err := s.DB.ExecContext(context.Background(), q, h1.ID); err == nil {
				t.Errorf("the database let through: %s", q)
			}
		}
		if s.AuditLen(t) != auditBefore {
			t.Error("a refused change was audited")
		}

		// a number is given once per issuing unit and year
		var e api.ErrorBody
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/periodic-reports/%d/issue", y25.ID), obj{"number": 125, "date": "2026-01-10", "signer": "Phạm Anh Tuấn"}, &e); st != http.StatusConflict ||
			!strings.Contains(e.Error.Message, "125") || len(e.Error.Details) != 0 && e.Error.Details[0].Field != "doc_number" {
			t.Errorf("a number used twice in 2026: %d %+v", st, e)
		}
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/periodic-reports/%d/issue", y25.ID), obj{"number": 125, "date": "2025-12-30", "signer": "Phạm Anh Tuấn"}, nil); st != 200 {
			t.Errorf("number 125 of 2025: %d", st)
		}

		// after the data change, the issued report stays as signed and its
		// page says which figures now differ
		failing := v.Figures.Apparatus.Targets[4].Failing // communes without a committee
		if len(failing) == 0 {
			t.Fatal("the demo has no commune without a committee")
		}
		if _, err := s.People.CreateCommittee(context.Background(), s.Admin, people.CommitteeInput{UnitID: failing[0].UnitID,
			Name: "Ban Chỉ đạo chuyển đổi số", DecisionNumber: "9/QĐ-UBND", DecisionDate: day.Of(2026, 3, 2)}); err != nil {
			t.Fatal(err)
		}
		v2 := view(t, gl, h1.ID)
		changed := map[string]report.Change{}
		for _, c := range v2.Changes {
			changed[c.Label] = c
		}
		c, ok := changed["Số đơn vị có Ban Chỉ đạo chuyển đổi số"]
		if !ok || c.Then != vi.Int(v.Figures.Apparatus.Staffing.Committees) || c.Now != vi.Int(v.Figures.Apparatus.Staffing.Committees+1) {
			t.Errorf("changes after a committee was added: %+v", v2.Changes)
		}
		if v2.Figures.Apparatus.Staffing.Committees != v.Figures.Apparatus.Staffing.Committees {
			t.Error("the issued report's figures moved")
		}
		again := checkFiles(t, s, gl, &issued)
		for k, b := range files {
			if string(again[k]) != string(b) {
				t.Errorf("the %s changed after the data did", k)
			}
		}

		// a later report supersedes it
		var next report.Report
		if st := gl.JSON("POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2026-H1", "supersedes_id": h1.ID}, &next); st != 201 {
			t.Fatalf("a superseding draft: %d", st)
		}
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/periodic-reports/%d/issue", next.ID), obj{"number": 130, "date": "2026-07-20", "signer": "Phạm Anh Tuấn"}, nil); st != 200 {
			t.Fatalf("issue the superseding report: %d", st)
		}
		old := view(t, gl, h1.ID).Report
		if old.Status != report.Superseded || old.SupersededBy != next.ID {
			t.Errorf("the superseded report: %s by %d", old.Status, old.SupersededBy)
		}
		if st := gl.JSON("POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2026-H1", "supersedes_id": h1.ID}, nil); st != 422 {
			t.Errorf("superseding a superseded report: %d", st)
		}
	})
}

func view(t *testing.T, c *apptest.Client, id int64) api.ReportView {
	t.Helper()
	var v api.ReportView
	if st := c.JSON("GET", fmt.Sprintf("/api/v1/periodic-reports/%d", id), nil, &v); st != 200 {
		t.Fatalf("report %d: %d", id, st)
	}
	return v
}

// checkFiles downloads an issued report's files twice: the same bytes, and
// the hashes the report, its files' audit entry and the footer name.
func checkFiles(t *testing.T, s *apptest.Server, c *apptest.Client, r *report.Report) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, f := range []struct{ kind, path, ct string }{{"docx", "report.docx", "wordprocessingml"}, {"pdf", "report.pdf", "application/pdf"},
		{"xlsx", "annexes.xlsx", "spreadsheetml"}} {
		path := fmt.Sprintf("/api/v1/periodic-reports/%d/%s", r.ID, f.path)
		resp, body := c.Get(path)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), f.ct) {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		_, again := c.Get(path)
		if string(again) != string(body) {
			t.Errorf("%s: another download, other bytes", path)
		}
		sum := sha256.Sum256(body)
		var stored report.FileInfo
		for _, fi := range r.Files {
			if fi.Kind == f.kind {
				stored = fi
			}
		}
		if stored.SHA256 != hex.EncodeToString(sum[:]) || stored.Size != len(body) {
			t.Errorf("%s: sha256 %x, the report says %s", f.kind, sum, stored.SHA256)
		}
		out[f.kind] = body
	}
	recs, err := audit.List(context.Background(), s.DB, audit.Query{Entity: "periodic_report", EntityID: fmt.Sprint(r.ID), Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var issue, filesEntry *audit.Record
	for i := range recs {
		switch recs[i].Action {
		case "report.issue":
			issue = &recs[i]
		case "report.files":
			filesEntry = &recs[i]
		}
	}
	if issue == nil || filesEntry == nil || issue.Seq != r.AuditSeq || issue.Hash != r.AuditHash {
		t.Fatalf("the audit entries of issue: %+v %+v (report: #%d %s)", issue, filesEntry, r.AuditSeq, r.AuditHash)
	}
	if !strings.Contains(string(issue.After), r.ContentSHA256) {
		t.Errorf("the issue's entry does not hold the content hash: %s", issue.After)
	}
	for k, b := range out {
		sum := sha256.Sum256(b)
		if !strings.Contains(string(filesEntry.After), hex.EncodeToString(sum[:])) {
			t.Errorf("the files' audit entry does not hold the %s's hash", k)
		}
	}
	return out
}

// checkAgainstPages compares a report's figures with what the API of each
// page gives for the same unit and date: the compliance page, the network's
// coverage, each plan's page narrowed to the unit, the overdue list, each
// indicator's figures restated to the date, the round's ranking.
func checkAgainstPages(t *testing.T, c *apptest.Client, unit int64, d, period string, f *report.Figures) {
	t.Helper()
	get := func(path string, out any) {
		t.Helper()
		if st := c.JSON("GET", path, nil, out); st != 200 {
			t.Fatalf("GET %s: %d", path, st)
		}
	}
	var comp people.Report
	get(fmt.Sprintf("/api/v1/compliance?unit=%d&d=%s", unit, d), &comp)
	if len(comp.Results) != len(f.Apparatus.Targets) {
		t.Fatalf("targets: %d on the page, %d in the report", len(comp.Results), len(f.Apparatus.Targets))
	}
	for i, r := range comp.Results {
		got := f.Apparatus.Targets[i]
		if got.Code != r.Target.Code || got.Passing != r.Passing || got.Total != r.Total || got.Met != r.Met || len(got.Failing) != len(r.Failing) {
			t.Errorf("target %s: report %d/%d, page %d/%d", r.Target.Code, got.Passing, got.Total, r.Passing, r.Total)
		}
	}
	var cov network.Coverage
	get(fmt.Sprintf("/api/v1/network/coverage?unit=%d&d=%s", unit, d), &cov)
	want := report.CoverageFig{Communes: cov.Total.Communes, CommunesCovered: cov.Total.CommunesCovered, Villages: cov.Total.Villages,
		VillagesCovered: cov.Total.VillagesCovered, Teams: cov.Total.Teams, Suspended: cov.Total.Suspended, Members: cov.Total.Members,
		Trained: cov.Total.Trained, Idle: cov.Total.Idle, Activities: cov.Total.Activities, Helped: cov.Total.Helped}
	if f.Network.Total != want || cov.Total.Teams == 0 {
		t.Errorf("network: report %+v, page %+v", f.Network.Total, want)
	}
	if len(f.Plans.Docs) == 0 {
		t.Fatal("no plans in the report")
	}
	for _, doc := range f.Plans.Docs {
		var pv plans.PlanView
		get(fmt.Sprintf("/api/v1/plans/%d?d=%s&unit=%d", doc.ID, d, unit), &pv)
		if doc.Counts.Total != pv.Counts.Total || doc.Counts.Done != pv.Counts.Done || doc.Counts.DoneLate != pv.Counts.DoneLate ||
			doc.Counts.Overdue != pv.Counts.Overdue {
			t.Errorf("plan %s: report %+v, page %+v", doc.Number, doc.Counts, pv.Counts)
		}
		if len(doc.Groups) != len(pv.Groups) {
			t.Fatalf("plan %s: %d groups in the report, %d on the page", doc.Number, len(doc.Groups), len(pv.Groups))
		}
		for i, g := range pv.Groups {
			got := doc.Groups[i]
			if got.Title != g.Title || got.Counts.Total != g.Counts.Total || got.Counts.Done != g.Counts.Done ||
				got.Counts.DoneLate != g.Counts.DoneLate || got.Counts.Overdue != g.Counts.Overdue || got.Counts.Started > got.Counts.Total {
				t.Errorf("plan %s, group %q: report %+v, page %+v", doc.Number, g.Title, got.Counts, g.Counts)
			}
		}
	}
	var overdue api.OverdueList
	get(fmt.Sprintf("/api/v1/tasks/overdue?d=%s&unit=%d", d, unit), &overdue)
	if overdue.Total != f.Plans.OverdueTotal {
		t.Errorf("overdue: report %d, page %d", f.Plans.OverdueTotal, overdue.Total)
	}
	if f.Indicators == nil || len(f.Indicators.Rows) == 0 {
		t.Fatal("no indicators in the report")
	}
	values := 0
	for _, row := range f.Indicators.Rows {
		var fig api.Figures
		get(fmt.Sprintf("/api/v1/indicators/%d/figures?unit=%d&period=%s&mode=restated&d=%s", row.ID, unit, period, d), &fig)
		if !sameValue(row.Value, fig.Unit.Value) {
			t.Errorf("indicator %s: report %v, page %v", row.Code, deref(row.Value), deref(fig.Unit.Value))
		}
		if row.Value != nil {
			values++
		}
		for _, ch := range fig.Children {
			k := -1
			for i, u := range f.Indicators.Units {
				if u == ch.Name {
					k = i
				}
			}
			got, has := row.PerUnit[k]
			if k < 0 || has != (ch.Value != nil) || has && got != *ch.Value {
				t.Errorf("indicator %s, %s: report %v, page %v", row.Code, ch.Name, got, deref(ch.Value))
			}
		}
	}
	if values == 0 {
		t.Error("no indicator has a figure")
	}
	if a := f.Assessment; a != nil {
		var rk assess.Ranking
		get(fmt.Sprintf("/api/v1/rounds/%d/ranking", a.RoundID), &rk)
		for _, r := range rk.Results {
			if r.UnitID == unit {
				if a.Own == nil || a.Own.Total != r.Total || a.Own.Rank != r.Rank {
					t.Errorf("own standing: report %+v, page %+v", a.Own, r)
				}
				continue
			}
			found := false
			for _, x := range a.Ranked {
				found = found || x.Name == r.Name && x.Total == r.Total && x.Rank == r.Rank
			}
			if !found {
				t.Errorf("ranking: %s (%v, %d) is not in the report", r.Name, r.Total, r.Rank)
			}
		}
	}
}

func sameValue(a, b *float64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// checkDocument reads an issued report's DOCX, PDF and XLSX back: the
// layout of Decree 30 (A4, margins, Times New Roman, sizes, page numbers),
// the first lines and the signature block, the writer's words, every
// figure of the tables and the prose as the figures say them, and the
// annexes' rows.
func checkDocument(t *testing.T, files map[string][]byte, v api.ReportView, wantText ...string) {
	t.Helper()
	f := v.Figures
	docx, err := reporttest.ReadDOCX(files["docx"])
	if err != nil {
		t.Fatalf("the DOCX does not open: %v", err)
	}
	if docx.PageW != 11906 || docx.PageH != 16838 {
		t.Errorf("DOCX page %d×%d twips, want A4", docx.PageW, docx.PageH)
	}
	// Decree 30: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm
	for side, r := range map[string][2]float64{"top": {20, 25}, "bottom": {20, 25}, "left": {30, 35}, "right": {15, 20}} {
		mm := float64(docx.Margins[side]) / 20 * 25.4 / 72
		if mm < r[0]-0.1 || mm > r[1]+0.1 {
			t.Errorf("DOCX %s margin %.1f mm", side, mm)
		}
	}
	if docx.Font != "Times New Roman" || docx.BodySize != 28 || !docx.Sizes[24] || !docx.Sizes[26] || !docx.Sizes[22] {
		t.Errorf("DOCX fonts: %q %d %v", docx.Font, docx.BodySize, docx.Sizes)
	}
	if !docx.PageNumber || !docx.TitlePage {
		t.Error("DOCX: no page number from the second page")
	}
	if !strings.Contains(docx.Footer, fmt.Sprintf("Mục nhật ký phát hành số %d", v.Report.AuditSeq)) || !strings.Contains(docx.Footer, v.Report.AuditHash) {
		t.Errorf("DOCX footer: %q", docx.Footer)
	}
	pdf := reporttest.PDFText(t, files["pdf"])
	footers := reporttest.PDFFooters(t, files["pdf"])
	if n := reporttest.PDFPages(files["pdf"]); n < 2 || len(footers) != n {
		t.Errorf("the PDF has %d pages and %d footers", n, len(footers))
	}
	for _, l := range footers {
		if !strings.Contains(l, fmt.Sprintf("Mục nhật ký phát hành số %d", v.Report.AuditSeq)) || !strings.Contains(l, v.Report.AuditHash) {
			t.Errorf("the PDF's footer does not name the audit entry: %q", l)
		}
	}
	texts := map[string]string{"DOCX": reporttest.Squash(docx.Text), "PDF": pdf}
	common := append([]string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", v.Report.Title, "Nơi nhận:",
		"I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ", "IV. KIẾN NGHỊ, ĐỀ XUẤT",
		"Bảng 2. Kết quả thực hiện nhiệm vụ theo kế hoạch và nhóm nhiệm vụ"}, wantText...)
	st, nw := f.Apparatus.Staffing, f.Network.Total
	common = append(common,
		fmt.Sprintf("Tổng số người làm công tác chuyển đổi số là %s người, trong đó %s người chuyên trách, %s người kiêm nhiệm", vi.Int(st.People), vi.Int(st.Dedicated), vi.Int(st.Concurrent)),
		fmt.Sprintf("%s Tổ công nghệ số cộng đồng đang hoạt động với %s thành viên", vi.Int(nw.Teams), vi.Int(nw.Members)),
		fmt.Sprintf("các Tổ đã tổ chức %s hoạt động, hỗ trợ %s lượt người dân", vi.Int(nw.Activities), vi.Int(nw.Helped)),
		fmt.Sprintf("%s/%s thôn, tổ dân phố", vi.Int(nw.VillagesCovered), vi.Int(nw.Villages)),
		fmt.Sprintf("triển khai %s nhiệm vụ theo %d kế hoạch", vi.Int(f.Plans.Total.Total), len(f.Plans.Docs)))
	for _, tg := range f.Apparatus.Targets {
		if tg.Total > 0 { // a target of no unit of the scope's levels is left out
			common = append(common, fmt.Sprintf("%s: %s/%s", tg.Title, vi.Int(tg.Passing), vi.Int(tg.Total)))
		}
	}
	for _, doc := range f.Plans.Docs {
		for _, g := range doc.Groups {
			c := g.Counts
			common = append(common, fmt.Sprintf("%s %d %d %d %d %d", g.Title, c.Total, c.Started, c.Done, c.DoneLate, c.Overdue))
		}
	}
	for _, row := range f.Indicators.Rows {
		if row.Value != nil {
			common = append(common, row.Name)
		}
	}
	for name, text := range texts {
		for _, w := range common {
			if !strings.Contains(text, reporttest.Squash(w)) {
				t.Errorf("%s: %q is not there", name, w)
			}
		}
	}
	// the table of tasks per group, cell by cell
	table := docx.Table("Kế hoạch, nhóm nhiệm vụ")
	if table == nil {
		t.Fatal("DOCX: no table of tasks per group")
	}
	rows := map[string][]string{}
	for _, r := range table[1:] {
		rows[r[1]] = r[2:]
	}
	for _, doc := range f.Plans.Docs {
		for _, g := range doc.Groups {
			c := g.Counts
			want := []string{vi.Int(c.Total), vi.Int(c.Started), vi.Int(c.Done), vi.Int(c.DoneLate), vi.Int(c.Overdue)}
			if got := rows[g.Title]; strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("DOCX table, %s: %v, want %v", g.Title, got, want)
			}
		}
	}
	targets := docx.Table("Chỉ tiêu")
	if targets == nil || len(targets) < 2 {
		t.Fatal("DOCX: no table of targets")
	}
	// the key indicators, as the report writes each figure
	ind := docx.Table("Chỉ số")
	if ind == nil || len(ind) != len(f.Indicators.Rows)+1 {
		t.Fatalf("DOCX: the indicators' table has %d rows for %d indicators", len(ind), len(f.Indicators.Rows))
	}
	for i, row := range f.Indicators.Rows {
		if ind[i+1][1] != row.Name || (row.Value == nil) != (ind[i+1][2] == "—") {
			t.Errorf("DOCX indicators, row %d: %v for %s (%v)", i+1, ind[i+1], row.Name, deref(row.Value))
		}
	}
	// the annexes
	x, names, err := reporttest.ReadXLSX(files["xlsx"])
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	if len(names) != 4 || names[0] != report.SheetTasks || names[3] != report.SheetIndicators {
		t.Errorf("annex sheets: %v", names)
	}
	tasks := 0
	for _, doc := range f.Plans.Docs {
		tasks += len(doc.Tasks)
		if len(doc.Tasks) != doc.Counts.Total {
			t.Errorf("plan %s: %d tasks listed, %d counted", doc.Number, len(doc.Tasks), doc.Counts.Total)
		}
	}
	if got := len(x[report.SheetTasks]) - 1; got != tasks {
		t.Errorf("annex I: %d tasks, want %d", got, tasks)
	}
	if got := len(x[report.SheetCompliance]) - 2; got != len(f.Apparatus.Units) || got == 0 {
		t.Errorf("annex II: %d units, want %d", got, len(f.Apparatus.Units))
	}
	cov := x[report.SheetNetwork]
	if len(cov)-2 != len(f.Network.Rows) {
		t.Errorf("annex III: %d rows, want %d", len(cov)-2, len(f.Network.Rows))
	}
	if last := cov[len(cov)-1]; len(last) < 13 || last[1] != "Tổng cộng" || last[6] != fmt.Sprint(nw.Teams) || last[8] != fmt.Sprint(nw.Members) {
		t.Errorf("annex III's total: %v, want %d teams, %d members", last, nw.Teams, nw.Members)
	}
	if got := len(x[report.SheetIndicators]) - 2; got != len(f.Indicators.Units) {
		t.Errorf("annex IV: %d units, want %d", got, len(f.Indicators.Units))
	}
}

// TestReportBadInput: a period with no data, a period not begun, a scope
// outside the user's, a leader who only reads, text too long or with
// control characters, a figure that does not exist, a bad number or date:
// clear errors in the user's language, naming the field, and nothing
// written.
func TestReportBadInput(t *testing.T) {
	s := apptest.StartSQLite(t)
	gl := s.TokenClient(t, "gialai")
	en := s.TokenClient(t, "gialai")
	en.Header = http.Header{"Accept-Language": {"en"}}
	province := s.UnitNamed(t, "Tỉnh Gia Lai")
	quyNhon := s.UnitNamed(t, "Phường Quy Nhơn")
	var draft report.Report
	if st := gl.JSON("POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2026-Q3", "cutoff": "decree09"}, &draft); st != 201 {
		t.Fatalf("draft: %d", st)
	}
	if !draft.Period.From.Equal(day.Of(2026, 6, 15)) || !draft.Period.To.Equal(day.Of(2026, 9, 14)) {
		t.Errorf("Q3/2026 by Decree 09: %s – %s", draft.Period.From, draft.Period.To)
	}
	path := fmt.Sprintf("/api/v1/periodic-reports/%d", draft.ID)
	long := strings.Repeat("Chuyển đổi số. ", 1500)
	for _, c := range []struct {
		name         string
		who          *apptest.Client
		method, path string
		body         any
		status       int
		key, field   string // a word of the Vietnamese message, the field
	}{
		{"a period with no data", gl, "POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2015"}, 422, "chưa có số liệu", "period"},
		{"a period not begun", gl, "POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2027-H2"}, 422, "chưa bắt đầu", "period"},
		{"a period that is none", gl, "POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2026-H3"}, 422, "không hợp lệ", "period"},
		{"a span backwards", gl, "POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2026-06-30..2026-01-01"}, 422, "phải sau", "period_to"},
		{"a kind that is none", gl, "POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2026-H1", "kind": "monthly"}, 422, "không hợp lệ", "kind"},
		{"a unit outside the scope", s.TokenClient(t, "pleiku"), "POST", "/api/v1/periodic-reports", obj{"unit_id": quyNhon.UnitID, "period": "2026-H1"}, 403, "", ""},
		{"a leader who only reads", s.TokenClient(t, "lanhdao"), "POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2026-H1"}, 403, "", ""},
		{"a leader edits", s.TokenClient(t, "lanhdao"), "PUT", path, obj{"title": "Khác"}, 403, "", ""},
		{"text too long", gl, "PUT", path, obj{"sections": obj{"issues": long}}, 422, "vượt giới hạn", "section_issues"},
		{"a control character", gl, "PUT", path, obj{"title": "Báo cáo\u0007 quý"}, 422, "ký tự điều khiển", "report_title"},
		{"a figure that is not one", gl, "PUT", path, obj{"sections": obj{"plans": "Có {Số nhiệm vụ tưởng tượng} nhiệm vụ."}}, 422, "Số nhiệm vụ tưởng tượng", "section_plans"},
		{"a brace left open", gl, "PUT", path, obj{"sections": obj{"plans": "Có {Tổng số nhiệm vụ nhiệm vụ."}}, 422, "thiếu dấu", "section_plans"},
		{"a symbol with spaces", gl, "PUT", path, obj{"heading": obj{"issuer": "UBND", "symbol": "BC UBND", "place": "Gia Lai"}}, 422, "ký hiệu", "symbol"},
		{"a proposal that is none", gl, "PUT", path, obj{"pick_proposals": []int64{987654321}}, 422, "kiến nghị", "pick_proposals"},
		{"number zero", gl, "POST", path + "/issue", obj{"number": 0, "date": "2026-10-01", "signer": "A"}, 422, "số văn bản", "doc_number"},
		{"a date to come", gl, "POST", path + "/issue", obj{"number": 7, "date": "2027-01-01", "signer": "A"}, 422, "sau hôm nay", "issue_date"},
		{"a date before the period", gl, "POST", path + "/issue", obj{"number": 7, "date": "2026-01-01", "signer": "A"}, 422, "trước ngày bắt đầu", "issue_date"},
		{"no signer", gl, "POST", path + "/issue", obj{"number": 7, "date": "2026-10-01", "signer": "  "}, 422, "", "signer"},
	} {
		auditBefore := s.AuditLen(t)
		var e api.ErrorBody
		st := c.who.JSON(c.method, c.path, c.body, &e)
		if st != c.status {
			t.Errorf("%s: status %d, want %d: %+v", c.name, st, c.status, e)
			continue
		}
		msg := e.Error.Message
		for _, d := range e.Error.Details {
			msg += " " + d.Message
		}
		if c.key != "" && !strings.Contains(msg, c.key) {
			t.Errorf("%s: %q does not say %q", c.name, msg, c.key)
		}
		fields := ""
		for _, d := range e.Error.Details {
			fields += d.Field + " "
		}
		if c.field != "" && !strings.Contains(msg, vi.T("field."+c.field)) && !strings.Contains(fields, c.field) {
			t.Errorf("%s: %q does not name the field %s", c.name, msg, c.field)
		}
		if s.AuditLen(t) != auditBefore {
			t.Errorf("%s: written", c.name)
		}
		if c.status == 422 {
			var eng api.ErrorBody
			en.JSON(c.method, c.path, c.body, &eng)
			if eng.Error.Message == e.Error.Message || eng.Error.Message == "" {
				t.Errorf("%s: no English message: %q", c.name, eng.Error.Message)
			}
		}
	}
	// what was refused left the draft as it was
	var after api.ReportView
	gl.JSON("GET", path, nil, &after)
	if after.Report.Title != draft.Title || after.Report.Sections != draft.Sections || after.Report.Status != report.Draft {
		t.Error("a refused change changed the draft")
	}
	// a draft can be discarded, audited
	auditBefore := s.AuditLen(t)
	if st := gl.JSON("POST", path+"/discard", nil, nil); st != 204 {
		t.Fatalf("discard: %d", st)
	}
	if st := gl.JSON("GET", path, nil, nil); st != 404 || s.AuditLen(t) != auditBefore+1 {
		t.Errorf("after discard: %d, %d entries", st, s.AuditLen(t)-auditBefore)
	}
}

// TestThematicReport: the thematic report on Decision 1690 covers the
// plans in that decision's chain and leaves out the indicators and the
// assessment.
func TestThematicReport(t *testing.T) {
	s := apptest.StartSQLite(t)
	gl := s.TokenClient(t, "gialai")
	province := s.UnitNamed(t, "Tỉnh Gia Lai")
	var r report.Report
	if st := gl.JSON("POST", "/api/v1/periodic-reports", obj{"unit_id": province.UnitID, "period": "2025", "kind": "apparatus"}, &r); st != 201 {
		t.Fatalf("draft: %d", st)
	}
	v := view(t, gl, r.ID)
	if v.Figures.Indicators != nil || v.Figures.Assessment != nil || len(v.Figures.Plans.Docs) == 0 {
		t.Errorf("thematic figures: %+v", v.Figures)
	}
	for _, d := range v.Figures.Plans.Docs {
		if d.Number != "687/KH-UBND" && d.Number != "125/KH-UBND" {
			t.Errorf("a plan outside Decision 1690's chain: %s", d.Number)
		}
	}
	b, _ := json.Marshal(v.Document)
	if strings.Contains(string(b), "Các chỉ số chủ yếu") || !strings.Contains(string(b), "Quyết định số 1690/QĐ-TTg") {
		t.Error("the thematic document's sections")
	}
}

// TestDOCXOpensInLibreOffice: LibreOffice opens the DOCX and prints it with
// the same words, figures and table (skipped where LibreOffice is not
// installed, unless every test must run: CI installs it).
func TestDOCXOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv(dbtest.RequireAllEnv) != "" {
			t.Fatal("LibreOffice (soffice) is not installed and every test must run")
		}
		t.Skip("LibreOffice (soffice) is not installed")
	}
	s := apptest.StartSQLite(t)
	ctx := context.Background()
	u := s.User(t, "gialai")
	r, err := s.Reports.Create(ctx, u.Actor(), report.Input{UnitID: u.ScopeUnitID, Period: "2026-H1"})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = s.Reports.Issue(ctx, u.Actor(), r.ID, report.IssueInput{Number: 7, Date: day.Of(2026, 7, 2), Signer: "Phạm Anh Tuấn"}); err != nil {
		t.Fatal(err)
	}
	_, _, data, err := s.Reports.File(ctx, u.Actor(), r.ID, report.FileDOCX)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bao-cao.docx"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "pdf", "--outdir", dir,
		filepath.Join(dir, "bao-cao.docx"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v: %s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "bao-cao.pdf"))
	if err != nil {
		t.Fatalf("LibreOffice wrote no PDF: %v", err)
	}
	text := reporttest.PDFText(t, pdf)
	docx, err := reporttest.ReadDOCX(data)
	if err != nil {
		t.Fatal(err)
	}
	groups := docx.Table("Kế hoạch, nhóm nhiệm vụ")
	// (LibreOffice writes a table's text column by column)
	want := []string{"Số: 07/BC-UBND", "Gia Lai, ngày 02 tháng 7 năm 2026", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Nơi nhận:", "Phạm Anh Tuấn",
		"Bảng 2. Kết quả thực hiện nhiệm vụ theo kế hoạch và nhóm nhiệm vụ", reporttest.Squash(groups[1][1]), reporttest.Squash(groups[2][1])}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("LibreOffice's rendering lacks %q", w)
		}
	}
	if n := reporttest.PDFPages(pdf); n < 3 {
		t.Errorf("LibreOffice lays it out on %d pages", n)
	}
}

// TestIssuedReportPrintsTheAnchor: with the audit log anchored, an issued
// report prints the latest signed checkpoint of the chain, in both files,
// and the checkpoint it prints verifies with the public key it prints.
func TestIssuedReportPrintsTheAnchor(t *testing.T) {
	dir := t.TempDir()
	s := apptest.StartWith(t, "", func(c *app.Config) {
		c.AuditKey, c.AuditCheckpoints = filepath.Join(dir, "audit.key"), filepath.Join(dir, "checkpoints")
	})
	ctx := context.Background()
	cp, err := s.Anchor.Checkpoint(ctx, s.DB)
	if err != nil {
		t.Fatal(err)
	}
	u := s.User(t, "gialai")
	r, err := s.Reports.Create(ctx, u.Actor(), report.Input{UnitID: u.ScopeUnitID, Period: "2026-H1"})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = s.Reports.Issue(ctx, u.Actor(), r.ID, report.IssueInput{Number: 8, Date: day.Of(2026, 7, 2), Signer: "Phạm Anh Tuấn"}); err != nil {
		t.Fatal(err)
	}
	_, _, data, err := s.Reports.File(ctx, u.Actor(), r.ID, report.FileDOCX)
	if err != nil {
		t.Fatal(err)
	}
	docx, err := reporttest.ReadDOCX(data)
	if err != nil {
		t.Fatal(err)
	}
	text := reporttest.Squash(docx.Text)
	for _, want := range []string{fmt.Sprintf("mục số %d, mã băm %s", cp.Seq, cp.Hash), "chữ ký " + cp.Sig,
		"khóa công khai " + base64.StdEncoding.EncodeToString(s.Anchor.Public)} {
		if !strings.Contains(text, want) {
			t.Errorf("the DOCX does not print %q", want)
		}
	}
	_, _, pdf, err := s.Reports.File(ctx, u.Actor(), r.ID, report.FilePDF)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reporttest.PDFText(t, pdf), fmt.Sprintf("Điểm neo nhật ký kiểm toán đã ký số (Ed25519): mục số %d", cp.Seq)) {
		t.Error("the PDF does not print the checkpoint")
	}
}
