package indicator

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
)

// Categories of the shipped catalogue, in display order.
var Categories = []string{
	"Dịch vụ công trực tuyến",
	"Chữ ký số và văn bản điện tử",
	"Nhân lực chuyển đổi số",
	"Tổ công nghệ số cộng đồng",
	"Hạ tầng và xã hội số",
	"An toàn thông tin mạng",
	"Tổ chức và chỉ đạo",
}

func categoryRank(c string) int {
	for i, k := range Categories {
		if k == c {
			return i
		}
	}
	return len(Categories)
}

func f(v float64) *float64 { return &v }

// Catalogue is the shipped set of standard DX indicators, from Decision
// 1690/QĐ-TTg, Decree 42/2022/NĐ-CP (full-process online public services)
// and the provincial DX reporting in the brief. Rates are formulas over
// summed parts. A province adds its own beside them.
var Catalogue = []Input{
	// online public services (Decree 42/2022)
	{Code: "DVC_ELIGIBLE", NameVI: "Số thủ tục hành chính đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình", NameEN: "Procedures eligible for full-process online service",
		MeasureVI: "thủ tục", MeasureEN: "procedures", OverTime: TimeLast, Category: Categories[0], Basis: "Nghị định 42/2022/NĐ-CP"},
	{Code: "DVC_FULL", NameVI: "Số dịch vụ công trực tuyến toàn trình đã cung cấp", NameEN: "Full-process online public services offered",
		MeasureVI: "dịch vụ", MeasureEN: "services", OverTime: TimeLast, NotAbove: "DVC_ELIGIBLE", Category: Categories[0], Basis: "Nghị định 42/2022/NĐ-CP"},
	{Code: "DVC_FULL_RATE", NameVI: "Tỷ lệ dịch vụ công trực tuyến toàn trình", NameEN: "Share of full-process online public services",
		MeasureVI: "%", MeasureEN: "%", Type: Percent, Formula: "DVC_FULL / DVC_ELIGIBLE * 100", Decimals: 1, OverTime: TimeLast, Category: Categories[0],
		Description: "Dịch vụ công trực tuyến toàn trình đã cung cấp ÷ thủ tục đủ điều kiện × 100, tính từ tổng các phần, không lấy trung bình các tỷ lệ."},
	{Code: "HS_ALL", NameVI: "Tổng số hồ sơ thủ tục hành chính tiếp nhận", NameEN: "Administrative dossiers received",
		MeasureVI: "hồ sơ", MeasureEN: "dossiers", Jump: 1, Category: Categories[0]},
	{Code: "HS_ONLINE", NameVI: "Số hồ sơ tiếp nhận trực tuyến", NameEN: "Dossiers filed online",
		MeasureVI: "hồ sơ", MeasureEN: "dossiers", NotAbove: "HS_ALL", Jump: 1, Category: Categories[0]},
	{Code: "HS_ONLINE_RATE", NameVI: "Tỷ lệ hồ sơ tiếp nhận trực tuyến", NameEN: "Share of dossiers filed online",
		MeasureVI: "%", MeasureEN: "%", Type: Percent, Formula: "HS_ONLINE / HS_ALL * 100", Decimals: 1, Category: Categories[0]},
	{Code: "HS_ONTIME", NameVI: "Số hồ sơ giải quyết đúng hạn", NameEN: "Dossiers settled on time",
		MeasureVI: "hồ sơ", MeasureEN: "dossiers", NotAbove: "HS_ALL", Jump: 1, Category: Categories[0]},
	{Code: "HS_ONTIME_RATE", NameVI: "Tỷ lệ hồ sơ giải quyết đúng hạn", NameEN: "Share of dossiers settled on time",
		MeasureVI: "%", MeasureEN: "%", Type: Percent, Formula: "HS_ONTIME / HS_ALL * 100", Decimals: 1, Category: Categories[0]},
	{Code: "PAY_ONLINE", NameVI: "Số giao dịch thanh toán trực tuyến phí, lệ phí", NameEN: "Fees paid online",
		MeasureVI: "giao dịch", MeasureEN: "payments", Jump: 1, Category: Categories[0]},

	// digital signatures
	{Code: "CKS_ISSUED", NameVI: "Số chứng thư chữ ký số đã cấp cho cán bộ, công chức", NameEN: "Digital signature certificates issued to staff",
		MeasureVI: "chứng thư", MeasureEN: "certificates", OverTime: TimeLast, Category: Categories[1]},
	{Code: "CKS_USED", NameVI: "Số chứng thư chữ ký số được sử dụng trong tháng", NameEN: "Digital signature certificates used",
		MeasureVI: "chứng thư", MeasureEN: "certificates", OverTime: TimeLast, NotAbove: "CKS_ISSUED", Category: Categories[1]},
	{Code: "CKS_USE_RATE", NameVI: "Tỷ lệ chữ ký số được sử dụng", NameEN: "Share of digital signatures in use",
		MeasureVI: "%", MeasureEN: "%", Type: Percent, Formula: "CKS_USED / CKS_ISSUED * 100", Decimals: 1, OverTime: TimeLast, Category: Categories[1]},
	{Code: "DOC_OUT", NameVI: "Tổng số văn bản đi", NameEN: "Outgoing official documents",
		MeasureVI: "văn bản", MeasureEN: "documents", Jump: 1, Category: Categories[1]},
	{Code: "DOC_SIGNED", NameVI: "Số văn bản đi được ký số", NameEN: "Outgoing documents digitally signed",
		MeasureVI: "văn bản", MeasureEN: "documents", NotAbove: "DOC_OUT", Jump: 1, Category: Categories[1]},
	{Code: "DOC_SIGNED_RATE", NameVI: "Tỷ lệ văn bản đi được ký số", NameEN: "Share of outgoing documents digitally signed",
		MeasureVI: "%", MeasureEN: "%", Type: Percent, Formula: "DOC_SIGNED / DOC_OUT * 100", Decimals: 1, Category: Categories[1]},

	// DX staff and training (Decision 1690)
	{Code: "DX_STAFF", NameVI: "Số cán bộ làm công tác chuyển đổi số", NameEN: "DX staff",
		MeasureVI: "người", MeasureEN: "people", OverTime: TimeLast, Category: Categories[2], Basis: "Quyết định 1690/QĐ-TTg", Counterpart: "REG_DX_STAFF"},
	{Code: "DX_STAFF_DEDICATED", NameVI: "Trong đó: chuyên trách", NameEN: "of whom dedicated",
		MeasureVI: "người", MeasureEN: "people", OverTime: TimeLast, NotAbove: "DX_STAFF", Category: Categories[2], Counterpart: "REG_DX_STAFF_DEDICATED"},
	{Code: "DX_STAFF_TRAINED", NameVI: "Số cán bộ chuyển đổi số được bồi dưỡng từ đầu năm", NameEN: "DX staff trained this year",
		MeasureVI: "người", MeasureEN: "people", OverTime: TimeLast, NotAbove: "DX_STAFF", Category: Categories[2], Counterpart: "REG_DX_STAFF_TRAINED"},
	{Code: "DX_TRAINED_RATE", NameVI: "Tỷ lệ cán bộ chuyển đổi số được bồi dưỡng", NameEN: "Share of DX staff trained",
		MeasureVI: "%", MeasureEN: "%", Type: Percent, Formula: "DX_STAFF_TRAINED / DX_STAFF * 100", Decimals: 1, OverTime: TimeLast, Category: Categories[2], Counterpart: "REG_DX_TRAINED_RATE"},
	{Code: "DX_TRAINING_COURSES", NameVI: "Số lớp bồi dưỡng, tập huấn về chuyển đổi số đã tổ chức", NameEN: "DX training courses held",
		MeasureVI: "lớp", MeasureEN: "courses", Category: Categories[2]},

	// community digital technology teams (quarterly)
	{Code: "CT_VILLAGES", NameVI: "Số thôn, tổ dân phố", NameEN: "Villages and residential groups",
		MeasureVI: "thôn", MeasureEN: "villages", PeriodType: Quarterly, OverTime: TimeLast, Category: Categories[3], Counterpart: "REG_VILLAGES"},
	{Code: "CT_VILLAGES_COVERED", NameVI: "Số thôn, tổ dân phố có Tổ công nghệ số cộng đồng", NameEN: "Villages with a community team",
		MeasureVI: "thôn", MeasureEN: "villages", PeriodType: Quarterly, OverTime: TimeLast, NotAbove: "CT_VILLAGES", Category: Categories[3], Counterpart: "REG_VILLAGES_COVERED"},
	{Code: "CT_COVERAGE", NameVI: "Tỷ lệ thôn, tổ dân phố có Tổ công nghệ số cộng đồng", NameEN: "Share of villages with a community team",
		MeasureVI: "%", MeasureEN: "%", Type: Percent, PeriodType: Quarterly, Formula: "CT_VILLAGES_COVERED / CT_VILLAGES * 100", Decimals: 1, OverTime: TimeLast, Category: Categories[3], Counterpart: "REG_COVERAGE"},
	{Code: "CT_TEAMS", NameVI: "Số Tổ công nghệ số cộng đồng", NameEN: "Community digital technology teams",
		MeasureVI: "tổ", MeasureEN: "teams", PeriodType: Quarterly, OverTime: TimeLast, Category: Categories[3], Counterpart: "REG_TEAMS"},
	{Code: "CT_MEMBERS", NameVI: "Số thành viên Tổ công nghệ số cộng đồng", NameEN: "Community team members",
		MeasureVI: "người", MeasureEN: "members", PeriodType: Quarterly, OverTime: TimeLast, Category: Categories[3], Counterpart: "REG_MEMBERS"},

	// infrastructure and digital society (quarterly)
	{Code: "HH_TOTAL", NameVI: "Tổng số hộ gia đình", NameEN: "Households",
		MeasureVI: "hộ", MeasureEN: "households", PeriodType: Quarterly, OverTime: TimeLast, Category: Categories[4]},
	{Code: "HH_FIBER", NameVI: "Số hộ gia đình có kết nối Internet cáp quang", NameEN: "Households with fibre Internet",
		MeasureVI: "hộ", MeasureEN: "households", PeriodType: Quarterly, OverTime: TimeLast, NotAbove: "HH_TOTAL", Category: Categories[4]},
	{Code: "HH_FIBER_RATE", NameVI: "Tỷ lệ hộ gia đình có Internet cáp quang", NameEN: "Share of households with fibre",
		MeasureVI: "%", MeasureEN: "%", Type: Percent, PeriodType: Quarterly, Formula: "HH_FIBER / HH_TOTAL * 100", Decimals: 1, OverTime: TimeLast, Category: Categories[4]},
	{Code: "VNEID_L2", NameVI: "Số tài khoản định danh điện tử mức 2 đã kích hoạt", NameEN: "Level-2 digital IDs (VNeID) activated",
		MeasureVI: "tài khoản", MeasureEN: "accounts", PeriodType: Quarterly, OverTime: TimeLast, Category: Categories[4]},

	// cyber security (quarterly)
	{Code: "ATTT_SYSTEMS", NameVI: "Số hệ thống thông tin đã được phê duyệt cấp độ an toàn", NameEN: "Information systems with an approved security level",
		MeasureVI: "hệ thống", MeasureEN: "systems", PeriodType: Quarterly, OverTime: TimeLast, Category: Categories[5]},
	{Code: "ATTT_INCIDENTS", NameVI: "Số sự cố an toàn thông tin mạng", NameEN: "Cyber security incidents",
		MeasureVI: "sự cố", MeasureEN: "incidents", PeriodType: Quarterly, LowerBetter: true, Category: Categories[5]},

	// organisation (yearly)
	{Code: "DX_COMMITTEE", NameVI: "Đã kiện toàn Ban Chỉ đạo chuyển đổi số", NameEN: "DX steering committee in place",
		Type: YesNo, PeriodType: Yearly, Category: Categories[6], Basis: "Quyết định 1690/QĐ-TTg", Counterpart: "REG_COMMITTEES"},
	{Code: "DX_PLAN", NameVI: "Đã ban hành kế hoạch chuyển đổi số năm", NameEN: "Yearly DX plan issued",
		Type: YesNo, PeriodType: Yearly, Category: Categories[6]},
	{Code: "DX_BUDGET", NameVI: "Kinh phí chi cho chuyển đổi số", NameEN: "Spending on DX",
		MeasureVI: "triệu đồng", MeasureEN: "million VND", PeriodType: Yearly, Decimals: 1, Category: Categories[6]},
	{Code: "DX_DIFFICULTIES", NameVI: "Khó khăn, vướng mắc và đề xuất", NameEN: "Difficulties and proposals",
		Type: Text, PeriodType: Yearly, Category: Categories[6]},

	// measured from mangluoi's own registers (issue 9): nobody types them;
	// each is computed by the feature that owns the register (see
	// Measurer). A reported indicator above names its measured counterpart.
	// Stocks are counted as at the period's last day, flows within it.
	{Code: "REG_VILLAGES", NameVI: "Số thôn, tổ dân phố (theo danh mục đơn vị)", NameEN: "Villages and residential groups (unit register)",
		MeasureVI: "thôn", MeasureEN: "villages", OverTime: TimeLast, Category: Categories[3], Source: Measured},
	{Code: "REG_VILLAGES_COVERED", NameVI: "Số thôn, tổ dân phố có Tổ công nghệ số cộng đồng hoạt động (theo sổ Tổ)", NameEN: "Villages with an active community team (team register)",
		MeasureVI: "thôn", MeasureEN: "villages", OverTime: TimeLast, Category: Categories[3], Source: Measured},
	{Code: "REG_COVERAGE", NameVI: "Tỷ lệ thôn, tổ dân phố có Tổ công nghệ số cộng đồng hoạt động (theo sổ Tổ)", NameEN: "Share of villages with an active community team (team register)",
		MeasureVI: "%", MeasureEN: "%", Type: Percent, Formula: "REG_VILLAGES_COVERED / REG_VILLAGES * 100", Decimals: 1, OverTime: TimeLast, Category: Categories[3], Source: Measured},
	{Code: "REG_TEAMS", NameVI: "Số Tổ công nghệ số cộng đồng đang hoạt động (theo sổ Tổ)", NameEN: "Active community teams (team register)",
		MeasureVI: "tổ", MeasureEN: "teams", OverTime: TimeLast, Category: Categories[3], Source: Measured},
	{Code: "REG_MEMBERS", NameVI: "Số thành viên Tổ công nghệ số cộng đồng (theo sổ Tổ)", NameEN: "Community team members (team register)",
		MeasureVI: "người", MeasureEN: "members", OverTime: TimeLast, Category: Categories[3], Source: Measured},
	{Code: "REG_MEMBERS_TRAINED", NameVI: "Số thành viên Tổ được bồi dưỡng từ đầu năm (theo sổ Tổ)", NameEN: "Team members trained this year (team register)",
		MeasureVI: "người", MeasureEN: "members", OverTime: TimeLast, Category: Categories[3], Source: Measured},
	{Code: "REG_ACTIVITIES", NameVI: "Số hoạt động của Tổ công nghệ số cộng đồng trong kỳ (theo sổ Tổ)", NameEN: "Community team activities in the period (team register)",
		MeasureVI: "hoạt động", MeasureEN: "activities", Category: Categories[3], Source: Measured},
	{Code: "REG_HELPED", NameVI: "Số lượt người dân được Tổ hỗ trợ trong kỳ (theo sổ Tổ)", NameEN: "People helped by the teams in the period (team register)",
		MeasureVI: "lượt", MeasureEN: "people", Category: Categories[3], Source: Measured},

	{Code: "REG_DX_STAFF", NameVI: "Số cán bộ làm công tác chuyển đổi số (theo sổ nhân lực)", NameEN: "DX staff (staff register)",
		MeasureVI: "người", MeasureEN: "people", OverTime: TimeLast, Category: Categories[2], Basis: "Quyết định 1690/QĐ-TTg", Source: Measured},
	{Code: "REG_DX_STAFF_DEDICATED", NameVI: "Trong đó: chuyên trách (theo sổ nhân lực)", NameEN: "of whom dedicated (staff register)",
		MeasureVI: "người", MeasureEN: "people", OverTime: TimeLast, Category: Categories[2], Source: Measured},
	{Code: "REG_DX_STAFF_CONCURRENT", NameVI: "Trong đó: kiêm nhiệm (theo sổ nhân lực)", NameEN: "of whom concurrent (staff register)",
		MeasureVI: "người", MeasureEN: "people", OverTime: TimeLast, Category: Categories[2], Source: Measured},
	{Code: "REG_DX_STAFF_IT", NameVI: "Trong đó: có trình độ công nghệ thông tin (theo sổ nhân lực)", NameEN: "of whom qualified in IT (staff register)",
		MeasureVI: "người", MeasureEN: "people", OverTime: TimeLast, Category: Categories[2], Source: Measured},
	{Code: "REG_FOCAL_PERSONS", NameVI: "Số cán bộ đầu mối chuyển đổi số (theo sổ nhân lực)", NameEN: "DX focal persons (staff register)",
		MeasureVI: "người", MeasureEN: "people", OverTime: TimeLast, Category: Categories[2], Source: Measured},
	{Code: "REG_VACANCIES", NameVI: "Số vị trí chuyển đổi số còn trống (theo sổ nhân lực)", NameEN: "Vacant DX roles (staff register)",
		MeasureVI: "vị trí", MeasureEN: "roles", OverTime: TimeLast, LowerBetter: true, Category: Categories[2], Source: Measured},
	{Code: "REG_DX_STAFF_TRAINED", NameVI: "Số cán bộ chuyển đổi số được bồi dưỡng từ đầu năm (theo sổ nhân lực)", NameEN: "DX staff trained this year (staff register)",
		MeasureVI: "người", MeasureEN: "people", OverTime: TimeLast, Category: Categories[2], Source: Measured},
	{Code: "REG_DX_TRAINED_RATE", NameVI: "Tỷ lệ cán bộ chuyển đổi số được bồi dưỡng từ đầu năm (theo sổ nhân lực)", NameEN: "Share of DX staff trained this year (staff register)",
		MeasureVI: "%", MeasureEN: "%", Type: Percent, Formula: "REG_DX_STAFF_TRAINED / REG_DX_STAFF * 100", Decimals: 1, OverTime: TimeLast, Category: Categories[2], Source: Measured},

	{Code: "REG_COMMITTEES", NameVI: "Số Ban Chỉ đạo chuyển đổi số đang hoạt động (theo sổ bộ máy)", NameEN: "DX steering committees in place (apparatus register)",
		MeasureVI: "ban", MeasureEN: "committees", OverTime: TimeLast, Category: Categories[6], Basis: "Quyết định 1690/QĐ-TTg", Source: Measured},
	{Code: "REG_FOCAL_UNITS", NameVI: "Số đơn vị chuyên trách, bộ phận đầu mối chuyển đổi số (theo sổ bộ máy)", NameEN: "Specialised and focal DX units (apparatus register)",
		MeasureVI: "đơn vị", MeasureEN: "units", OverTime: TimeLast, Category: Categories[6], Source: Measured},

	{Code: "REG_TASKS", NameVI: "Số nhiệm vụ chuyển đổi số được giao chủ trì (theo kế hoạch)", NameEN: "DX tasks led (plans)",
		MeasureVI: "nhiệm vụ", MeasureEN: "tasks", OverTime: TimeLast, Category: Categories[6], Source: Measured},
	{Code: "REG_TASKS_STARTED", NameVI: "Số nhiệm vụ đang triển khai (theo kế hoạch)", NameEN: "DX tasks under way (plans)",
		MeasureVI: "nhiệm vụ", MeasureEN: "tasks", OverTime: TimeLast, Category: Categories[6], Source: Measured},
	{Code: "REG_TASKS_DONE", NameVI: "Số nhiệm vụ đã hoàn thành (theo kế hoạch)", NameEN: "DX tasks done (plans)",
		MeasureVI: "nhiệm vụ", MeasureEN: "tasks", OverTime: TimeLast, Category: Categories[6], Source: Measured},
	{Code: "REG_TASKS_DONE_LATE", NameVI: "Trong đó: hoàn thành quá hạn (theo kế hoạch)", NameEN: "of which done late (plans)",
		MeasureVI: "nhiệm vụ", MeasureEN: "tasks", OverTime: TimeLast, LowerBetter: true, Category: Categories[6], Source: Measured},
	{Code: "REG_TASKS_OVERDUE", NameVI: "Số nhiệm vụ quá hạn chưa hoàn thành (theo kế hoạch)", NameEN: "DX tasks overdue (plans)",
		MeasureVI: "nhiệm vụ", MeasureEN: "tasks", OverTime: TimeLast, LowerBetter: true, Category: Categories[6], Source: Measured},
	{Code: "REG_TASKS_DONE_RATE", NameVI: "Tỷ lệ nhiệm vụ đã hoàn thành (theo kế hoạch)", NameEN: "Share of DX tasks done (plans)",
		MeasureVI: "%", MeasureEN: "%", Type: Percent, Formula: "REG_TASKS_DONE / REG_TASKS * 100", Decimals: 1, OverTime: TimeLast, Category: Categories[6], Source: Measured},
}

