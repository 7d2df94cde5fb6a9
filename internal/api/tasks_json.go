package api

import (
	"github.com/mangluoi/mangluoi/internal/plans"
)

// The task list written by hand (jsonw.go): GET /tasks is one of the mix's
// common reads and a province's answer is 1,000 rows. Each function below
// writes its type's fields in their order in the struct, with their JSON
// names and omitempty/omitzero rules: a field added to one of these types
// must be added here, or TestTaskListJSON fails (it fills every field).

func (l TaskList) appendJSON(b []byte) (_ []byte, ok bool) {
	b = append(b, `{"counts":`...)
	b = appendCounts(b, &l.Counts)
	b = append(b, `,"tasks":`...)
	if l.Tasks == nil {
		return append(b, "null}"...), true
	}
	b = append(b, '[')
	for i := range l.Tasks {
		if i > 0 {
			b = append(b, ',')
		}
		if b, ok = appendTaskRow(b, &l.Tasks[i]); !ok {
			return b, false
		}
	}
	return append(b, "]}"...), true
}

func appendCounts(b []byte, c *plans.Counts) []byte {
	b = jsonKey(append(b, '{'), true, "total")
	b = jsonInt(b, int64(c.Total))
	b = jsonKey(b, false, "started")
	b = jsonInt(b, int64(c.Started))
	b = jsonKey(b, false, "not_started")
	b = jsonInt(b, int64(c.NotStarted))
	b = jsonKey(b, false, "done")
	b = jsonInt(b, int64(c.Done))
	b = jsonKey(b, false, "done_on_time")
	b = jsonInt(b, int64(c.DoneOnTime))
	b = jsonKey(b, false, "done_late")
	b = jsonInt(b, int64(c.DoneLate))
	b = jsonKey(b, false, "overdue")
	b = jsonInt(b, int64(c.Overdue))
	b = jsonKey(b, false, "at_risk")
	b = jsonInt(b, int64(c.AtRisk))
	b = jsonKey(b, false, "on_track")
	b = jsonInt(b, int64(c.OnTrack))
	b = jsonKey(b, false, "not_due")
	b = jsonInt(b, int64(c.NotDue))
	b = jsonKey(b, false, "closed")
	b = jsonInt(b, int64(c.Closed))
	b = jsonKey(b, false, "cancelled")
	b = jsonInt(b, int64(c.Cancelled))
	b = jsonKey(b, false, "carried_over")
	b = jsonInt(b, int64(c.CarriedOver))
	return append(b, '}')
}

