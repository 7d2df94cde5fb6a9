package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/plans"
)

type taskListPage struct {
	Page
	Rows     []plans.TaskRow
	Counts   plans.Counts
	Filter   plans.Filter
	Statuses []plans.Status
	Unit     string
	Pending  []plans.Report
	Limit    int
	Body     template.HTML // the content, written by tasksHTML
	pooledContent
}

func (p *taskListPage) written() template.HTML { return p.Body }

// taskList is a unit's to-do list: its own tasks first, then those it
// supports, then those of the units below it; filtered by unit, status and
// deadline window.
func (s *Server) taskList(w http.ResponseWriter, r *http.Request) {
	tp, err := s.taskListData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tp.Body = tasksHTML(tp)
	s.render(w, r, "tasks", http.StatusOK, tp)
}

func (s *Server) taskListData(r *http.Request) (*taskListPage, error) {
	p := s.page(r, "")
	tp := &taskListPage{Page: p, Filter: s.filter(r), Statuses: plans.Statuses, Limit: 300}
	tp.Title, tp.Nav = p.L.T("tasks.title"), "tasks"
	var err error
	if tp.Rows, tp.Counts, err = s.Plans.TasksShared(r.Context(), p.Actor, p.AsOf, tp.Filter, tp.Limit); err != nil {
		return nil, err
	}
	unit := tp.Filter.UnitID
	if unit == 0 {
		unit = p.Actor.ScopeUnitID
	}
	if snap, err := s.Org.Snapshot(r.Context()); err == nil && snap.Latest(unit) != nil {
		tp.Unit = snap.Latest(unit).Name
	}
	if tp.Pending, err = s.Plans.PendingReports(r.Context(), p.Actor, 20); err != nil {
		return nil, err
	}
	return tp, nil
}

type overduePage struct {
	Page
	Rows  []plans.TaskRow
	Total int
}

// planOverdue lists the overdue tasks of the reader's scope, the latest
// first, with the lead unit and how late.
func (s *Server) planOverdue(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	op := &overduePage{Page: p}
	op.Title, op.Nav = p.L.T("plans.overdue.title"), "tasks"
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	var err error
	if op.Rows, op.Total, err = s.Plans.Overdue(r.Context(), p.Actor, p.AsOf, unit, 200); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "plans_overdue", http.StatusOK, op)
}

type planDashPage struct {
	Page
	D        *plans.Dashboard
	Statuses []plans.Status
	// ReviewByPlan and ReviewByUnit are the review's tables (started and
	// done of the total), per plan and per lead unit: the charts' rows as
	// reviewRows, made by reviews for the template only (its test's);
	// planDashHTML writes them from the charts' rows.
	ReviewByPlan, ReviewByUnit []reviewRow
	// ByPlan and ByUnit are the summary's two charts, drawn on the server
	// as SVG bars (the public ranking's way): with ECharts the page
	// weighed 554 KiB and scored 65 for performance on a phone.
	ByPlan, ByUnit stackChart
	// ByUnitNote, AllUnitsURL and AllUnitsText say, when ByUnit holds only
	// the lead units with the most overdue tasks (dashUnitsMax of them),
	// how many there are in all and link to the chart of every one
	ByUnitNote, AllUnitsURL, AllUnitsText string
	Body                                  template.HTML // the content, written by planDashHTML
	pooledContent
}

func (p *planDashPage) written() template.HTML { return p.Body }

// stackChart is a chart of tasks by status, one stacked bar a row on a
// scale common to its rows, with its figures as a table (its text
// alternative) and a sentence summarising it.
type stackChart struct {
	Rows    []stackRow
	Counts  plans.Counts // the rows' sum
	Summary string
}

type stackRow struct {
	Name, Href string
	Counts     plans.Counts
	Segs       []stackSeg
}

// stackSeg is one status's part of a bar, in percent of the chart's width.
type stackSeg struct {
	Status plans.Status
	X, W   float64
}

