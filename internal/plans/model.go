// Package plans is how a province turns decisions into work: documents
// (1690/QĐ-TTg, 687/KH-UBND…) chained from the national decision down to a
// commune's plan; a plan's targets, task groups and tasks, each with a lead
// unit, supporting units, a deadline or a recurring schedule and an
// expected output; progress reports by the lead unit that the coordinator
// accepts or returns; a status derived from deadlines and accepted reports,
// never typed; and reminders, in the application and by e-mail.
package plans

import (
	"fmt"
	"io"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/enum"
)

// DocType is a kind of legal or administrative document.
type DocType string

// The kinds of document.
const (
	DocDecision   DocType = "decision"   // Quyết định
	DocPlan       DocType = "plan"       // Kế hoạch
	DocDirective  DocType = "directive"  // Chỉ thị
	DocLetter     DocType = "letter"     // Công văn
	DocResolution DocType = "resolution" // Nghị quyết
	DocScheme     DocType = "scheme"     // Đề án
	DocProgramme  DocType = "programme"  // Chương trình
	DocOther      DocType = "other"
)

// DocTypes lists them in display order.
var DocTypes = []DocType{DocPlan, DocDecision, DocDirective, DocResolution, DocScheme, DocProgramme, DocLetter, DocOther}

// Enum lists the values for the API's document.
func (DocType) Enum() []string { return enum.Of(DocTypes...) }

