package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime/multipart"
	"net/http"
	"reflect"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// upload sends a file as multipart form data.
func upload(t *testing.T, c *apptest.Client, path, name string, data []byte) (*http.Response, []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	return c.Do("POST", path, w.FormDataContentType(), &body)
}

// TestAPIDTI: from a fresh demo, by API token — the provincial DTI 2025
// framework is there, published and scorable; exported and imported again
// it comes back identical; Gia Lai's 2025 self-assessment has the
// components bound to indicators filled from the figures; the official
// 2024 results are imported from a sheet and shown beside the
// self-assessment; Gia Lai's 2023 result is restated from old Gia Lai and
// Bình Định.
func TestAPIDTI(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		admin, gialai := s.TokenClient(t, "admin"), s.TokenClient(t, "gialai")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		must := func(code, want int, what string) {
			t.Helper()
			if code != want {
				t.Fatalf("%s: status %d, want %d", what, code, want)
			}
		}

		var list api.FrameworkList
		must(gialai.JSON("GET", "/api/v1/frameworks", nil, &list), http.StatusOK, "frameworks")
		var dti *assess.Framework
		for _, f := range list.Frameworks {
			if f.Family == assess.DTIFamily && f.YearFrom == 2024 {
				dti = f
			}
		}
		if dti == nil || dti.Draft() {
			t.Fatalf("no published provincial DTI 2025 among %d frameworks", len(list.Frameworks))
		}
		var full assess.Framework
		must(gialai.JSON("GET", fmt.Sprintf("/api/v1/frameworks/%d", dti.ID), nil, &full), http.StatusOK, "DTI 2025")
		if len(full.Nodes) != 2 || math.Abs(full.Max()-1000) > 1e-6 || full.Basis == "" {
			t.Fatalf("DTI 2025: %d groups, max %v, basis %q", len(full.Nodes), full.Max(), full.Basis)
		}

		// out as a sheet and back, identical
		resp, sheetData := admin.Get(fmt.Sprintf("/api/v1/frameworks/%d/sheet.xlsx", dti.ID))
		must(resp.StatusCode, http.StatusOK, "export")
		resp, body := upload(t, admin, "/api/v1/imports/frameworks?publish=true", "dti-2025.xlsx", sheetData)
		must(resp.StatusCode, http.StatusCreated, "import: "+string(body))
		var again assess.Framework
		must(admin.JSON("GET", fmt.Sprintf("/api/v1/frameworks/%d", idOf(t, body)), nil, &again), http.StatusOK, "re-imported")
		if again.Version != dti.Version+1 || !reflect.DeepEqual(apiShape(&full), apiShape(&again)) {
			t.Fatalf("re-imported v%d differs", again.Version)
		}
		resp, sheetAgain := admin.Get(fmt.Sprintf("/api/v1/frameworks/%d/sheet.xlsx", again.ID))
		must(resp.StatusCode, http.StatusOK, "export again")
		if a, b := sheetRows(t, sheetData), sheetRows(t, sheetAgain); !reflect.DeepEqual(a, b) {
			t.Fatalf("the sheet changed after the round trip:\n%v\n%v", a, b)
		}

		// Gia Lai's 2025 self-assessment: bound components fill themselves
		rounds, err := s.Assess.Rounds(t.Context(), s.Admin)
		if err != nil {
			t.Fatal(err)
		}
		var round *assess.Round
		for _, r := range rounds {
			if r.FrameworkID == dti.ID && r.Year == 2025 {
				round = r
			}
		}
		if round == nil {
			t.Fatal("the demo has no 2025 DTI round")
		}
		var card assess.Card
		must(gialai.JSON("GET", fmt.Sprintf("/api/v1/rounds/%d/units/%d", round.ID, province), nil, &card), http.StatusOK, "card")
		filled := 0
		for _, c := range card.Framework.Criteria() {
			sc := card.Scores[c.ID]
			if c.FromIndicator() && sc.Auto != nil {
				filled++
				if sc.Source != assess.SourceReported && sc.Source != assess.SourceMeasured || sc.Counts != assess.CountsAuto {
					t.Errorf("%s: %+v", c.Code, sc)
				}
			}
			if !c.FromIndicator() && sc.Source != assess.SourceJudgement {
				t.Errorf("%s is judged but says %s", c.Code, sc.Source)
			}
		}
		if filled == 0 || card.Share.Filled != filled {
			t.Fatalf("components filled from figures: %d, the card says %d", filled, card.Share.Filled)
		}

		// the official results, from sheets: 2023 on that year's tree, 2024
		// for today's provinces
		sheet := func(rows string) []byte {
			return []byte("Tỉnh,NT1,NT2,NT3,NT4,NT5,HD1,HD2,HD3,DTI,Xếp hạng,Trên\n" + rows)
		}
		resp, body = upload(t, admin, "/api/v1/imports/official-results?year=2023&source=thu", "dti-2023.csv",
			sheet("Gia Lai,0.8,0.6,0.5,0.4,0.3,0.6,0.5,0.4,0.52,52,63\nBình Định,0.9,0.8,0.7,0.6,0.5,0.8,0.7,0.6,0.72,18,63\n"))
		must(resp.StatusCode, http.StatusOK, "import 2023: "+string(body))
		resp, body = upload(t, admin, "/api/v1/imports/official-results?year=2024&today=true", "dti-2024.csv",
			sheet("Gia Lai,0.7,0.6,0.55,0.5,0.6,0.7,0.6,0.65,0.63,31,34\n"))
		must(resp.StatusCode, http.StatusOK, "import 2024: "+string(body))
		resp, body = upload(t, admin, "/api/v1/imports/official-results?year=2019", "dti-2019.csv", sheet("Gia Lai,0.7,,,,,,,,0.6,1,63\n"))
		must(resp.StatusCode, http.StatusUnprocessableEntity, "a year without a framework: "+string(body))

		var rk assess.OfficialRanking
		must(gialai.JSON("GET", "/api/v1/official-results?year=2023&mode=restated", nil, &rk), http.StatusOK, "2023 restated")
		var gl *assess.Official
		for i := range rk.Rows {
			if rk.Rows[i].UnitID == province {
				gl = &rk.Rows[i]
			}
		}
		if gl == nil || !gl.Restated || len(gl.From) != 2 || gl.DTI == nil || math.Abs(*gl.DTI-0.62) > 1e-9 {
			t.Fatalf("Gia Lai 2023 restated: %+v", gl)
		}

		var cmp assess.Comparison
		must(gialai.JSON("GET", fmt.Sprintf("/api/v1/units/%d/official-comparison?year=2025", province), nil, &cmp), http.StatusOK, "comparison")
		if cmp.Official == nil || cmp.OfficialYear != 2024 || cmp.SelfIndex == nil || len(cmp.Rows) != 8 || cmp.Light != assess.GoalMissed {
			t.Fatalf("comparison: %+v", cmp)
		}
		for _, r := range cmp.Rows {
			if r.Gap == nil || r.Official == nil || r.Self == nil {
				t.Fatalf("%s: %+v", r.Node.Code, r)
			}
		}
	})
}

func idOf(t *testing.T, body []byte) int64 {
	t.Helper()
	var v struct {
		ID int64 `json:"id"`
	}
	if err := jsonUnmarshal(body, &v); err != nil || v.ID == 0 {
		t.Fatalf("no id in %s: %v", body, err)
	}
	return v.ID
}

func apiShape(f *assess.Framework) []string {
	opt := func(v *float64) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(*v)
	}
	var out []string
	f.Walk(func(n *assess.Node, d int) {
		out = append(out, fmt.Sprintf("%d|%s|%s|%s|%v|%s|%s|%s|%s|%v|%s|%v", d, n.Code, n.Kind, n.NameVI, n.Max, n.Method, n.Indicator, opt(n.Lo), opt(n.Hi),
			n.Steps, n.Provenance, n.ToFill))
	})
	return out
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// sheetRows reads every row of a workbook's first sheet.
func sheetRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	tab, err := sheet.Read(bytes.NewReader(data), "x.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	return append([][]string{tab.Header}, tab.Rows...)
}