// stackOrder draws the done first, the late last (nearest the figures).
var stackOrder = []plans.Status{plans.DoneOnTime, plans.DoneLate, plans.OnTrack, plans.NotDue, plans.AtRisk, plans.Overdue}

func newStack(rows []stackRow) stackChart {
	c := stackChart{Rows: rows}
	top, n := 0, 0
	for i := range rows {
		r := &rows[i]
		top = max(top, r.Counts.Total)
		c.Counts = c.Counts.Plus(r.Counts)
		for _, st := range stackOrder {
			if r.Counts.Of(st) > 0 {
				n++
			}
		}
	}
	segs := make([]stackSeg, 0, n) // the rows' segments, one array at its size
	for i := range c.Rows {
		r := &c.Rows[i]
		x, from := 0.0, len(segs)
		for _, st := range stackOrder {
			if n := r.Counts.Of(st); n > 0 {
				w := float64(n) / float64(top) * 100
				segs = append(segs, stackSeg{Status: st, X: x, W: w})
				x += w
			}
		}
		if len(segs) > from {
			r.Segs = segs[from:len(segs):len(segs)]
		}
	}
	return c
}

// planDashboard is the leader's summary: counts, charts by plan and by
// lead unit, the latest overdue and the deadlines coming.
func (s *Server) planDashboard(w http.ResponseWriter, r *http.Request) {
	dp, err := s.planDashData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dp.Body = planDashHTML(dp)
	s.render(w, r, "plans_dashboard", http.StatusOK, dp)
}

func (s *Server) planDashData(r *http.Request) (*planDashPage, error) {
	p := s.page(r, "")
	dp := &planDashPage{Page: p, Statuses: plans.Statuses}
	dp.Title, dp.Nav = p.L.T("plans.dashboard.title"), "plans"
	var err error
	if dp.D, err = s.Plans.Dashboard(r.Context(), p.Actor, p.AsOf); err != nil {
		return nil, err
	}
	// each row's link made once, for its chart and its review table
	rows := make([]stackRow, 0, len(dp.D.Plans))
	for _, d := range dp.D.Plans {
		href := p.U("/plans/" + strconv.FormatInt(d.ID, 10))
		rows = append(rows, stackRow{Name: d.Number, Href: href, Counts: d.Counts})
	}
	dp.ByPlan = newStack(rows)
	dp.ByPlan.Summary = p.L.T("plans.chart.by_plan_summary", "Rows", p.L.Int(len(rows)), "Done", p.L.Int(dp.ByPlan.Counts.Done),
		"Total", p.L.Int(dp.ByPlan.Counts.Total), "Overdue", p.L.Int(dp.ByPlan.Counts.Overdue), "AtRisk", p.L.Int(dp.ByPlan.Counts.AtRisk))
	units := dp.D.Units
	if r.URL.Query().Get("units") != "all" && len(units) > dashUnitsMax {
		units = worstUnits(units, dashUnitsMax)
		all := p.L.Int(len(dp.D.Units))
		dp.ByUnitNote = p.L.T("plans.chart.by_unit_worst", "Shown", p.L.Int(len(units)), "All", all)
		dp.AllUnitsURL, dp.AllUnitsText = p.U("/plans/dashboard", "units", "all")+"#by-unit", p.L.T("plans.chart.by_unit_all", "All", all)
	}
	rows = make([]stackRow, 0, len(units))
	hrefs := p.unitTasksURLs(units)
	for i, u := range units {
		rows = append(rows, stackRow{Name: u.Name, Href: hrefs[i], Counts: u.Counts})
	}
	dp.ByUnit = newStack(rows)
	dp.ByUnit.Summary = p.L.T("plans.chart.by_unit_summary", "Rows", p.L.Int(len(rows)), "Done", p.L.Int(dp.ByUnit.Counts.Done),
		"Total", p.L.Int(dp.ByUnit.Counts.Total), "Overdue", p.L.Int(dp.ByUnit.Counts.Overdue), "AtRisk", p.L.Int(dp.ByUnit.Counts.AtRisk))
	return dp, nil
}

