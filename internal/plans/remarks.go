package plans

import (
	"context"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
)

// Remark is what a lead unit wrote in a progress report beside its
// figures: the obstacles it met and what it proposes. The periodic report
// offers them to its writer (section II and IV).
type Remark struct {
	ReportID    int64   `json:"report_id"`
	TaskID      int64   `json:"task_id"`
	TaskTitle   string  `json:"task_title"`
	PlanNumber  string  `json:"plan_number"`
	UnitID      int64   `json:"unit_id"`
	UnitName    string  `json:"unit_name"`
	Period      string  `json:"period"`
	SubmittedOn day.Day `json:"submitted_on"`
	Obstacles   string  `json:"obstacles"`
	Proposals   string  `json:"proposals"`
}

// MaxRemarks bounds the remarks one call returns.
const MaxRemarks = 500

// Remarks lists the obstacles and proposals that units of unit's subtree
// wrote in the progress reports they submitted between from and to (those
// returned to them are left out), oldest first.
func (s *Service) Remarks(ctx context.Context, actor *auth.Actor, unit int64, from, to day.Day) ([]Remark, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := t.Check(unit); err != nil {
		return nil, err
	}
	cond := ""
	if list := scopeUnits(t, unit); list != "" {
		cond = " AND r.unit_id IN (" + list + ")"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.task_id, t.title, d.number, r.unit_id, r.period, r.submitted_on, r.obstacles, r.proposals
		FROM plan_reports r JOIN plan_tasks t ON t.id = r.task_id JOIN plan_documents d ON d.id = t.document_id
		WHERE r.submitted_on >= $1 AND r.submitted_on <= $2 AND r.state <> $3 AND (r.obstacles <> '' OR r.proposals <> '')`+cond+`
		ORDER BY r.submitted_on, r.id LIMIT `+strconv.Itoa(MaxRemarks), from, to, Returned)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Remark{}
	for rows.Next() {
		var m Remark
		if err := rows.Scan(&m.ReportID, &m.TaskID, &m.TaskTitle, &m.PlanNumber, &m.UnitID, &m.Period, &m.SubmittedOn, &m.Obstacles, &m.Proposals); err != nil {
			return nil, err
		}
		m.UnitName = unitName(t, m.UnitID, to)
		out = append(out, m)
	}
	return out, rows.Err()
}
