package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
)

// fuzzRoutes are the tree-changing API routes the fuzz target sends its
// bodies to, %d being a unit of the new Gia Lai.
var fuzzRoutes = []string{"/api/v1/units", "/api/v1/units/%d/rename", "/api/v1/units/%d/move", "/api/v1/units/%d/split",
	"/api/v1/units/%d/dissolve", "/api/v1/merges"}

// FuzzAPIChanges sends arbitrary bodies to the API's tree-changing routes
// as the province's coordinator: whatever the body, the answer is never a
// 5xx, a refusal is a JSON error, and a refused request writes nothing.
// Without -fuzz it runs its seeds.
func FuzzAPIChanges(f *testing.F) {
	s := apptest.StartSQLite(f)
	c := s.TokenClient(f, "gialai")
	province := s.UnitNamed(f, "Tỉnh Gia Lai").UnitID
	unit := s.UnitNamed(f, "Phường Quy Nhơn").UnitID
	other := s.UnitNamed(f, "Xã Nhơn Châu").UnitID
	seeds := []string{
		fmt.Sprintf(`{"parent_id": %d, "name": "Sở Văn hóa", "level": "agency", "effective_date": "2026-11-01"}`, province),
		`{"name": "Phường Quy Nhơn Mới", "code": "21553", "kind": "Phường", "effective_date": "2026-11-01", "legal_basis": "NQ 1/2026"}`,
		fmt.Sprintf(`{"parent_id": %d, "effective_date": "01/11/2026"}`, province),
		fmt.Sprintf(`{"effective_date": "2026-11-01", "keep": true, "parts": [{"name": "Phường Tách", "level": "commune", "parent_id": %d, "fraction": 0.25}]}`, province),
		fmt.Sprintf(`{"effective_date": "2026-11-01", "unit_ids": [%d, %d], "into_id": %d}`, unit, other, unit),
		fmt.Sprintf(`{"effective_date": "2026-11-01", "unit_ids": [%d, %d], "new": {"name": "Phường Mới", "level": "commune", "parent_id": %d}}`, unit, other, province),
		`{"effective_date": "2025-13-45"}`, `{"effective_date": "hôm qua"}`, `{"effective_date": 20251101}`,
		`{"parent_id": "1"}`, `{"parent_id": 1e400}`, `{"parent_id": 99999999999999999999}`, `{"parent_id": -1}`,
		`{"parts": [{"fraction": -0.5}], "effective_date": "2026-11-01"}`, `{"parts": [null], "effective_date": "2026-11-01"}`,
		`{"unit_ids": [], "effective_date": "2026-11-01"}`, `{"new": {}, "unit_ids": [1, 1], "effective_date": "2026-11-01"}`,
		`{"name": "` + strings.Repeat("Đ", 5000) + `", "effective_date": "2026-11-01"}`,
		`{"name": "Phu\u0301ờng \u0000 Tab\t", "effective_date": "2026-11-01"}`,
		``, `{`, `null`, `[]`, `"x"`, `{} {}`, `{"unknown": 1}`, "{\"name\": \"\xff\"}",
	}
	for i, body := range seeds {
		f.Add(uint8(i%len(fuzzRoutes)), body)
		f.Add(uint8((i+3)%len(fuzzRoutes)), body)
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		path := fuzzRoutes[int(route)%len(fuzzRoutes)]
		if strings.Contains(path, "%d") {
			path = fmt.Sprintf(path, unit)
		}
		before := s.AuditLen(t)
		resp, out := c.For(t).Do(http.MethodPost, path, "application/json", strings.NewReader(body))
		if resp.StatusCode >= 500 {
			t.Fatalf("POST %s %q: status %d: %s", path, body, resp.StatusCode, out)
		}
		if resp.StatusCode < 400 {
			return
		}
		var e api.ErrorBody
		if err := json.Unmarshal(out, &e); err != nil || e.Error.Status != resp.StatusCode || e.Error.Message == "" {
			t.Fatalf("POST %s %q: status %d without a JSON error: %s", path, body, resp.StatusCode, out)
		}
		if n := s.AuditLen(t); n != before {
			t.Fatalf("POST %s %q: refused (%d) but the audit log grew by %d", path, body, resp.StatusCode, n-before)
		}
	})
}