// dashUnitsMax bounds the lead units the plans dashboard charts unless
// every one is asked for (?units=all): a province's dashboard charted its
// 168 lead units, a bar and a table row each, 166 KB of its 236 KB, and
// cost a millisecond of CPU to make (issue 14, item 2); a leader looks
// first at the units with the most overdue tasks. (A variable for tests.)
var dashUnitsMax = 20

// worstUnits are the n units with the most overdue tasks, then the most at
// risk, in that order (ties as given).
func worstUnits(units []plans.UnitCount, n int) []plans.UnitCount {
	out := slices.Clone(units)
	slices.SortStableFunc(out, func(a, b plans.UnitCount) int {
		if c := cmp.Compare(b.Counts.Overdue, a.Counts.Overdue); c != 0 {
			return c
		}
		return cmp.Compare(b.Counts.AtRisk, a.Counts.AtRisk)
	})
	return out[:n]
}

// reviews makes ReviewByPlan and ReviewByUnit, the review tables' rows,
// from the charts' rows (what planDashHTML writes them from).
func (dp *planDashPage) reviews() {
	of := func(rows []stackRow) []reviewRow {
		rr := make([]reviewRow, len(rows))
		for i, r := range rows {
			rr[i] = reviewRow{Name: r.Name, Href: r.Href, Counts: r.Counts}
		}
		return rr
	}
	dp.ReviewByPlan, dp.ReviewByUnit = of(dp.ByPlan.Rows), of(dp.ByUnit.Rows)
}

// unitTasksURLs are the units' p.U("/tasks", "unit", id) without its map
// and sort, parts of one string: a province's 226 lead units' links were
// two small allocations each.
func (p *Page) unitTasksURLs(units []plans.UnitCount) []string {
	start := "/tasks?unit="
	if !p.IsToday() {
		start = "/tasks?d=" + url.QueryEscape(p.AsOf.String()) + "&unit="
	}
	b := make([]byte, 0, len(units)*(len(start)+12))
	ends := make([]int, len(units))
	for i, u := range units {
		b = strconv.AppendInt(append(b, start...), u.UnitID, 10)
		ends[i] = len(b)
	}
	all := bytesView(b) // b is not written again
	hrefs := make([]string, len(units))
	from := 0
	for i, end := range ends {
		hrefs[i], from = all[from:end], end
	}
	return hrefs
}

type taskPage struct {
	Page
	V       *plans.TaskView
	Form    map[string]string
	Period  string
	Periods []string
	// for the coordinator's forms: the units the task may be given to,
	// and the open plans it may be carried into
	Units []plans.UnitChoice
	Into  []plans.DocRow
	// a class task's units not done, a page of them
	NotDone       *plans.AssignmentPage
	PageNo, Pages int
	// the plan's groups, in order, to move the task into
	Groups []plans.GroupView
}

// notDonePageSize is how many units not done one page of a class task shows.
const notDonePageSize = 50

func (s *Server) taskData(r *http.Request, id int64) (*taskPage, error) {
	p := s.page(r, "")
	tp := &taskPage{Page: p, Form: map[string]string{}}
	var err error
	if tp.V, err = s.Plans.GetTask(r.Context(), p.Actor, id, p.AsOf); err != nil {
		return nil, err
	}
	tp.Title, tp.Nav = tp.V.Row.Title, "tasks"
	if tp.V.Row.LeadClass != "" {
		tp.PageNo, _ = strconv.Atoi(r.URL.Query().Get("page"))
		tp.PageNo = max(tp.PageNo, 1)
		if tp.NotDone, err = s.Plans.Assignments(r.Context(), p.Actor, id, p.AsOf, true, (tp.PageNo-1)*notDonePageSize, notDonePageSize); err != nil {
			return nil, err
		}
		tp.Pages = max(1, (tp.NotDone.Total+notDonePageSize-1)/notDonePageSize)
	}
	tp.Period = plans.ReportingPeriod(p.Today)
	y := p.Today.Year()
	tp.Periods = []string{fmt.Sprintf("%d-H1", y), fmt.Sprintf("%d-H2", y), fmt.Sprintf("%d-H2", y-1), fmt.Sprintf("%d-H1", y-1)}
	if tp.V.CanChange {
		res, err := s.Plans.Resolver(r.Context(), p.Actor, tp.V.Document.ID)
		if err != nil {
			return nil, err
		}
		tp.Units = res.Choices
		if tp.Groups, err = s.Plans.GroupsOf(r.Context(), p.Actor, tp.V.Document.ID); err != nil {
			return nil, err
		}
		docs, err := s.Plans.ListDocuments(r.Context(), p.Actor, p.Today)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if d.Full && !d.EndsOn.Before(p.Today) {
				tp.Into = append(tp.Into, d)
			}
		}
	}
	return tp, nil
}

