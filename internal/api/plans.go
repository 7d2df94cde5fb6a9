package api

import (
	"net/http"
	"strconv"

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
	route(a, "GET", "/plans", httpx.Doc{Summary: "Documents and plans you may read, in their chain, with task counts", Tag: "plans",
		Query: []httpx.Param{d}},
		func(c *Call, _ None) (DocumentList, error) {
			d := c.AsOf()
			if err := c.Err(); err != nil {
				return DocumentList{}, err
			}
			docs, err := a.Plans.ListDocuments(c.Ctx, c.Actor, d)
			if docs == nil {
				docs = []plans.DocRow{}
			}
			return DocumentList{Documents: docs}, err
		})
	route(a, "POST", "/plans", httpx.Doc{Summary: "Register a document (a plan, a decision…)", Tag: "plans", Status: 201},
		func(c *Call, in plans.DocumentInput) (*plans.Document, error) {
			return a.Plans.CreateDocument(c.Ctx, c.Actor, in)
		})
	route(a, "GET", "/plans/{id}", httpx.Doc{Summary: "A plan: its chain, targets, groups and tasks with their status on a date", Tag: "plans",
		Query: []httpx.Param{d, unit, status, window}},
		func(c *Call, _ None) (*plans.PlanView, error) {
			d := c.AsOf()
			if err := c.Err(); err != nil {
				return nil, err
			}
			f, err := a.filter(c.R)
			if err != nil {
				return nil, err
			}
			return a.Plans.Plan(c.Ctx, c.Actor, c.ID(), d, f)
		})
	route(a, "PUT", "/plans/{id}", httpx.Doc{Summary: "Change a document's details (number, title, issuer, signer, dates, the document it implements), with a reason", Tag: "plans"},
		func(c *Call, in plans.DocumentChange) (*plans.Document, error) {
			return a.Plans.ChangeDocument(c.Ctx, c.Actor, c.ID(), in)
		})
	// a pasted plan may be larger than MaxBody: PlanText says its bound
	route(a, "POST", "/plans/{id}/parse", httpx.Doc{Summary: "Read a plan's pasted text into a draft of groups and tasks (nothing is stored)", Tag: "plans"},
		func(c *Call, in PlanText) (*parse.Draft, error) {
			return a.Plans.ParseText(c.Ctx, c.Actor, c.ID(), in.Text)
		})
	route(a, "POST", "/plans/{id}/tasks", httpx.Doc{Summary: "Add tasks to a plan (a confirmed draft), all or none", Tag: "plans", Status: 201},
		func(c *Call, in TasksInput) (TaskCreated, error) {
			tasks, err := a.Plans.AddTasks(c.Ctx, c.Actor, c.ID(), in.Tasks)
			return TaskCreated{Tasks: tasks}, err
		})
	route(a, "POST", "/plans/{id}/groups", httpx.Doc{Summary: "Add a group of tasks", Tag: "plans", Status: 201},
		func(c *Call, in plans.GroupInput) (*plans.Group, error) {
			return a.Plans.AddGroup(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/plans/{id}/targets", httpx.Doc{Summary: "Add a target, optionally naming an indicator", Tag: "plans", Status: 201},
		func(c *Call, in plans.TargetInput) (*plans.Target, error) {
			return a.Plans.AddTarget(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "GET", "/tasks", httpx.Doc{Summary: "Your units' tasks, your own first", Tag: "tasks", Query: []httpx.Param{d, unit, status, window}, Kept: true},
		func(c *Call, _ None) (TaskList, error) {
			d := c.AsOf()
			if err := c.Err(); err != nil {
				return TaskList{}, err
			}
			f, err := a.filter(c.R)
			if err != nil {
				return TaskList{}, err
			}
			rows, counts, err := a.Plans.TasksShared(c.Ctx, c.Actor, d, f, 1000) // only encoded
			if rows == nil {
				rows = []plans.TaskRow{}
			}
			return TaskList{Counts: counts, Tasks: rows}, err
		})
	route(a, "GET", "/tasks/overdue", httpx.Doc{Summary: "Overdue tasks led by units of your scope, the latest first", Tag: "tasks", Query: []httpx.Param{d, unit}},
		func(c *Call, _ None) (OverdueList, error) {
			d := c.AsOf()
			if err := c.Err(); err != nil {
				return OverdueList{}, err
			}
			f, err := a.filter(c.R)
			if err != nil {
				return OverdueList{}, err
			}
			rows, total, err := a.Plans.Overdue(c.Ctx, c.Actor, d, f.UnitID, 200)
			return OverdueList{Total: total, Tasks: rows}, err
		})
	route(a, "GET", "/tasks/{id}", httpx.Doc{Summary: "A task with its deadlines, reports and contributions", Tag: "tasks", Query: []httpx.Param{d}},
		func(c *Call, _ None) (*plans.TaskView, error) {
			d := c.AsOf()
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.Plans.GetTask(c.Ctx, c.Actor, c.ID(), d)
		})
	route(a, "GET", "/tasks/{id}/assignments", httpx.Doc{Summary: "A task given to a class of units (every commune, every department, a list): its assignments, one per unit, with how many are done; the units not done first, a page at a time", Tag: "tasks",
		Query: []httpx.Param{d, {Name: "not_done", Type: "boolean", Description: "only the units not done"}, {Name: "offset", Type: "integer", Description: "skip this many"},
			{Name: "limit", Type: "integer", Description: "at most this many (default 50, at most 200)"}}},
		func(c *Call, _ None) (*plans.AssignmentPage, error) {
			d, offset, limit := c.AsOf(), c.Int("offset", 0), c.Int("limit", 50)
			if err := c.Err(); err != nil {
				return nil, err
			}
			notDone := c.Query("not_done")
			if notDone != "" && notDone != "true" && notDone != "false" && notDone != "1" && notDone != "0" {
				return nil, errs.Invalidf("plans.err.bad_value", "Value", notDone).At(0, "not_done")
			}
			return a.Plans.Assignments(c.Ctx, c.Actor, c.ID(), d, notDone == "true" || notDone == "1", offset, limit)
		})
	// an upload: a plain handler
	a.handle("POST", "/tasks/{id}/reports", &httpx.Doc{Summary: "Report progress on a task of your unit (fields as form values, evidence files as 'evidence')", Tag: "tasks",
		Multipart: []string{"evidence"}, Response: plans.Report{}, Status: 201}, a.report)
	route(a, "POST", "/tasks/{id}/contributions", httpx.Doc{Summary: "Record what a supporting unit did", Tag: "tasks", Status: 201},
		func(c *Call, in plans.ContributionInput) (*plans.Contribution, error) {
			return a.Plans.AddContribution(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/tasks/{id}/change", httpx.Doc{Summary: "Change a confirmed task's title, lead, supporting units or deadline, with a reason and the decision (kept in its history)", Tag: "tasks"},
		func(c *Call, in plans.TaskChange) (*plans.Task, error) {
			return a.Plans.ChangeTask(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/tasks/{id}/cancel", httpx.Doc{Summary: "Cancel a task not done, with a reason: listed, no longer counted", Tag: "tasks"},
		func(c *Call, in plans.Why) (*plans.Task, error) {
			return a.Plans.CancelTask(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/tasks/{id}/carry", httpx.Doc{Summary: "Carry an unfinished task over into a plan or period: a new task, linked both ways, counted once", Tag: "tasks",
		Status: 201},
		func(c *Call, in plans.CarryInput) (*plans.Task, error) {
			return a.Plans.CarryTask(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/tasks/{id}/move", httpx.Doc{Summary: "Move a task to another group of its plan or to another place in its group, with a reason (kept in its history)", Tag: "tasks"},
		func(c *Call, in plans.TaskMove) (*plans.Task, error) {
			return a.Plans.MoveTask(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/groups/{id}/move", httpx.Doc{Summary: "Move a task group under another group of its plan (parent 0: a pillar) or to another place, with a reason; never into itself", Tag: "plans"},
		func(c *Call, in plans.GroupMove) (*plans.Group, error) {
			return a.Plans.MoveGroup(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/plans/{id}/renumber", httpx.Doc{Summary: "Renumber a plan's groups and tasks to follow their order, with a reason (each number changed kept in the history)", Tag: "plans"},
		func(c *Call, in plans.Why) (Renumbered, error) {
			n, err := a.Plans.Renumber(c.Ctx, c.Actor, c.ID(), in)
			return Renumbered{Changed: n}, err
		})
	route(a, "GET", "/plans/{id}/group-changes", httpx.Doc{Summary: "The history of a plan's task groups (moves, reorders, renumbering)", Tag: "plans"},
		func(c *Call, _ None) (GroupChangeList, error) {
			cs, err := a.Plans.GroupChanges(c.Ctx, c.Actor, c.ID())
			return GroupChangeList{Changes: cs}, err
		})
	route(a, "POST", "/reports/{id}/review", httpx.Doc{Summary: "Accept a report, or return it with a comment", Tag: "tasks"},
		func(c *Call, in plans.ReviewInput) (*plans.Report, error) {
			return a.Plans.Review(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "GET", "/plans-dashboard", httpx.Doc{Summary: "The leader's summary of your scope's tasks", Tag: "plans", Query: []httpx.Param{d}, Kept: true},
		func(c *Call, _ None) (*plans.Dashboard, error) {
			d := c.AsOf()
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.Plans.Dashboard(c.Ctx, c.Actor, d)
		})
	route(a, "GET", "/notifications", httpx.Doc{Summary: "Your notifications", Tag: "tasks"},
		func(c *Call, _ None) (NoticeList, error) {
			ns, unread, err := a.Plans.Notifications(c.Ctx, c.Actor, 100)
			return NoticeList{Unread: unread, Notifications: ns}, err
		})
	route(a, "POST", "/notifications/read", httpx.Doc{Summary: "Mark your notifications read", Tag: "tasks"},
		func(c *Call, _ None) (None, error) { return None{}, a.Plans.MarkRead(c.Ctx, c.Actor) })
}

// MaxBody bounds a pasted plan's body: the parser's limit and the JSON around it.
func (PlanText) MaxBody() int64 { return parse.MaxBytes + MaxBody }

// Renumbered says how many numbers a renumbering changed.
type Renumbered struct {
	Changed int `json:"changed"`
}

// GroupChangeList is a plan's groups' history.
type GroupChangeList struct {
	Changes []plans.GroupChange `json:"changes"`
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

func (a *API) report(w http.ResponseWriter, r *http.Request) {
	c := a.call(r)
	id := c.ID()
	if err := c.Err(); err != nil {
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
	var err error
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
	rep, err := a.Plans.SubmitReport(c.Ctx, c.Actor, id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rep)
}