// Document is a registered document. Any document may hold targets and
// tasks: that makes it a plan.
type Document struct {
	ID          int64     `json:"id"`
	Number      string    `json:"number"` // số hiệu: 687/KH-UBND
	Type        DocType   `json:"type"`
	Title       string    `json:"title"` // trích yếu
	Issuer      string    `json:"issuer"`
	Signer      string    `json:"signer"`
	IssuedOn    day.Day   `json:"issued_on"`
	EffectiveOn day.Day   `json:"effective_on,omitzero"`
	Fields      string    `json:"fields"` // lĩnh vực
	ParentID    int64     `json:"implements_id,omitempty"`
	FileID      int64     `json:"file_id,omitempty"`
	OwnerUnitID int64     `json:"owner_unit_id"`
	StartsOn    day.Day   `json:"starts_on"`
	EndsOn      day.Day   `json:"ends_on"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Upload is a file sent with a form or an API call.
type Upload struct {
	Name string
	Body io.Reader
}

// Target is a measurable target (chỉ tiêu) of a plan.
type Target struct {
	ID            int64    `json:"id"`
	DocumentID    int64    `json:"document_id"`
	Seq           int      `json:"seq"`
	Title         string   `json:"title"`
	IndicatorCode string   `json:"indicator_code"` // an indicator of the indicators feature, by code
	Goal          *float64 `json:"goal,omitempty"`
	Measure       string   `json:"measure"` // "%", "đơn vị"…
	DueOn         day.Day  `json:"due_on"`
}

// Group is a group of tasks. Groups nest: a group with no parent is a
// pillar (trụ cột) of the plan; its groups' tasks count in its line too.
type Group struct {
	ID         int64  `json:"id"`
	DocumentID int64  `json:"document_id"`
	ParentID   int64  `json:"parent_id,omitempty"`
	Seq        int    `json:"seq"`
	Code       string `json:"code"`
	Title      string `json:"title"`
}

// Schedule is when a task is due.
type Schedule string

// The schedules.
const (
	Once       Schedule = "once"        // by a date
	Yearly     Schedule = "yearly"      // hằng năm, by 31/12
	Quarterly  Schedule = "quarterly"   // hằng quý, by the quarter's last day
	HalfYearly Schedule = "half_yearly" // 6 tháng, by 30/6 and 31/12
	Regular    Schedule = "regular"     // thường xuyên: reported every six months
)

// Schedules lists them in display order.
var Schedules = []Schedule{Once, Yearly, HalfYearly, Quarterly, Regular}

// Enum lists the values for the API's document.
func (Schedule) Enum() []string { return enum.Of(Schedules...) }

// Task is one task of a plan.
type Task struct {
	ID          int64     `json:"id"`
	DocumentID  int64     `json:"document_id"`
	GroupID     int64     `json:"group_id,omitempty"`
	Seq         int       `json:"seq"`
	Code        string    `json:"code"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	LeadUnitID  int64     `json:"lead_unit_id"`
	SupportIDs  []int64   `json:"support_unit_ids"`
	Schedule    Schedule  `json:"schedule"`
	DueOn       day.Day   `json:"due_on,omitzero"` // for Once
	Output      string    `json:"output"`
	TargetID    int64     `json:"target_id,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// CancelledOn closes a task from that day: cancelled, or carried over
	// into CarriedTo; it is listed, no longer counted.
	CancelledOn  day.Day `json:"cancelled_on,omitzero"`
	CancelReason string  `json:"cancel_reason,omitempty"`
	CarriedFrom  int64   `json:"carried_from,omitempty"` // the task this one carries on
	CarriedTo    int64   `json:"carried_to,omitempty"`   // the task that carries this one on
	// LeadClass makes the task a class task: one assignment (a task of
	// its own, ClassTaskID pointing back) per unit of the class; LeadUnitID
	// is then the unit whose communes or departments they are.
	LeadClass   Class `json:"lead_class,omitempty"`
	ClassLater  bool  `json:"class_later,omitempty"`   // units of the class established later get their assignment
	ClassTaskID int64 `json:"class_task_id,omitempty"` // on an assignment: its class task
}

// Occurrence is one deadline of a task.
type Occurrence struct {
	ID         int64   `json:"id"`
	TaskID     int64   `json:"task_id"`
	DueOn      day.Day `json:"due_on"`
	Period     string  `json:"period"` // 2025, 2025-Q2, 2025-H1, or "once"
	DoneOn     day.Day `json:"done_on,omitzero"`
	AcceptedOn day.Day `json:"accepted_on,omitzero"`
	Percent    int     `json:"percent"`
	PercentOn  day.Day `json:"percent_on,omitzero"`
	ReportID   int64   `json:"report_id,omitempty"`
}

// Status is where a task or an occurrence stands on a date. It is derived
// from the deadline and the accepted reports, never typed.
type Status string

// The statuses.
const (
	NotDue     Status = "not_due"      // chưa đến hạn
	OnTrack    Status = "on_track"     // đúng tiến độ
	AtRisk     Status = "at_risk"      // có nguy cơ chậm
	Overdue    Status = "overdue"      // quá hạn
	DoneOnTime Status = "done_on_time" // hoàn thành đúng hạn
	DoneLate   Status = "done_late"    // hoàn thành muộn
	// Cancelled and CarriedOver close a task: listed, not counted.
	Cancelled   Status = "cancelled"    // đã hủy
	CarriedOver Status = "carried_over" // chuyển sang kỳ/kế hoạch khác
)

// Statuses lists them in display order, worst first.
var Statuses = []Status{Overdue, AtRisk, OnTrack, NotDue, DoneLate, DoneOnTime}

// Enum lists the values for the API's document.
func (Status) Enum() []string {
	return enum.Of(append(append([]Status{}, Statuses...), Cancelled, CarriedOver)...)
}

// Done reports whether a status is a completion.
func (s Status) Done() bool { return s == DoneOnTime || s == DoneLate }

// ReportStatus is what the lead unit says of its task.
type ReportStatus string

// The reported statuses.
const (
	NotStarted ReportStatus = "not_started"
	InProgress ReportStatus = "in_progress"
	Completed  ReportStatus = "completed"
)

// ReportStatuses lists them.
var ReportStatuses = []ReportStatus{NotStarted, InProgress, Completed}

// Enum lists the values for the API's document.
func (ReportStatus) Enum() []string { return enum.Of(ReportStatuses...) }

// ReviewState is where a report stands with the coordinator.
type ReviewState string

// The review states.
const (
	Submitted ReviewState = "submitted"
	Accepted  ReviewState = "accepted"
	Returned  ReviewState = "returned"
)

// Enum lists the values for the API's document.
func (ReviewState) Enum() []string { return enum.Of(Submitted, Accepted, Returned) }

// Report is a progress report of the lead unit for a reporting period.
type Report struct {
	ID            int64        `json:"id"`
	TaskID        int64        `json:"task_id"`
	OccurrenceID  int64        `json:"occurrence_id"`
	Period        string       `json:"period"`
	UnitID        int64        `json:"unit_id"`
	Status        ReportStatus `json:"status"`
	Percent       int          `json:"percent"`
	DoneText      string       `json:"done"`
	Obstacles     string       `json:"obstacles"`
	Proposals     string       `json:"proposals"`
	CompletedOn   day.Day      `json:"completed_on,omitzero"`
	State         ReviewState  `json:"state"`
	SubmittedBy   int64        `json:"submitted_by,omitempty"`
	SubmittedAt   time.Time    `json:"submitted_at"`
	SubmittedOn   day.Day      `json:"submitted_on"`
	ReviewedBy    int64        `json:"reviewed_by,omitempty"`
	ReviewedAt    *time.Time   `json:"reviewed_at,omitempty"`
	ReviewedOn    day.Day      `json:"reviewed_on,omitzero"`
	ReviewComment string       `json:"review_comment"`
	FileIDs       []int64      `json:"file_ids"`
}

// Contribution is what a supporting unit did for a task.
type Contribution struct {
	ID        int64     `json:"id"`
	TaskID    int64     `json:"task_id"`
	Period    string    `json:"period"`
	UnitID    int64     `json:"unit_id"`
	Body      string    `json:"body"`
	FileID    int64     `json:"file_id,omitempty"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// NoticeKind is why a user is notified.
type NoticeKind string

// The kinds of notification.
const (
	NoticeDueSoon  NoticeKind = "due_soon"
	NoticeOverdue  NoticeKind = "overdue"
	NoticeReturned NoticeKind = "returned"
	NoticeAccepted NoticeKind = "accepted"
	NoticeReport   NoticeKind = "report" // a report waits for review
)

// Notification is one in-app notification.
type Notification struct {
	ID        int64      `json:"id"`
	Kind      NoticeKind `json:"kind"`
	TaskID    int64      `json:"task_id,omitempty"`
	TaskTitle string     `json:"task_title"`
	ReportID  int64      `json:"report_id,omitempty"`
	DueOn     day.Day    `json:"due_on,omitzero"`
	CreatedAt time.Time  `json:"created_at"`
	Read      bool       `json:"read"`
	// Another feature's notice (internal/notify) says what it is about
	// in words and where it is acted on.
	SubjectVI string `json:"subject_vi,omitempty"`
	SubjectEN string `json:"subject_en,omitempty"`
	Link      string `json:"link,omitempty"`
}

// Subject is what the notice is about in a language: the task's title, or
// another feature's subject.
func (n *Notification) Subject(lang string) string {
	switch {
	case lang == "en" && n.SubjectEN != "":
		return n.SubjectEN
	case n.SubjectVI != "":
		return n.SubjectVI
	}
	return n.TaskTitle
}

// Href is the page where the notice is acted on.
func (n *Notification) Href() string {
	switch {
	case n.Link != "":
		return n.Link
	case n.TaskID != 0:
		return fmt.Sprintf("/tasks/%d", n.TaskID)
	}
	return ""
}
