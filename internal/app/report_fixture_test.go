package app_test

import (
	"strconv"

	"github.com/mangluoi/mangluoi/internal/report"
)

// The periodic report a target has (see fixture_test.go): a draft of its
// commune's review of the first half of 2026, written once the commune has
// a steering committee (a period with no figures cannot be reported on).

func init() {
	paramTargets["periodic-reports/{id}"] = "periodic_report"
	for k, v := range reportWrites {
		writes[k] = v
	}
}

// makeReport drafts the target's report.
func (f *target) makeReport() (int64, error) {
	f.id("committee")
	r, err := f.s.Reports.Create(f.ctx, f.s.Admin, report.Input{UnitID: f.id("unit"), Kind: report.Review, Period: "2026-H1"})
	if err != nil {
		return 0, err
	}
	return r.ID, nil
}

// reportWrites are the requests the report routes are sent.
var reportWrites = map[string]func(f *target) request{
	"POST /periodic-reports": func(f *target) request {
		f.id("committee")
		return form("unit_id", f.str("unit"), "period", "2026-H1", "kind", "review", "cutoff", "calendar")
	},
	"POST /periodic-reports/{id}": func(f *target) request {
		return form("report_title", "Kết quả chuyển đổi số 6 tháng đầu năm 2026", "issuer", "ỦY BAN NHÂN DÂN\nPHƯỜNG THỬ", "symbol", "BC-UBND",
			"report_place", "Thử", "signer_position", "CHỦ TỊCH", "recipients", "Lưu: VT.", "section_opening", "Phường báo cáo như sau:",
			"section_issues", "Còn {Số vị trí còn trống} vị trí chưa có người.")
	},
	"POST /periodic-reports/{id}/issue": func(f *target) request {
		return form("doc_number", strconv.Itoa(100+f.serial), "issue_date", changeDate, "signer", "Nguyễn Văn Ký", "signer_position", "CHỦ TỊCH")
	},
	"POST /periodic-reports/{id}/discard": func(f *target) request { return form() },
	"POST /api/v1/periodic-reports": func(f *target) request {
		f.id("committee")
		return jsonReq(obj{"unit_id": f.id("unit"), "period": "2026-H1", "kind": "review", "cutoff": "decree09"})
	},
	"PUT /api/v1/periodic-reports/{id}": func(f *target) request {
		return jsonReq(obj{"title": "Kết quả chuyển đổi số 6 tháng đầu năm 2026", "sections": obj{"opening": "Phường báo cáo như sau:",
			"issues": "Còn {Số vị trí còn trống} vị trí chưa có người."}})
	},
	"POST /api/v1/periodic-reports/{id}/issue": func(f *target) request {
		return jsonReq(obj{"number": 200 + f.serial, "date": changeDate, "signer": "Nguyễn Văn Ký", "position": "CHỦ TỊCH"})
	},
	"POST /api/v1/periodic-reports/{id}/discard": func(f *target) request { return request{} },
}