// EnsureCatalogue adds the shipped indicators whose codes are not yet
// defined, owned by the nation (root).
func (s *Service) EnsureCatalogue(ctx context.Context, root int64) error {
	d, err := s.definitions(ctx)
	if err != nil {
		return err
	}
	var missing []*Indicator
	for _, in := range Catalogue {
		if d.code(in.Code) != nil {
			continue
		}
		in.OwnerUnitID = root
		if bad, _ := in.validate(); len(bad) > 0 {
			return fmt.Errorf("catalogue %s: %v", in.Code, bad[0])
		}
		i := fromInput(in)
		i.Active, i.CreatedAt, i.UpdatedAt = true, s.now().UTC(), s.now().UTC()
		missing = append(missing, i)
	}
	if len(missing) == 0 {
		return nil
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var entries []audit.Entry
		for _, i := range missing {
			if err := insertIndicator(ctx, tx, i); err != nil {
				return err
			}
			entries = append(entries, audit.Entry{Action: "indicator.create", Entity: "indicator", EntityID: fmt.Sprint(i.ID), UnitID: root, After: i})
		}
		if _, err := bump(ctx, tx, 0, defsPeriod); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, auth.SystemActor("catalogue", root).Who(), entries...)
	})
}

// targets1690 are Decision 1690's targets as the people feature ships them
// (people.Decision1690: code 1690-FOCAL-DEPT → REG_1690_FOCAL_DEPT), each
// named by what a unit must have to meet it.
var targets1690 = []struct{ code, vi, en string }{
	{"FOCAL_DEPT", "sở, ban, ngành có bộ phận hoặc cán bộ đầu mối về chuyển đổi số", "departments with a DX focal unit or focal person"},
	{"FOCAL_COMMUNE", "UBND cấp xã có bộ phận hoặc cán bộ đầu mối về chuyển đổi số", "communes with a DX focal unit or focal person"},
	{"STAFF_COMMUNE", "xã có ít nhất 01 cán bộ làm công tác chuyển đổi số", "communes with at least one DX staff member"},
	{"COMMITTEE_DEPT", "sở, ban, ngành có Ban Chỉ đạo chuyển đổi số", "departments with a DX steering committee"},
	{"COMMITTEE_COMMUNE", "UBND cấp xã có Ban Chỉ đạo chuyển đổi số", "communes with a DX steering committee"},
	{"SPECIALISED", "tỉnh có đơn vị chuyên trách về công nghệ thông tin, chuyển đổi số", "provinces with a specialised IT/DX unit"},
	{"TRAINED_DEPT", "sở, ban, ngành có cán bộ làm chuyển đổi số được bồi dưỡng đủ trong năm", "departments whose DX staff were trained this year"},
	{"TRAINED_COMMUNE", "xã có cán bộ làm chuyển đổi số được bồi dưỡng đủ trong năm", "communes whose DX staff were trained this year"},
	{"NO_INCREASE", "tỉnh không tăng vị trí chuyên trách chuyển đổi số so với 01/01/2024", "provinces with no more dedicated DX positions than on 01/01/2024"},
}

