package assess

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
)

// DTIFamily is the family code of the shipped provincial DTI framework.
const DTIFamily = "DTI-TINH"

type seedNode struct {
	code, vi, en string
	max          float64
	method       Method
	indicator    string
	steps        []Step
	lo, hi       float64
	kids         []seedNode
}

func crit(code, vi, en string, max float64) seedNode {
	return seedNode{code: code, vi: vi, en: en, max: max, method: Judgement}
}

func linear(code, vi, en string, max float64, ind string, lo, hi float64) seedNode {
	return seedNode{code: code, vi: vi, en: en, max: max, method: Linear, indicator: ind, lo: lo, hi: hi}
}

func steps(code, vi, en string, max float64, ind string, s ...Step) seedNode {
	return seedNode{code: code, vi: vi, en: en, max: max, method: Threshold, indicator: ind, steps: s}
}

// DTI2022 is the structure of the provincial digital transformation index
// (DTI) of 2022: the main indicators and their maximum points (digital
// awareness 100, institutions 100, infrastructure 100, human resources
// 100, cyber security 100, digital government 200, digital economy 150,
// digital society 150; 1,000 in all), grouped into the common foundation
// and the three pillars, with criteria under each — some judged with
// evidence, some scored from the shipped indicators. It is shipped to be
// copied and edited, not scored as it stands.
var DTI2022 = []seedNode{
	{code: "NT", vi: "Nền tảng chung", en: "Common foundation", max: 500, kids: []seedNode{
		{code: "NT1", vi: "Nhận thức số", en: "Digital awareness", max: 100, kids: []seedNode{
			steps("NT1.1", "Ban Chỉ đạo chuyển đổi số được kiện toàn và hoạt động", "DX steering committee in place and working", 30, "DX_COMMITTEE", Step{1, 30}),
			steps("NT1.2", "Kế hoạch chuyển đổi số năm được ban hành", "Yearly DX plan issued", 30, "DX_PLAN", Step{1, 30}),
			crit("NT1.3", "Tuyên truyền, phổ biến nâng cao nhận thức về chuyển đổi số", "Awareness campaigns on DX", 40),
		}},
		{code: "NT2", vi: "Thể chế số", en: "Digital institutions", max: 100, kids: []seedNode{
			crit("NT2.1", "Ban hành cơ chế, chính sách thúc đẩy chuyển đổi số", "Policies that drive DX", 50),
			crit("NT2.2", "Bố trí kinh phí cho chuyển đổi số", "Funding for DX", 50),
		}},
		{code: "NT3", vi: "Hạ tầng số", en: "Digital infrastructure", max: 100, kids: []seedNode{
			linear("NT3.1", "Tỷ lệ hộ gia đình có Internet cáp quang", "Share of households with fibre", 60, "HH_FIBER_RATE", 50, 100),
			crit("NT3.2", "Hạ tầng, nền tảng số dùng chung của tỉnh", "Shared digital platforms", 40),
		}},
		{code: "NT4", vi: "Nhân lực số", en: "Digital human resources", max: 100, kids: []seedNode{
			linear("NT4.1", "Tỷ lệ cán bộ chuyển đổi số được bồi dưỡng", "Share of DX staff trained", 60, "DX_TRAINED_RATE", 0, 100),
			steps("NT4.2", "Có cán bộ chuyên trách chuyển đổi số", "Dedicated DX staff", 40, "DX_STAFF_DEDICATED", Step{1, 20}, Step{5, 30}, Step{10, 40}),
		}},
		{code: "NT5", vi: "An toàn thông tin mạng", en: "Cyber security", max: 100, kids: []seedNode{
			crit("NT5.1", "Hệ thống thông tin được phê duyệt cấp độ và bảo đảm an toàn", "Information systems classified and secured", 50),
			crit("NT5.2", "Giám sát, ứng cứu sự cố an toàn thông tin mạng", "Monitoring and incident response", 50),
		}},
	}},
	{code: "CQS", vi: "Chính quyền số", en: "Digital government", max: 200, kids: []seedNode{
		{code: "CQS1", vi: "Hoạt động chính quyền số", en: "Digital government activities", max: 200, kids: []seedNode{
			linear("CQS1.1", "Tỷ lệ dịch vụ công trực tuyến toàn trình", "Share of full-process online services", 60, "DVC_FULL_RATE", 0, 100),
			linear("CQS1.2", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", "Share of dossiers filed online", 60, "HS_ONLINE_RATE", 0, 100),
			linear("CQS1.3", "Tỷ lệ văn bản đi được ký số", "Share of documents digitally signed", 40, "DOC_SIGNED_RATE", 0, 100),
			steps("CQS1.4", "Tỷ lệ hồ sơ giải quyết đúng hạn", "Share of dossiers settled on time", 40, "HS_ONTIME_RATE", Step{90, 20}, Step{95, 30}, Step{98, 40}),
		}},
	}},
	{code: "KTS", vi: "Kinh tế số", en: "Digital economy", max: 150, kids: []seedNode{
		{code: "KTS1", vi: "Hoạt động kinh tế số", en: "Digital economy activities", max: 150, kids: []seedNode{
			crit("KTS1.1", "Tỷ trọng kinh tế số trong GRDP", "Digital economy share of GRDP", 50),
			crit("KTS1.2", "Doanh nghiệp công nghệ số và nền tảng số", "Digital technology firms and platforms", 50),
			crit("KTS1.3", "Thương mại điện tử và thanh toán không dùng tiền mặt", "E-commerce and cashless payment", 50),
		}},
	}},
	{code: "XHS", vi: "Xã hội số", en: "Digital society", max: 150, kids: []seedNode{
		{code: "XHS1", vi: "Hoạt động xã hội số", en: "Digital society activities", max: 150, kids: []seedNode{
			linear("XHS1.1", "Tỷ lệ thôn, tổ dân phố có Tổ công nghệ số cộng đồng", "Share of villages with a community team", 50, "CT_COVERAGE", 0, 100),
			crit("XHS1.2", "Người dân có tài khoản định danh điện tử và dùng dịch vụ số", "Residents with digital IDs using digital services", 50),
			crit("XHS1.3", "Phổ cập kỹ năng số cho người dân", "Digital skills for residents", 50),
		}},
	}},
}

// EnsureDTI ships the provincial DTI 2022 framework (published, owned by
// the nation) if it is not there yet.
func (s *Service) EnsureDTI(ctx context.Context, root int64) error {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM frameworks WHERE family = $1`, DTIFamily).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	now := s.now().UTC()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO frameworks (family, version, name_vi, name_en, basis, owner_unit_id, status, created_at, updated_at)
			VALUES ($1, 1, $2, $3, $4, $5, 'published', $6, $7) RETURNING id`, DTIFamily,
			"Bộ chỉ số đánh giá chuyển đổi số cấp tỉnh (DTI) 2022", "Provincial digital transformation index (DTI) 2022",
			"Quyết định 922/QĐ-BTTTT ngày 20/5/2022", root, now, now).Scan(&id); err != nil {
			return err
		}
		pos := 0
		var add func(ns []seedNode, parent int64, kind NodeKind) error
		add = func(ns []seedNode, parent int64, kind NodeKind) error {
			for _, sn := range ns {
				pos++
				n := &Node{FrameworkID: id, ParentID: parent, Kind: kind, Code: sn.code, NameVI: sn.vi, NameEN: sn.en, Max: sn.max,
					Method: sn.method, Indicator: sn.indicator, Steps: sn.steps, Position: pos}
				if len(sn.kids) > 0 {
					n.Method = Sum
				}
				if sn.method == Linear {
					lo, hi := sn.lo, sn.hi
					n.Lo, n.Hi = &lo, &hi
				}
				if len(sn.kids) == 0 {
					n.Kind = Criterion
				}
				if err := insertNode(ctx, tx, n); err != nil {
					return err
				}
				next := Main
				if kind == Main {
					next = Criterion
				}
				if err := add(sn.kids, n.ID, next); err != nil {
					return err
				}
			}
			return nil
		}
		if err := add(DTI2022, 0, Pillar); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, auth.SystemActor("catalogue", root).Who(), audit.Entry{Action: "framework.create", Entity: "framework",
			EntityID: fmt.Sprint(id), UnitID: root, After: map[string]any{"family": DTIFamily, "version": 1, "status": "published"}})
	})
}