// taskShow is a task with its deadlines, reports and contributions, and
// the forms its reader may use: report (the lead unit), review (the
// coordinator), contribute (a supporting unit).
func (s *Server) taskShow(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tp, err := s.taskData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "task", http.StatusOK, tp)
}

// taskAction runs a form of the task page and returns to it.
func (s *Server) taskAction(w http.ResponseWriter, r *http.Request, task int64, msg string, do func() error) {
	s.act(w, r, func() (string, string, error) {
		if err := do(); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/tasks/%d", task), msg, nil
	}, func(errors []string, form map[string]string) {
		tp, err := s.taskData(r, task)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		tp.Errors, tp.Form = errors, form
		s.render(w, r, "task", http.StatusUnprocessableEntity, tp)
	})
}

func (s *Server) taskReport(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.taskAction(w, r, id, "plans.reported", func() error {
		in := plans.ReportInput{Period: r.FormValue("period"), Status: plans.ReportStatus(r.FormValue("status")), Done: r.FormValue("done"),
			Obstacles: r.FormValue("obstacles"), Proposals: r.FormValue("proposals")}
		var err error
		if in.OccurrenceID, err = formInt64(r, "occurrence_id"); err != nil {
			return err
		}
		pct, err := formInt64(r, "percent")
		if err != nil || pct > 100 {
			return errs.Invalidf("plans.err.bad_percent").At(0, "percent")
		}
		in.Percent = int(pct)
		if in.CompletedOn, err = formDate(r, "completed_on", false); err != nil {
			return err
		}
		if r.MultipartForm != nil {
			for _, h := range r.MultipartForm.File["evidence"] {
				f, err := h.Open()
				if err != nil {
					return errs.Invalidf("files.err.unreadable").At(0, "evidence")
				}
				defer f.Close()
				in.Files = append(in.Files, plans.Upload{Name: h.Filename, Body: f})
			}
		}
		_, err = s.Plans.SubmitReport(r.Context(), httpx.Actor(r), id, in)
		return err
	})
}

func (s *Server) taskContribute(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.taskAction(w, r, id, "plans.contributed", func() error {
		in := plans.ContributionInput{Period: r.FormValue("period"), Body: r.FormValue("body")}
		var err error
		if in.UnitID, err = formInt64(r, "unit_id"); err != nil {
			return err
		}
		if f, h, err := r.FormFile("evidence"); err == nil {
			defer f.Close()
			in.File = &plans.Upload{Name: h.Filename, Body: f}
		}
		_, err = s.Plans.AddContribution(r.Context(), httpx.Actor(r), id, in)
		return err
	})
}

func (s *Server) reportReview(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	task, err := formInt64(r, "task_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.taskAction(w, r, task, "plans.reviewed", func() error {
		_, err := s.Plans.Review(r.Context(), httpx.Actor(r), id, plans.ReviewInput{Accept: r.FormValue("decision") == "accept", Comment: r.FormValue("comment")})
		return err
	})
}

type noticePage struct {
	Page
	Notes  []plans.Notification
	Unread int
}