// appendTaskRow writes a plans.TaskRow: its Task's fields (embedded, so
// at its level), then its own.
func appendTaskRow(b []byte, r *plans.TaskRow) (_ []byte, ok bool) {
	t := &r.Task
	b = append(b, '{')
	b = jsonKey(b, true, "id")
	b = jsonInt(b, t.ID)
	b = jsonKey(b, false, "document_id")
	b = jsonInt(b, t.DocumentID)
	if t.GroupID != 0 {
		b = jsonKey(b, false, "group_id")
		b = jsonInt(b, t.GroupID)
	}
	b = jsonKey(b, false, "seq")
	b = jsonInt(b, int64(t.Seq))
	b = jsonKey(b, false, "code")
	b = jsonString(b, t.Code)
	b = jsonKey(b, false, "title")
	b = jsonString(b, t.Title)
	b = jsonKey(b, false, "description")
	b = jsonString(b, t.Description)
	b = jsonKey(b, false, "lead_unit_id")
	b = jsonInt(b, t.LeadUnitID)
	b = jsonKey(b, false, "support_unit_ids")
	b = jsonInts(b, t.SupportIDs)
	b = jsonKey(b, false, "schedule")
	b = jsonString(b, string(t.Schedule))
	if !t.DueOn.IsZero() {
		b = jsonKey(b, false, "due_on")
		b = jsonDay(b, t.DueOn)
	}
	b = jsonKey(b, false, "output")
	b = jsonString(b, t.Output)
	if t.TargetID != 0 {
		b = jsonKey(b, false, "target_id")
		b = jsonInt(b, t.TargetID)
	}
	b = jsonKey(b, false, "created_at")
	if b, ok = jsonTime(b, t.CreatedAt); !ok {
		return b, false
	}
	b = jsonKey(b, false, "updated_at")
	if b, ok = jsonTime(b, t.UpdatedAt); !ok {
		return b, false
	}
	if !t.CancelledOn.IsZero() {
		b = jsonKey(b, false, "cancelled_on")
		b = jsonDay(b, t.CancelledOn)
	}
	if t.CancelReason != "" {
		b = jsonKey(b, false, "cancel_reason")
		b = jsonString(b, t.CancelReason)
	}
	if t.CarriedFrom != 0 {
		b = jsonKey(b, false, "carried_from")
		b = jsonInt(b, t.CarriedFrom)
	}
	if t.CarriedTo != 0 {
		b = jsonKey(b, false, "carried_to")
		b = jsonInt(b, t.CarriedTo)
	}
	if t.LeadClass != "" {
		b = jsonKey(b, false, "lead_class")
		b = jsonString(b, string(t.LeadClass))
	}
	if t.ClassLater {
		b = jsonKey(b, false, "class_later")
		b = jsonBool(b, true)
	}
	if t.ClassTaskID != 0 {
		b = jsonKey(b, false, "class_task_id")
		b = jsonInt(b, t.ClassTaskID)
	}

	b = jsonKey(b, false, "state")
	b = appendTaskState(b, &r.State)
	b = jsonKey(b, false, "lead_name")
	b = jsonString(b, r.LeadName)
	b = jsonKey(b, false, "support_names")
	b = jsonStrings(b, r.SupportNames)
	if r.PlanNumber != "" {
		b = jsonKey(b, false, "plan_number")
		b = jsonString(b, r.PlanNumber)
	}
	if r.Class != nil {
		b = jsonKey(b, false, "class")
		b = jsonKey(append(b, '{'), true, "done")
		b = jsonInt(b, int64(r.Class.Done))
		b = jsonKey(b, false, "total")
		b = jsonInt(b, int64(r.Class.Total))
		b = jsonKey(b, false, "overdue")
		b = jsonInt(b, int64(r.Class.Overdue))
		b = append(b, '}')
	}
	b = jsonKey(b, false, "mine")
	b = jsonInt(b, int64(r.Mine))
	return append(b, '}'), true
}

func appendTaskState(b []byte, s *plans.TaskState) []byte {
	b = jsonKey(append(b, '{'), true, "status")
	b = jsonString(b, string(s.Status))
	b = jsonKey(b, false, "started")
	b = jsonBool(b, s.Started)
	if s.DaysLate != 0 {
		b = jsonKey(b, false, "days_late")
		b = jsonInt(b, int64(s.DaysLate))
	}
	if o := s.Current; o != nil {
		b = jsonKey(b, false, "current")
		b = jsonKey(append(b, '{'), true, "id")
		b = jsonInt(b, o.ID)
		b = jsonKey(b, false, "task_id")
		b = jsonInt(b, o.TaskID)
		b = jsonKey(b, false, "due_on")
		b = jsonDay(b, o.DueOn)
		b = jsonKey(b, false, "period")
		b = jsonString(b, o.Period)
		if !o.DoneOn.IsZero() {
			b = jsonKey(b, false, "done_on")
			b = jsonDay(b, o.DoneOn)
		}
		if !o.AcceptedOn.IsZero() {
			b = jsonKey(b, false, "accepted_on")
			b = jsonDay(b, o.AcceptedOn)
		}
		b = jsonKey(b, false, "percent")
		b = jsonInt(b, int64(o.Percent))
		if !o.PercentOn.IsZero() {
			b = jsonKey(b, false, "percent_on")
			b = jsonDay(b, o.PercentOn)
		}
		if o.ReportID != 0 {
			b = jsonKey(b, false, "report_id")
			b = jsonInt(b, o.ReportID)
		}
		b = append(b, '}')
	}
	b = jsonKey(b, false, "percent")
	b = jsonInt(b, int64(s.Percent))
	return append(b, '}')
}
