package app_test

import (
	"fmt"
	"net/url"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/org"
)

// The records of the assessment features beyond rounds (see
// indicator_fixture_test.go) a target has, and the requests their routes
// are sent: a framework of the target's own that official results are
// recorded against (communes, from 2025), and a unit formed by a merger,
// whose results before it are computed from its predecessor's.

func init() {
	for k, v := range map[string]string{
		"weights/{unit}":     "merged",
		"merge-weights/{id}": "merged",
	} {
		paramTargets[k] = v
	}
	for k, v := range assessWrites {
		writes[k] = v
	}
}

// makeAssessRecord makes the target's records of the assessment features.
func (f *target) makeAssessRecord(kind string) (int64, error) {
	s, ctx, admin := f.s, f.ctx, f.s.Admin
	switch kind {
	case "official_fw": // a framework for communes that results are published for
		one := 1.0
		fw, err := s.Assess.ImportFramework(ctx, admin, &assess.Def{Family: fmt.Sprintf("KQ-%d", f.serial), NameVI: "Chỉ số thử nghiệm " + f.name,
			Level: assess.LevelCommune, YearFrom: 2025, Rows: []assess.DefRow{{Code: "A", NameVI: "Trụ cột", Max: &one}, {Code: "A.1", Parent: "A", NameVI: "Chỉ số chính", Max: &one}}},
			assess.DefOptions{OwnerUnitID: f.id("unit"), Publish: true})
		if err != nil {
			return 0, err
		}
		return fw.ID, nil
	case "merged", "merged_pred": // a unit formed from another by a merger
		province := s.UnitNamed(f.t, "Tỉnh Gia Lai").UnitID
		var ids [2]int64
		for i := range ids {
			id, err := s.Org.Establish(ctx, admin, org.EstablishInput{Change: org.Change{Effective: fixtureFrom, LegalBasis: "Nghị quyết thử nghiệm"},
				UnitSpec: org.UnitSpec{ParentID: province, Code: fmt.Sprint(95000 + 2*f.serial + i), Name: fmt.Sprintf("Xã Hợp Nhất %d-%d", f.serial, i),
					Level: org.LevelCommune, Kind: "Xã"}})
			if err != nil {
				return 0, err
			}
			ids[i] = id
		}
		if _, err := s.Org.Merge(ctx, admin, org.MergeInput{Change: org.Change{Effective: fixtureFrom.AddDays(60), LegalBasis: "Nghị quyết sáp nhập thử nghiệm"},
			UnitIDs: []int64{ids[1]}, IntoID: ids[0]}); err != nil {
			return 0, err
		}
		f.made["merged_pred"] = ids[1]
		if kind == "merged_pred" {
			f.made["merged"] = ids[0]
			return ids[1], nil
		}
		return ids[0], nil
	}
	return 0, fmt.Errorf("no such kind of record")
}

func (f *target) fwCode() string { return fmt.Sprintf("KQ-%d", f.serial) }

// resultsFile is a sheet of one published result for the target's commune.
func (f *target) resultsFile() []byte {
	f.id("official_fw")
	return fmt.Appendf(nil, "Mã,Chỉ số chính,Chỉ số DTI,Xếp hạng,Trên\n%s,0.5,0.5,1,1\n", f.unitCode())
}

// frameworkFile is a sheet of a small framework.
func frameworkFile() []byte {
	return []byte("Mã,Mã cấp trên,Tên,Điểm tối đa,Cách chấm\nTC,,Trụ cột thử,10,\nTC.1,TC,Tiêu chí thử,10,Chấm theo minh chứng\n")
}

var assessWrites = map[string]func(f *target) request{
	// pages
	"POST /assess/frameworks/import": func(f *target) request {
		return request{files: map[string]file{"file": {"bo-tieu-chi.csv", frameworkFile()}},
			parts: urlValues("family", fmt.Sprintf("NHAP-%d", f.serial), "name_vi", "Bộ tiêu chí nhập thử", "owner_unit_id", f.str("unit"))}
	},
	"POST /assess/official": func(f *target) request {
		f.id("official_fw")
		return form("family", f.fwCode(), "year", "2025", "unit_id", f.str("unit"), "today", "on", "dti", "0.5", "rank", "1", "rank_of", "1",
			"v.A.1", "0.5", "source", "Công bố thử")
	},
	"POST /assess/official/import": func(f *target) request {
		return request{files: map[string]file{"file": {"ket-qua.csv", f.resultsFile()}},
			parts: urlValues("family", f.fwCode(), "year", "2025", "today", "on", "source", "Công bố thử")}
	},
	"POST /assess/official/units/{unit}/goal": func(f *target) request {
		return form("family", "DTI-TINH", "year_from", "2025", "year_to", "2026", "max_rank", "3", "basis", "Mục tiêu thử")
	},
	"POST /assess/official/weights/{unit}": func(f *target) request {
		return form("family", "DTI-TINH", "method", "weights", "w."+f.str("merged_pred"), "2", "note", "Theo dân số (thử)")
	},
	// API
	"POST /api/v1/imports/frameworks": func(f *target) request {
		return request{files: map[string]file{"file": {"bo-tieu-chi.csv", frameworkFile()}},
			query: urlValues("family", fmt.Sprintf("API-NHAP-%d", f.serial), "name_vi", "Bộ tiêu chí nhập thử", "owner_unit_id", f.str("unit"))}
	},
	"POST /api/v1/official-results": func(f *target) request {
		f.id("official_fw")
		return jsonReq(obj{"family": f.fwCode(), "year": 2025, "unit_id": f.id("unit"), "today": true, "dti": 0.5, "rank": 1, "rank_of": 1,
			"values": obj{"A.1": 0.5}, "source": "Công bố thử"})
	},
	"POST /api/v1/imports/official-results": func(f *target) request {
		return request{files: map[string]file{"file": {"ket-qua.csv", f.resultsFile()}},
			query: urlValues("family", f.fwCode(), "year", "2025", "today", "true")}
	},
	"POST /api/v1/rank-goals": func(f *target) request {
		return jsonReq(obj{"family": "DTI-TINH", "unit_id": f.id("unit"), "year_from": 2025, "year_to": 2026, "max_rank": 3, "basis": "Mục tiêu thử"})
	},
	"POST /api/v1/merge-weights/{id}": func(f *target) request {
		return jsonReq(obj{"family": "DTI-TINH", "weights": []any{obj{"predecessor_id": f.id("merged_pred"), "weight": 2}}, "note": "Theo dân số (thử)"})
	},
}

func urlValues(kv ...string) url.Values { return form(kv...).form }