func (s *Server) noticeList(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	np := &noticePage{Page: p}
	np.Title, np.Nav = p.L.T("notice.title"), "notifications"
	var err error
	if np.Notes, np.Unread, err = s.Plans.Notifications(r.Context(), p.Actor, 100); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "notifications", http.StatusOK, np)
}

// noticeCount is the menu's bell: the number of unread notifications,
// fetched by htmx after each page loads.
func (s *Server) noticeCount(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	n, err := s.Plans.Unread(r.Context(), p.Actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	np := &noticePage{Page: p, Unread: n}
	np.Partial = true
	s.render(w, r, "notifications_count", http.StatusOK, np)
}

func (s *Server) noticeRead(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		return "/notifications", "notice.all_read", s.Plans.MarkRead(r.Context(), httpx.Actor(r))
	}, func(errors []string, form map[string]string) {
		s.fail(w, r, errs.Invalidf("err.bad_request", "Reason", "mark read"))
	})
}

// TaskPeriod names a task's period (2026-H1, 2026-Q3, 2026, once) in the
// page's language.
func (p *Page) TaskPeriod(period string) string {
	kind, y, n := plans.PeriodParts(period)
	roman := []string{"", "I", "II", "III", "IV"}
	switch kind {
	case "quarter":
		return p.L.T("plans.period.quarter", "Q", roman[n], "N", n, "Year", y)
	case "once":
		return p.L.T("plans.period.once")
	}
	return p.L.T("plans.period."+kind, "Year", y)
}

func formWhy(r *http.Request) plans.Why {
	return plans.Why{Reason: r.FormValue("reason"), Decision: r.FormValue("decision_doc")}
}

// taskChange changes a confirmed task (the coordinator): only the fields
// typed in change, each with the reason and decision.
func (s *Server) taskChange(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.taskAction(w, r, id, "plans.changed", func() error {
		in := plans.TaskChange{Title: r.FormValue("title"), Why: formWhy(r)}
		if strings.TrimSpace(r.FormValue("lead_unit_id")) != "" {
			if in.LeadUnitID, err = formInt64(r, "lead_unit_id"); err != nil {
				return err
			}
		}
		if r.FormValue("support_set") != "" {
			ids := []int64{}
			for _, v := range r.Form["support_unit_ids"] {
				if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
					ids = append(ids, id)
				}
			}
			in.SupportIDs = &ids
		}
		if in.DueOn, err = formDate(r, "due_on", false); err != nil {
			return err
		}
		_, err := s.Plans.ChangeTask(r.Context(), httpx.Actor(r), id, in)
		return err
	})
}

// taskMove moves a task to another group of its plan or place in its group.
func (s *Server) taskMove(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.taskAction(w, r, id, "plans.moved", func() error {
		in := plans.TaskMove{Why: formWhy(r)}
		if in.GroupID, err = formInt64(r, "group_id"); err != nil {
			return err
		}
		pos, err := formInt64(r, "position")
		if err != nil {
			return err
		}
		in.Position = int(min(pos, 1<<20))
		_, err = s.Plans.MoveTask(r.Context(), httpx.Actor(r), id, in)
		return err
	})
}

func (s *Server) taskCancel(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.taskAction(w, r, id, "plans.cancelled", func() error {
		_, err := s.Plans.CancelTask(r.Context(), httpx.Actor(r), id, formWhy(r))
		return err
	})
}

// taskCarry carries a task over and shows the new task.
func (s *Server) taskCarry(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		in := plans.CarryInput{Why: formWhy(r)}
		var err error
		if in.DocumentID, err = formInt64(r, "document_id"); err != nil {
			return "", "", err
		}
		if in.DueOn, err = formDate(r, "due_on", false); err != nil {
			return "", "", err
		}
		t, err := s.Plans.CarryTask(r.Context(), httpx.Actor(r), id, in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/tasks/%d", t.ID), "plans.carried", nil
	}, func(errors []string, form map[string]string) {
		tp, err := s.taskData(r, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		tp.Errors, tp.Form = errors, form
		s.render(w, r, "task", http.StatusUnprocessableEntity, tp)
	})
}
