package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/plans"
	"github.com/mangluoi/mangluoi/internal/plans/parse"
)

// DocumentList is the documents a caller may read, as a chain.
type DocumentList struct {
	Documents []plans.DocRow `json:"documents"`
}

// PlanText is a plan's pasted text.
type PlanText struct {
	Text string `json:"text"`
}

// TasksInput adds several tasks at once (a corrected draft).
type TasksInput struct {
	Tasks []plans.TaskInput `json:"tasks"`
}

// TaskCreated lists the tasks made.
type TaskCreated struct {
	Tasks []*plans.Task `json:"tasks"`
}

// TaskList is a list of tasks with their counts.
type TaskList struct {
	Counts plans.Counts    `json:"counts"`
	Tasks  []plans.TaskRow `json:"tasks"`
}

// OverdueList is the overdue tasks, the latest first.
type OverdueList struct {
	Total int             `json:"total"`
	Tasks []plans.TaskRow `json:"tasks"`
}

// NoticeList is the caller's notifications.
type NoticeList struct {
	Unread        int                  `json:"unread"`
	Notifications []plans.Notification `json:"notifications"`
}

func (a *API) registerPlans() {
	d := httpx.Param{Name: "d", Type: "string", Format: "date", Description: "as of this date (yyyy-mm-dd); today if absent"}
	unit := httpx.Param{Name: "unit", Type: "integer", Description: "a unit of your scope: its tasks and those of the units below it"}
	status := httpx.Param{Name: "status", Type: "string", Description: "not_due, on_track, at_risk, overdue, done_on_time or done_late"}
	window := httpx.Param{Name: "window", Type: "integer", Description: "only tasks due within this many days of the date"}
	a.handle("GET", "/plans", &httpx.Doc{Summary: "Documents and plans you may read, in their chain, with task counts", Tag: "plans",
		Query: []httpx.Param{d}, Response: DocumentList{}}, a.listPlans)
	a.handle("POST", "/plans", &httpx.Doc{Summary: "Register a document (a plan, a decision…)", Tag: "plans",
		Request: plans.DocumentInput{}, Response: plans.Document{}, Status: 201}, a.createPlan)
	a.handle("GET", "/plans/{id}", &httpx.Doc{Summary: "A plan: its chain, targets, groups and tasks with their status on a date", Tag: "plans",
		Query: []httpx.Param{d, unit, status, window}, Response: plans.PlanView{}}, a.getPlan)
	a.handle("PUT", "/plans/{id}", &httpx.Doc{Summary: "Change a document's details (number, title, issuer, signer, dates, the document it implements), with a reason", Tag: "plans",
		Request: plans.DocumentChange{}, Response: plans.Document{}}, a.changePlan)
	a.handle("POST", "/plans/{id}/parse", &httpx.Doc{Summary: "Read a plan's pasted text into a draft of groups and tasks (nothing is stored)", Tag: "plans",
		Request: PlanText{}, Response: parse.Draft{}}, a.parsePlan)
	a.handle("POST", "/plans/{id}/tasks", &httpx.Doc{Summary: "Add tasks to a plan (a confirmed draft), all or none", Tag: "plans",
		Request: TasksInput{}, Response: TaskCreated{}, Status: 201}, a.addTasks)
	a.handle("POST", "/plans/{id}/groups", &httpx.Doc{Summary: "Add a group of tasks", Tag: "plans", Request: plans.GroupInput{}, Response: plans.Group{}, Status: 201}, a.addGroup)
	a.handle("POST", "/plans/{id}/targets", &httpx.Doc{Summary: "Add a target, optionally naming an indicator", Tag: "plans", Request: plans.TargetInput{}, Response: plans.Target{}, Status: 201}, a.addTarget)
	a.handle("GET", "/tasks", &httpx.Doc{Summary: "Your units' tasks, your own first", Tag: "tasks", Query: []httpx.Param{d, unit, status, window}, Response: TaskList{}}, a.listTasks)
	a.handle("GET", "/tasks/overdue", &httpx.Doc{Summary: "Overdue tasks led by units of your scope, the latest first", Tag: "tasks", Query: []httpx.Param{d, unit}, Response: OverdueList{}}, a.overdue)
	a.handle("GET", "/tasks/{id}", &httpx.Doc{Summary: "A task with its deadlines, reports and contributions", Tag: "tasks", Query: []httpx.Param{d}, Response: plans.TaskView{}}, a.getTask)
	a.handle("GET", "/tasks/{id}/assignments", &httpx.Doc{Summary: "A task given to a class of units (every commune, every department, a list): its assignments, one per unit, with how many are done; the units not done first, a page at a time", Tag: "tasks",
		Query: []httpx.Param{d, {Name: "not_done", Type: "boolean", Description: "only the units not done"}, {Name: "offset", Type: "integer", Description: "skip this many"},
			{Name: "limit", Type: "integer", Description: "at most this many (default 50, at most 200)"}}, Response: plans.AssignmentPage{}}, a.assignments)
	a.handle("POST", "/tasks/{id}/reports", &httpx.Doc{Summary: "Report progress on a task of your unit (fields as form values, evidence files as 'evidence')", Tag: "tasks",
		Multipart: []string{"evidence"}, Response: plans.Report{}, Status: 201}, a.report)
	a.handle("POST", "/tasks/{id}/contributions", &httpx.Doc{Summary: "Record what a supporting unit did", Tag: "tasks", Request: plans.ContributionInput{}, Response: plans.Contribution{}, Status: 201}, a.contribute)
	a.handle("POST", "/tasks/{id}/change", &httpx.Doc{Summary: "Change a confirmed task's title, lead, supporting units or deadline, with a reason and the decision (kept in its history)", Tag: "tasks",
		Request: plans.TaskChange{}, Response: plans.Task{}}, a.changeTask)
	a.handle("POST", "/tasks/{id}/cancel", &httpx.Doc{Summary: "Cancel a task not done, with a reason: listed, no longer counted", Tag: "tasks",
		Request: plans.Why{}, Response: plans.Task{}}, a.cancelTask)
	a.handle("POST", "/tasks/{id}/carry", &httpx.Doc{Summary: "Carry an unfinished task over into a plan or period: a new task, linked both ways, counted once", Tag: "tasks",
		Request: plans.CarryInput{}, Response: plans.Task{}, Status: 201}, a.carryTask)
	a.handle("POST", "/tasks/{id}/move", &httpx.Doc{Summary: "Move a task to another group of its plan or to another place in its group, with a reason (kept in its history)", Tag: "tasks",
		Request: plans.TaskMove{}, Response: plans.Task{}}, a.moveTask)
	a.handle("POST", "/groups/{id}/move", &httpx.Doc{Summary: "Move a task group under another group of its plan (parent 0: a pillar) or to another place, with a reason; never into itself", Tag: "plans",
		Request: plans.GroupMove{}, Response: plans.Group{}}, a.moveGroup)
	a.handle("POST", "/plans/{id}/renumber", &httpx.Doc{Summary: "Renumber a plan's groups and tasks to follow their order, with a reason (each number changed kept in the history)", Tag: "plans",
		Request: plans.Why{}, Response: Renumbered{}}, a.renumber)
	a.handle("GET", "/plans/{id}/group-changes", &httpx.Doc{Summary: "The history of a plan's task groups (moves, reorders, renumbering)", Tag: "plans",
		Response: GroupChangeList{}}, a.groupChanges)
	a.handle("POST", "/reports/{id}/review", &httpx.Doc{Summary: "Accept a report, or return it with a comment", Tag: "tasks", Request: plans.ReviewInput{}, Response: plans.Report{}}, a.review)
	a.handle("GET", "/plans-dashboard", &httpx.Doc{Summary: "The leader's summary of your scope's tasks", Tag: "plans", Query: []httpx.Param{d}, Response: plans.Dashboard{}}, a.dashboard)
	a.handle("GET", "/notifications", &httpx.Doc{Summary: "Your notifications", Tag: "tasks", Response: NoticeList{}}, a.notifications)
	a.handle("POST", "/notifications/read", &httpx.Doc{Summary: "Mark your notifications read", Tag: "tasks", Status: 204}, a.notificationsRead)
}