// rates1690 are the measured rates of Decision 1690's targets (issue 9,
// item 1): for each target, the units of the scope it applies to, those
// failing it (both computed by the people feature with the compliance
// page's own judgement, see people/measure.go), and the rate met — what
// the compliance page shows for the scope. A scope holding no unit of the
// target's level counts none, so its rate is no figure ("không áp dụng"),
// never 0. A rate's records are its first part's: the units counted.
func rates1690() []Input {
	var out []Input
	for _, t := range targets1690 {
		c := "REG_1690_" + t.code
		out = append(out,
			Input{Code: c + "_UNITS", NameVI: "Số đơn vị thuộc diện chỉ tiêu Quyết định 1690: " + t.vi, NameEN: "Units a Decision 1690 target applies to: " + t.en,
				MeasureVI: "đơn vị", MeasureEN: "units", OverTime: TimeLast, Category: Categories[6], Basis: "Quyết định 1690/QĐ-TTg", Source: Measured},
			Input{Code: c + "_FAILING", NameVI: "Số đơn vị chưa đạt chỉ tiêu Quyết định 1690: " + t.vi, NameEN: "Units failing a Decision 1690 target: " + t.en,
				MeasureVI: "đơn vị", MeasureEN: "units", OverTime: TimeLast, LowerBetter: true, Category: Categories[6], Basis: "Quyết định 1690/QĐ-TTg", Source: Measured},
			Input{Code: c, NameVI: "Tỷ lệ đạt chỉ tiêu Quyết định 1690: " + t.vi, NameEN: "Share meeting a Decision 1690 target: " + t.en,
				MeasureVI: "%", MeasureEN: "%", Type: Percent, Formula: "(" + c + "_UNITS - " + c + "_FAILING) / " + c + "_UNITS * 100", Decimals: 1,
				OverTime: TimeLast, Category: Categories[6], Basis: "Quyết định 1690/QĐ-TTg", Source: Measured})
	}
	return out
}

func init() { Catalogue = append(Catalogue, rates1690()...) }
