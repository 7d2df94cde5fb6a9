// Package demo fills a fresh database with a believable province: the unit
// tree before and after the 2025 reorganisation (the whole country when the
// official lists are at hand, a small built-in part of it otherwise), the
// provincial departments and their 2025 merger, and an account for each
// kind of user.
package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// Password is every demo account's password.
const Password = "demo-mangluoi"

// Login is a demo account, for the start-up message.
type Login struct {
	Login, Role, Scope string
}

// Dates of the demo's history.
var (
	Baseline   = day.Of(2024, 1, 1) // the pre-2025 list taken as the starting tree
	DeptMerger = day.Of(2025, 3, 1) // Departments of Information and Communications merged into Science and Technology
	Reorg      = day.Of(2025, 7, 1) // two-level local government
)

// Seed loads the demo. unitsDir, if it holds the official lists, makes the
// demo country-wide; otherwise the built-in part of the country is used.
func Seed(ctx context.Context, orgs *org.Service, accounts *auth.Service, ppl *people.Service, admin *auth.Actor, unitsDir string, opts ...Option) ([]Login, error) {
	full := unitsDir != "" && exists(filepath.Join(unitsDir, "vn-units-2025-03-01.csv"))
	oldList, newList, mapping := builtinOld, builtinNew, builtinMapping
	if full {
		var err error
		if oldList, err = read(unitsDir, "vn-units-2025-03-01.csv"); err != nil {
			return nil, err
		}
		if newList, err = read(unitsDir, "vn-units-2025-07-01.csv"); err != nil {
			return nil, err
		}
		if mapping, err = read(unitsDir, "vn-merges-2025-07-01.csv"); err != nil {
			return nil, err
		}
	}
	if _, err := orgs.ImportList(ctx, admin, strings.NewReader(oldList), "units.csv",
		org.Change{Effective: Baseline, LegalBasis: "Danh mục đơn vị hành chính (01/03/2025)", Note: "Cây gốc của bản trình diễn"}); err != nil {
		return nil, fmt.Errorf("demo baseline: %w", err)
	}
	snap, err := orgs.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	oldGiaLai := snap.FindByCode(org.LevelProvince, "64", Baseline)
	if oldGiaLai == nil {
		return nil, fmt.Errorf("demo: no Gia Lai (64) in the baseline list")
	}
	// Provincial departments of the old Gia Lai; the two that merged in
	// March 2025 show a merger in the tree.
	depts := map[string]int64{}
	for _, name := range []string{"Sở Thông tin và Truyền thông", "Sở Khoa học và Công nghệ", "Sở Nội vụ", "Sở Tài chính",
		"Sở Y tế", "Sở Giáo dục và Đào tạo", "Văn phòng Ủy ban nhân dân tỉnh"} {
		id, err := orgs.Establish(ctx, admin, org.EstablishInput{
			Change:   org.Change{Effective: Baseline, LegalBasis: "Quyết định thành lập"},
			UnitSpec: org.UnitSpec{ParentID: oldGiaLai.UnitID, Name: name, Level: org.LevelAgency, Kind: kindOf(name)}})
		if err != nil {
			return nil, fmt.Errorf("demo department %s: %w", name, err)
		}
		depts[name] = id
	}
	if _, err := orgs.Establish(ctx, admin, org.EstablishInput{
		Change:   org.Change{Effective: Baseline, LegalBasis: "Quyết định thành lập"},
		UnitSpec: org.UnitSpec{ParentID: depts["Sở Thông tin và Truyền thông"], Name: "Trung tâm Công nghệ thông tin và Truyền thông", Level: org.LevelAgency, Kind: "Trung tâm"}}); err != nil {
		return nil, err
	}
	if _, err := orgs.Merge(ctx, admin, org.MergeInput{
		Change:  org.Change{Effective: DeptMerger, LegalBasis: "Nghị quyết của HĐND tỉnh Gia Lai", Note: "Hợp nhất Sở TT&TT vào Sở KH&CN"},
		UnitIDs: []int64{depts["Sở Thông tin và Truyền thông"]}, IntoID: depts["Sở Khoa học và Công nghệ"]}); err != nil {
		return nil, fmt.Errorf("demo department merger: %w", err)
	}
	if _, err := orgs.Restructure(ctx, admin, strings.NewReader(newList), "units-2025.csv", strings.NewReader(mapping), "merges.csv",
		// The whole country's change when the official lists are at hand:
		// the provinces by the National Assembly's resolution, the communes
		// by one resolution of its Standing Committee per province (Gia
		// Lai's is 1664/NQ-UBTVQH15 of 16/06/2025).
		org.Change{Effective: Reorg, LegalBasis: "Nghị quyết 202/2025/QH15; Nghị quyết 1664/NQ-UBTVQH15 (tỉnh Gia Lai)", Note: "Sắp xếp đơn vị hành chính 2025"}); err != nil {
		return nil, fmt.Errorf("demo reorganisation: %w", err)
	}
	snap, err = orgs.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	newGiaLai := snap.FindByCode(org.LevelProvince, "52", Reorg)
	if newGiaLai == nil {
		return nil, fmt.Errorf("demo: no new Gia Lai (52)")
	}
	var oldProvinces []*org.Version
	for _, l := range snap.Predecessors(newGiaLai.UnitID) {
		oldProvinces = append(oldProvinces, snap.At(l.PredecessorID, Baseline))
	}
	if err := seedPeople(ctx, snap, ppl, admin, oldProvinces, newGiaLai, orgs.Today()); err != nil {
		return nil, fmt.Errorf("demo people: %w", err)
	}
	commune := snap.Search("Pleiku", Reorg, newGiaLai.UnitID, 1)
	if len(commune) == 0 {
		return nil, fmt.Errorf("demo: no Pleiku ward")
	}
	root := snap.RootID
	accountsToMake := []struct {
		login, name string
		role        auth.Role
		scope       int64
	}{
		{"admin", "Quản trị hệ thống", auth.RoleAdmin, root},
		{"gialai", "Nguyễn Thị Lan (Sở KH&CN Gia Lai)", auth.RoleCoordinator, newGiaLai.UnitID},
		{"lanhdao", "Trần Văn Hùng (Lãnh đạo UBND tỉnh)", auth.RoleViewer, newGiaLai.UnitID},
		{"pleiku", "Lê Minh Tuấn (" + commune[0].Name + ")", auth.RoleFocal, commune[0].UnitID},
	}
	var logins []Login
	for _, a := range accountsToMake {
		if _, err := accounts.CreateUser(ctx, admin, auth.UserInput{Login: a.login, DisplayName: a.name, Password: Password,
			Role: a.role, ScopeUnitID: a.scope, Locale: "vi"}); err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.login, err)
		}
		logins = append(logins, Login{a.login, string(a.role), snap.Latest(a.scope).Name})
	}
	return seedFeatures(ctx, opts, orgs, accounts, admin, logins)
}

func kindOf(name string) string {
	for _, k := range []string{"Sở", "Văn phòng", "Ban", "Trung tâm"} {
		if strings.HasPrefix(name, k+" ") {
			return k
		}
	}
	return ""
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func read(dir, name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	return string(b), err
}