func (a *API) filter(r *http.Request) (plans.Filter, error) {
	q := r.URL.Query()
	f := plans.Filter{Status: plans.Status(q.Get("status"))}
	var err error
	if v := q.Get("unit"); v != "" {
		if f.UnitID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return f, errs.Invalidf("err.bad_id", "Value", v).At(0, "unit")
		}
	}
	if v := q.Get("window"); v != "" {
		if f.Window, err = strconv.Atoi(v); err != nil || f.Window < 0 {
			return f, errs.Invalidf("err.bad_id", "Value", v).At(0, "window")
		}
	}
	return f, nil
}

func (a *API) listPlans(w http.ResponseWriter, r *http.Request) {
	d, err := a.asOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	docs, err := a.Plans.ListDocuments(r.Context(), httpx.Actor(r), d)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if docs == nil {
		docs = []plans.DocRow{}
	}
	writeJSON(w, http.StatusOK, DocumentList{Documents: docs})
}

func (a *API) createPlan(w http.ResponseWriter, r *http.Request) {
	var in plans.DocumentInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	doc, err := a.Plans.CreateDocument(r.Context(), httpx.Actor(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, doc)
}

func (a *API) getPlan(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.asOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.filter(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Plans.Plan(r.Context(), httpx.Actor(r), id, d, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *API) parsePlan(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in PlanText
	r.Body = http.MaxBytesReader(w, r.Body, parse.MaxBytes+MaxBody)
	if err := decodeLarge(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	draft, err := a.Plans.ParseText(r.Context(), httpx.Actor(r), id, in.Text)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, draft)
}

func (a *API) addTasks(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in TasksInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	tasks, err := a.Plans.AddTasks(r.Context(), httpx.Actor(r), id, in.Tasks)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, TaskCreated{Tasks: tasks})
}

func (a *API) addGroup(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in plans.GroupInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	g, err := a.Plans.AddGroup(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, g)
}

func (a *API) addTarget(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in plans.TargetInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Plans.AddTarget(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

func (a *API) listTasks(w http.ResponseWriter, r *http.Request) {
	d, err := a.asOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.filter(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rows, c, err := a.Plans.Tasks(r.Context(), httpx.Actor(r), d, f, 1000)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if rows == nil {
		rows = []plans.TaskRow{}
	}
	writeJSON(w, http.StatusOK, TaskList{Counts: c, Tasks: rows})
}

func (a *API) overdue(w http.ResponseWriter, r *http.Request) {
	d, err := a.asOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.filter(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rows, total, err := a.Plans.Overdue(r.Context(), httpx.Actor(r), d, f.UnitID, 200)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, OverdueList{Total: total, Tasks: rows})
}

func (a *API) getTask(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.asOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.Plans.GetTask(r.Context(), httpx.Actor(r), id, d)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *API) report(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 60<<20)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		a.fail(w, r, errs.Invalidf("err.bad_request", "Reason", err.Error()))
		return
	}
	in := plans.ReportInput{Period: r.FormValue("period"), Status: plans.ReportStatus(r.FormValue("status")), Done: r.FormValue("done"),
		Obstacles: r.FormValue("obstacles"), Proposals: r.FormValue("proposals")}
	if v := r.FormValue("occurrence_id"); v != "" {
		if in.OccurrenceID, err = strconv.ParseInt(v, 10, 64); err != nil {
			a.fail(w, r, errs.Invalidf("err.bad_id", "Value", v).At(0, "occurrence_id"))
			return
		}
	}
	if v := r.FormValue("percent"); v != "" {
		if in.Percent, err = strconv.Atoi(v); err != nil {
			a.fail(w, r, errs.Invalidf("plans.err.bad_percent").At(0, "percent"))
			return
		}
	}
	if v := r.FormValue("completed_on"); v != "" {
		if err := in.CompletedOn.UnmarshalText([]byte(v)); err != nil {
			a.fail(w, r, errs.Invalidf("err.bad_date", "Value", v).At(0, "completed_on"))
			return
		}
	}
	for _, h := range r.MultipartForm.File["evidence"] {
		f, err := h.Open()
		if err != nil {
			a.fail(w, r, errs.Invalidf("files.err.unreadable").At(0, "evidence"))
			return
		}
		defer f.Close()
		in.Files = append(in.Files, plans.Upload{Name: h.Filename, Body: f})
	}
	rep, err := a.Plans.SubmitReport(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rep)
}

func (a *API) contribute(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in plans.ContributionInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.Plans.AddContribution(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (a *API) review(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in plans.ReviewInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	rep, err := a.Plans.Review(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func (a *API) dashboard(w http.ResponseWriter, r *http.Request) {
	d, err := a.asOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	db, err := a.Plans.Dashboard(r.Context(), httpx.Actor(r), d)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, db)
}

func (a *API) notifications(w http.ResponseWriter, r *http.Request) {
	ns, unread, err := a.Plans.Notifications(r.Context(), httpx.Actor(r), 100)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, NoticeList{Unread: unread, Notifications: ns})
}

func (a *API) notificationsRead(w http.ResponseWriter, r *http.Request) {
	if err := a.Plans.MarkRead(r.Context(), httpx.Actor(r)); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// decodeLarge is decode for the bodies that may exceed MaxBody (a pasted
// plan), the caller having bounded the body; as strict as decode.
func decodeLarge(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return badJSON(err)
	}
	if !utf8.Valid(body) {
		return errs.Invalidf("err.bad_request", "Reason", "the text is not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badJSON(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.Invalidf("err.bad_request", "Reason", "trailing data after the JSON value")
	}
	return nil
}

func (a *API) changeTask(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in plans.TaskChange
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Plans.ChangeTask(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (a *API) cancelTask(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in plans.Why
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Plans.CancelTask(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (a *API) carryTask(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in plans.CarryInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Plans.CarryTask(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

func (a *API) changePlan(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in plans.DocumentChange
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.Plans.ChangeDocument(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// Renumbered says how many numbers a renumbering changed.
type Renumbered struct {
	Changed int `json:"changed"`
}

// GroupChangeList is a plan's groups' history.
type GroupChangeList struct {
	Changes []plans.GroupChange `json:"changes"`
}

func (a *API) moveTask(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in plans.TaskMove
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Plans.MoveTask(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (a *API) moveGroup(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in plans.GroupMove
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	g, err := a.Plans.MoveGroup(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, g)
}

func (a *API) renumber(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in plans.Why
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Plans.Renumber(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Renumbered{Changed: n})
}

func (a *API) groupChanges(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	cs, err := a.Plans.GroupChanges(r.Context(), httpx.Actor(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, GroupChangeList{Changes: cs})
}

func (a *API) assignments(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.asOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	offset, err := intParam(r, "offset", 0)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	limit, err := intParam(r, "limit", 50)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	notDone := r.URL.Query().Get("not_done")
	if notDone != "" && notDone != "true" && notDone != "false" && notDone != "1" && notDone != "0" {
		a.fail(w, r, errs.Invalidf("plans.err.bad_value", "Value", notDone).At(0, "not_done"))
		return
	}
	v, err := a.Plans.Assignments(r.Context(), httpx.Actor(r), id, d, notDone == "true" || notDone == "1", offset, limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
