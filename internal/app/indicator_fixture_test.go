package app_test

import (
	"fmt"
	"net/url"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// The records of the indicators and assessment features a target has, and
// the requests their routes are sent (see fixture_test.go). Each record
// belongs to the target's commune: an indicator and a report form it
// defines (the form collects from the commune itself), a submitted report,
// a draft framework with a pillar and a criterion, and a round of a
// published framework that assesses the commune.

// fixturePeriod is the month the fixtures report (the test clock is in
// November 2026, so it is open); requests write October's figures.
const fixturePeriod = "2026-11"

func init() {
	for k, v := range map[string]string{
		"indicators/{id}":  "indicator",
		"forms/{id}":       "form",
		"forms/{form}":     "form",
		"submissions/{id}": "submission",
		"frameworks/{id}":  "framework",
		"nodes/{id}":       "node",
		"rounds/{id}":      "round",
		"units/{unit}":     "unit",
		"rankings/{id}":    "round",
	} {
		paramTargets[k] = v
	}
	publicRoutes["GET /public/rankings/{id}"] = true
	for k, v := range indicatorWrites {
		writes[k] = v
	}
}

// makeIndicatorRecord makes the target's records of the indicators and
// assessment features.
func (f *target) makeIndicatorRecord(kind string) (int64, error) {
	s, ctx, admin := f.s, f.ctx, f.s.Admin
	switch kind {
	case "indicator":
		i, err := s.Indicators.Define(ctx, admin, indicator.Input{Code: fmt.Sprintf("THU_%d", f.serial), NameVI: "Chỉ số thử nghiệm " + f.name,
			MeasureVI: "hồ sơ", OwnerUnitID: f.id("unit")})
		if err != nil {
			return 0, err
		}
		return i.ID, nil
	case "form": // the commune's own monthly form, which it reports itself
		fm, err := s.Indicators.CreateForm(ctx, admin, indicator.FormInput{Code: fmt.Sprintf("BM-THU-%d", f.serial), NameVI: "Biểu mẫu thử nghiệm " + f.name,
			PeriodType: indicator.Monthly, DueDays: 5, OwnerUnitID: f.id("unit"), Indicators: []string{"HS_ALL", "HS_ONLINE", "HS_ONLINE_RATE"},
			UnitIDs: []int64{f.id("unit")}})
		if err != nil {
			return 0, err
		}
		return fm.ID, nil
	case "submission": // this month's report, submitted (so it can be approved)
		sub, err := s.Indicators.Save(ctx, admin, f.id("form"), f.id("unit"), indicator.MustPeriod(fixturePeriod), indicator.EntryInput{Submit: true,
			Values: []indicator.ValueInput{{Code: "HS_ALL", Raw: "100", Comment: "Số liệu thử"}, {Code: "HS_ONLINE", Raw: "50", Comment: "Số liệu thử"}}}, "vi", nil)
		if err != nil {
			return 0, err
		}
		return sub.ID, nil
	case "framework": // a draft, with a pillar and a criterion
		fw, err := s.Assess.CreateFramework(ctx, admin, assess.FrameworkInput{Family: fmt.Sprintf("THU-%d", f.serial), NameVI: "Bộ tiêu chí thử nghiệm " + f.name,
			OwnerUnitID: f.id("unit")})
		if err != nil {
			return 0, err
		}
		p, err := s.Assess.AddNode(ctx, admin, fw.ID, assess.NodeInput{Code: "TC", NameVI: "Trụ cột thử", Max: 10})
		if err != nil {
			return 0, err
		}
		f.made["pillar"] = p.ID
		return fw.ID, nil
	case "pillar":
		f.id("framework")
		return f.made["pillar"], nil
	case "node":
		n, err := s.Assess.AddNode(ctx, admin, f.id("framework"), assess.NodeInput{ParentID: f.id("pillar"), Criterion: true, Code: "TC.1",
			NameVI: "Tiêu chí thử", Max: 10, Method: assess.Judgement})
		if err != nil {
			return 0, err
		}
		return n.ID, nil
	case "round_fw": // a published framework of one judged criterion
		fw, err := s.Assess.CreateFramework(ctx, admin, assess.FrameworkInput{Family: fmt.Sprintf("DOT-%d", f.serial), NameVI: "Bộ tiêu chí đợt thử " + f.name,
			OwnerUnitID: f.id("unit")})
		if err != nil {
			return 0, err
		}
		p, err := s.Assess.AddNode(ctx, admin, fw.ID, assess.NodeInput{Code: "TC", NameVI: "Trụ cột", Max: 10})
		if err != nil {
			return 0, err
		}
		c, err := s.Assess.AddNode(ctx, admin, fw.ID, assess.NodeInput{ParentID: p.ID, Criterion: true, Code: "TC.1", NameVI: "Tiêu chí", Max: 10})
		if err != nil {
			return 0, err
		}
		f.made["round_node"] = c.ID
		if _, err := s.Assess.UpdateFramework(ctx, admin, fw.ID, assess.FrameworkUpdate{Publish: true}); err != nil {
			return 0, err
		}
		return fw.ID, nil
	case "round_node":
		f.id("round_fw")
		return f.made["round_node"], nil
	case "round":
		r, err := s.Assess.CreateRound(ctx, admin, assess.RoundInput{FrameworkID: f.id("round_fw"), Name: "Đánh giá thử nghiệm " + f.name, Year: 2026,
			OwnerUnitID: f.id("unit"), UnitIDs: []int64{f.id("unit")}})
		if err != nil {
			return 0, err
		}
		return r.ID, nil
	}
	return 0, fmt.Errorf("no such kind of record")
}

// valuesFile is a file of one value for the target's commune.
func (f *target) valuesFile() []byte {
	return fmt.Appendf(nil, "unit_code,period,indicator,value,comment\n%s,2026-10,HS_ALL,120,Theo hệ thống một cửa\n", f.unitCode())
}

var indicatorWrites = map[string]func(f *target) request{
	// pages
	"POST /indicators": func(f *target) request {
		return form("code", fmt.Sprintf("MOI_%d", f.serial), "name_vi", "Số hồ sơ trả kết quả qua bưu chính", "measure_vi", "hồ sơ", "value_type", "number",
			"period_type", "month", "over_time", "sum", "decimals", "0", "owner_unit_id", f.str("unit"))
	},
	"POST /indicators/{id}": func(f *target) request {
		return form("name_vi", "Chỉ số thử nghiệm đã sửa", "measure_vi", "hồ sơ", "value_type", "number", "over_time", "sum", "decimals", "0", "active", "on")
	},
	"POST /indicators/{id}/targets": func(f *target) request {
		return form("unit_id", f.str("unit"), "year", "2026", "value", "120", "note", "Kế hoạch thử")
	},
	"POST /forms": func(f *target) request {
		return form("code", fmt.Sprintf("BM-MOI-%d", f.serial), "name_vi", "Biểu mẫu mới", "period_type", "month", "due_days", "5", "indicator", "HS_ALL",
			"unit_id", f.str("unit"), "owner_unit_id", f.str("unit"))
	},
	"POST /forms/{id}": func(f *target) request {
		return form("name_vi", "Biểu mẫu đã sửa", "due_days", "7", "indicator", "HS_ALL", "unit_id", f.str("unit"))
	},
	"POST /forms/{id}/remind": func(f *target) request { return form("period", "2026-10", "unit_id", f.str("unit")) },
	"POST /forms/import": func(f *target) request {
		return request{files: map[string]file{"file": {"so-lieu.csv", f.valuesFile()}}}
	},
	"POST /units/{id}/forms/{form}": func(f *target) request {
		return form("period", "2026-10", "v.HS_ALL", "120", "v.HS_ONLINE", "60", "c.HS_ALL", "Theo hệ thống một cửa", "action", "save")
	},
	"POST /submissions/{id}": func(f *target) request { return form("action", "approve", "comment", "Đạt yêu cầu") },
	"POST /assess/frameworks": func(f *target) request {
		return form("family", fmt.Sprintf("MOI-%d", f.serial), "name_vi", "Bộ tiêu chí mới", "owner_unit_id", f.str("unit"), "copy_from", f.str("framework"))
	},
	"POST /assess/frameworks/{id}": func(f *target) request { return form("name_vi", "Bộ tiêu chí đã đổi tên") },
	"POST /assess/frameworks/{id}/nodes": func(f *target) request {
		return form("parent_id", f.str("pillar"), "criterion", "on", "code", "TC.2", "name_vi", "Tiêu chí mới", "max_score", "5", "method", "judgement")
	},
	"POST /assess/nodes/{id}": func(f *target) request {
		return form("code", "TC.1", "name_vi", "Tiêu chí đã sửa", "max_score", "10", "method", "judgement", "action", "save")
	},
	"POST /assess/rounds": func(f *target) request {
		return form("framework_id", f.str("round_fw"), "name", "Đợt đánh giá mới", "year", "2026", "unit_id", f.str("unit"), "owner_unit_id", f.str("unit"))
	},
	"POST /assess/rounds/{id}": func(f *target) request { return form("published", "on") },
	"POST /assess/rounds/{id}/units/{unit}": func(f *target) request {
		n := f.str("round_node")
		return form("mode", "review", "score."+n, "8", "note."+n, "Minh chứng chưa đủ")
	},
	// API
	"POST /api/v1/indicators": func(f *target) request {
		return jsonReq(obj{"code": fmt.Sprintf("API_%d", f.serial), "name_vi": "Số hồ sơ trả kết quả qua bưu chính", "measure_vi": "hồ sơ",
			"value_type": "number", "period_type": "month", "jump": 0.5, "owner_unit_id": f.id("unit")})
	},
	"POST /api/v1/values": func(f *target) request {
		return jsonReq(obj{"values": []any{obj{"indicator": "HS_ALL", "unit_id": f.id("unit"), "period": "2026-10", "value": 120, "comment": "Từ hệ thống một cửa"}},
			"submit": false})
	},
	"POST /api/v1/imports/values": func(f *target) request {
		return request{query: url.Values{"submit": {"false"}}, files: map[string]file{"file": {"so-lieu.csv", f.valuesFile()}}}
	},
	"POST /api/v1/units/{id}/forms/{form}": func(f *target) request {
		return jsonReq(obj{"period": "2026-10", "values": []any{obj{"code": "HS_ALL", "value": 120, "comment": "Từ hệ thống một cửa"}, obj{"code": "HS_ONLINE", "value": 60}},
			"submit": false})
	},
	"POST /api/v1/submissions/{id}/review": func(f *target) request { return jsonReq(obj{"action": "approve", "comment": "Đạt yêu cầu"}) },
	"POST /api/v1/indicator-targets": func(f *target) request {
		return jsonReq(obj{"indicator": "HS_ALL", "unit_id": f.id("unit"), "year": 2026, "value": 1200, "note": "Kế hoạch thử"})
	},
}
