package web

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/plans"
	"github.com/mangluoi/mangluoi/internal/plans/parse"
	"github.com/mangluoi/mangluoi/internal/report"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// registerPlans adds the pages of documents, plans, tasks, progress
// reports and notifications.
func (s *Server) registerPlans(page routes) {
	page("GET", "/plans", s.planList)
	page("POST", "/plans", s.planCreate, takesFiles)
	page("GET", "/plans/dashboard", s.cached(s.planDashboard))
	page("GET", "/plans/overdue", s.planOverdue)
	page("GET", "/plans/{id}", s.planShow)
	page("POST", "/plans/{id}/draft", s.planDraft, takesFiles)
	page("POST", "/plans/{id}/confirm", s.planConfirm)
	page("POST", "/plans/{id}/edit", s.planEdit)
	page("POST", "/plans/{id}/tasks", s.planAddTask)
	page("POST", "/plans/{id}/groups", s.planAddGroup)
	page("POST", "/plans/{id}/targets", s.planAddTarget)
	page("GET", "/plans/{id}/annex.xlsx", s.planAnnex)
	page("GET", "/tasks", s.cached(s.taskList))
	page("GET", "/tasks/{id}", s.taskShow)
	page("POST", "/tasks/{id}/reports", s.taskReport, takesFiles)
	page("POST", "/tasks/{id}/contributions", s.taskContribute, takesFiles)
	page("POST", "/tasks/{id}/change", s.taskChange)
	page("POST", "/tasks/{id}/cancel", s.taskCancel)
	page("POST", "/tasks/{id}/move", s.taskMove)
	page("POST", "/plans/{id}/arrange", s.planArrange)
	page("POST", "/plans/{id}/renumber", s.planRenumber)
	page("POST", "/tasks/{id}/carry", s.taskCarry)
	page("POST", "/reports/{id}/review", s.reportReview)
	page("GET", "/notifications", s.noticeList)
	page("GET", "/notifications/count", s.noticeCount)
	page("POST", "/notifications/read", s.noticeRead)
}

type planListPage struct {
	Page
	Docs    []plans.DocRow
	Form    map[string]string
	Types   []plans.DocType
	Unread  int
	Pending int
}

func (s *Server) planListData(r *http.Request) (*planListPage, error) {
	p := s.page(r, "")
	lp := &planListPage{Page: p, Form: map[string]string{}, Types: plans.DocTypes}
	lp.Title, lp.Nav = p.L.T("plans.title"), "plans"
	var err error
	if lp.Docs, err = s.Plans.ListDocuments(r.Context(), p.Actor, p.AsOf); err != nil {
		return nil, err
	}
	return lp, nil
}

// planList lists the documents in a chain, with each plan's counts.
func (s *Server) planList(w http.ResponseWriter, r *http.Request) {
	lp, err := s.planListData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lp.Form["type"] = "plan"
	lp.Form["owner_unit_id"] = fmt.Sprint(lp.Actor.ScopeUnitID)
	s.render(w, r, "plans", http.StatusOK, lp)
}

func (s *Server) planCreate(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		in := plans.DocumentInput{Number: r.FormValue("number"), Type: plans.DocType(r.FormValue("type")), Title: r.FormValue("title"),
			Issuer: r.FormValue("issuer"), Signer: r.FormValue("signer"), Fields: r.FormValue("fields")}
		var err error
		if in.IssuedOn, err = formDate(r, "issued_on", true); err != nil {
			return "", "", err
		}
		if in.EffectiveOn, err = formDate(r, "effective_on", false); err != nil {
			return "", "", err
		}
		if in.StartsOn, err = formDate(r, "starts_on", false); err != nil {
			return "", "", err
		}
		if in.EndsOn, err = formDate(r, "ends_on", false); err != nil {
			return "", "", err
		}
		if in.ParentID, err = formInt64(r, "implements_id"); err != nil {
			return "", "", err
		}
		if in.OwnerUnitID, err = formInt64(r, "owner_unit_id"); err != nil {
			return "", "", err
		}
		if f, h, err := r.FormFile("file"); err == nil {
			defer f.Close()
			in.File = &plans.Upload{Name: h.Filename, Body: f}
		}
		d, err := s.Plans.CreateDocument(r.Context(), httpx.Actor(r), in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/plans/%d", d.ID), "plans.created", nil
	}, func(errors []string, form map[string]string) {
		lp, err := s.planListData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		lp.Errors, lp.Form = errors, form
		s.render(w, r, "plans", http.StatusUnprocessableEntity, lp)
	})
}

type planPage struct {
	Page
	V         *plans.PlanView
	Reports   []report.Report
	Filter    plans.Filter
	Statuses  []plans.Status
	Schedules []plans.Schedule
	Form      map[string]string
	Choices   []plans.UnitChoice
	// for the details form: the document types and the documents this one
	// may implement
	Types []plans.DocType
	Docs  []plans.DocRow
	// Review is the review's table: each pillar, its groups indented
	Review []reviewRow
	// for the coordinator: every group of the plan, in order, and what
	// was rearranged, said
	AllGroups    []plans.GroupView
	GroupChanges []string
}

// reviewRow is a line of the review's table ("đã triển khai 11/21"): a
// pillar or group, a plan or a lead unit, with its counts.
type reviewRow struct {
	Name, Href string
	Depth      int
	Pillar     bool // a pillar's line, over its groups
	Counts     plans.Counts
}

// groupRows are a plan's groups as the review's lines.
func groupRows(l *locale.Printer, v *plans.PlanView) []reviewRow {
	var out []reviewRow
	for _, g := range v.Groups {
		name := g.Title
		if name == "" {
			name = l.T("plans.group.other")
		}
		if g.Code != "" {
			name = g.Code + ". " + name
		}
		out = append(out, reviewRow{Name: name, Depth: min(g.Depth, 3), Pillar: g.Depth == 0 && g.ID != 0, Counts: g.Counts})
	}
	return out
}

func (s *Server) filter(r *http.Request) plans.Filter {
	q := r.URL.Query()
	f := plans.Filter{Status: plans.Status(q.Get("status"))}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	f.Window, _ = strconv.Atoi(q.Get("window"))
	if f.Window < 0 || f.Window > 3660 {
		f.Window = 0
	}
	if !oneOfStatus(f.Status) {
		f.Status = ""
	}
	return f
}

func oneOfStatus(s plans.Status) bool {
	for _, x := range plans.Statuses {
		if s == x {
			return true
		}
	}
	return false
}

func (s *Server) planData(r *http.Request, id int64) (*planPage, error) {
	p := s.page(r, "")
	pp := &planPage{Page: p, Filter: s.filter(r), Statuses: plans.Statuses, Schedules: plans.Schedules, Form: map[string]string{}}
	var err error
	if pp.V, err = s.Plans.Plan(r.Context(), p.Actor, id, p.AsOf, pp.Filter); err != nil {
		return nil, err
	}
	pp.Title, pp.Nav = pp.V.Document.Number, "plans"
	pp.Review = groupRows(p.L, pp.V)
	if pp.Reports, err = s.Reports.ReportsOn(r.Context(), p.Actor, id); err != nil { // the reports on this plan, in its chain
		return nil, err
	}
	if pp.V.Manageable {
		if res, err := s.Plans.Resolver(r.Context(), p.Actor, id); err == nil {
			pp.Choices = res.Choices
		}
		if pp.AllGroups, err = s.Plans.GroupsOf(r.Context(), p.Actor, id); err != nil {
			return nil, err
		}
		changes, err := s.Plans.GroupChanges(r.Context(), p.Actor, id)
		if err != nil {
			return nil, err
		}
		title := map[int64]string{}
		for _, g := range pp.AllGroups {
			title[g.ID] = g.Title
		}
		for _, c := range changes {
			before, after := c.Before, c.After
			if c.Kind == "parent" {
				if before == "" {
					before = p.L.T("plans.gchange.top")
				}
				if after == "" {
					after = p.L.T("plans.gchange.top")
				}
			}
			line := p.L.T("plans.gchange."+c.Kind, "Group", title[c.GroupID], "Before", before, "After", after)
			if c.Decision != "" {
				line += " " + p.L.T("plans.change.by_decision", "Decision", c.Decision)
			}
			pp.GroupChanges = append(pp.GroupChanges, line+". "+p.L.T("plans.change.reason_is", "Reason", c.Reason)+" · "+p.L.Date(c.ChangedOn))
		}
		docs, err := s.Plans.ListDocuments(r.Context(), p.Actor, p.Today)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if d.ID != id {
				pp.Docs = append(pp.Docs, d)
			}
		}
		pp.Types = plans.DocTypes
		d := pp.V.Document
		for k, v := range map[string]string{"number": d.Number, "type": string(d.Type), "title": d.Title, "issuer": d.Issuer, "signer": d.Signer,
			"issued_on": d.IssuedOn.VN(), "starts_on": d.StartsOn.VN(), "ends_on": d.EndsOn.VN(), "fields": d.Fields} {
			pp.Form["doc_"+k] = v
		}
		if d.ParentID != 0 {
			pp.Form["doc_implements_id"] = strconv.FormatInt(d.ParentID, 10)
		}
	}
	return pp, nil
}

// planShow is a plan: its place in the chain, targets, and its groups of
// tasks with their status on the page's date, filtered by unit, status or
// deadline window.
func (s *Server) planShow(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pp, err := s.planData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "plan", http.StatusOK, pp)
}

// draftRow is one task of a draft as the form holds it.
type draftRow struct {
	I                                int
	Include                          bool
	Pillar, Group, Code, Title, Desc string
	Lead, Support                    string
	Schedule, Due, Output            string
	Dates                            string // every date of a deadline that names several
	Notes                            []string
}

type draftPage struct {
	Page
	V         *plans.PlanView
	Rows      []draftRow
	Warnings  []string
	Meta      parse.Meta
	Choices   []plans.UnitChoice
	Schedules []plans.Schedule
	Targets   []parse.Target
}

// planDraft reads pasted text, or an uploaded spreadsheet, into a draft
// the coordinator corrects and confirms. Nothing is stored.
func (s *Server) planDraft(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil && err != http.ErrNotMultipart {
		s.fail(w, r, errs.Invalidf("err.bad_request", "Reason", err.Error()))
		return
	}
	p := s.page(r, "")
	if f, h, ferr := r.FormFile("file"); ferr == nil {
		defer f.Close()
		_, err := s.Plans.ImportTasks(r.Context(), p.Actor, id, f, h.Filename)
		if err != nil {
			s.reshowPlan(w, r, id, err)
			return
		}
		flash(w, p.L.T("plans.imported"))
		http.Redirect(w, r, fmt.Sprintf("/plans/%d", id), http.StatusSeeOther)
		return
	}
	d, err := s.Plans.ParseText(r.Context(), p.Actor, id, r.FormValue("text"))
	if err != nil {
		s.reshowPlan(w, r, id, err)
		return
	}
	dp, err := s.draftData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dp.Meta, dp.Targets = d.Meta, d.Targets
	notes := map[int][]string{}
	for _, wn := range d.Warnings {
		msg := p.L.TData(wn.Key, wn.Args)
		if wn.Line > 0 {
			notes[wn.Line] = append(notes[wn.Line], msg)
		}
		if wn.Line == 0 || len(dp.Warnings) < 200 {
			line := msg
			if wn.Line > 0 {
				line = p.L.T("plans.draft.line", "Line", wn.Line) + ": " + msg
			}
			dp.Warnings = append(dp.Warnings, line)
		}
	}
	for _, g := range d.Groups {
		group, pillar := plans.DraftGroup(d, g)
		for _, t := range g.Tasks {
			row := draftRow{I: len(dp.Rows), Include: true, Pillar: pillar, Group: group, Code: t.Code, Title: t.Title, Desc: t.Description,
				Lead: t.Lead, Support: strings.Join(append(append([]string{}, t.Support...), t.SupportWords...), "; "), Schedule: t.Deadline.Schedule,
				Output: t.Output, Notes: notes[t.Line]}
			for i, dd := range t.Deadline.Dates {
				if i > 0 {
					row.Dates += "; "
				}
				row.Dates += dd.String()
			}
			if row.Schedule == "" {
				row.Schedule = string(plans.Once)
			}
			if !t.Deadline.Due.IsZero() {
				row.Due = t.Deadline.Due.VN()
			}
			dp.Rows = append(dp.Rows, row)
		}
	}
	s.render(w, r, "plan_draft", http.StatusOK, dp)
}

func (s *Server) draftData(r *http.Request, id int64) (*draftPage, error) {
	p := s.page(r, "")
	v, err := s.Plans.Plan(r.Context(), p.Actor, id, p.AsOf, plans.Filter{})
	if err != nil {
		return nil, err
	}
	res, err := s.Plans.Resolver(r.Context(), p.Actor, id)
	if err != nil {
		return nil, err
	}
	dp := &draftPage{Page: p, V: v, Choices: res.Choices, Schedules: plans.Schedules}
	dp.Title, dp.Nav = p.L.T("plans.draft.title", "Number", v.Document.Number), "plans"
	return dp, nil
}

// reshowPlan shows the plan page again with the errors of a form.
func (s *Server) reshowPlan(w http.ResponseWriter, r *http.Request, id int64, err error) {
	switch errs.KindOf(err) {
	case errs.Invalid, errs.Conflict:
	default:
		s.fail(w, r, err)
		return
	}
	pp, perr := s.planData(r, id)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	pp.Errors, pp.Form = s.printer(r).Errs(err), formValues(r)
	s.render(w, r, "plan", http.StatusUnprocessableEntity, pp)
}

// planConfirm creates the tasks of a corrected draft, all or none.
func (s *Server) planConfirm(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows []draftRow
	s.act(w, r, func() (string, string, error) {
		actor := httpx.Actor(r)
		res, err := s.Plans.Resolver(r.Context(), actor, id)
		if err != nil {
			return "", "", err
		}
		n, _ := strconv.Atoi(r.FormValue("n"))
		if n < 0 || n > 5000 {
			return "", "", errs.Invalidf("plans.err.too_many_tasks", "Max", 5000)
		}
		var ins []plans.TaskInput
		var bad []*errs.Error
		for i := 0; i < n; i++ {
			k := func(name string) string { return r.FormValue(fmt.Sprintf("%s_%d", name, i)) }
			row := draftRow{I: i, Include: k("inc") != "", Pillar: k("pillar"), Group: k("group"), Code: k("code"), Title: k("title"), Desc: k("desc"),
				Lead: k("lead"), Support: k("support"), Schedule: k("schedule"), Due: k("due"), Output: k("output")}
			rows = append(rows, row)
			if !row.Include {
				continue
			}
			in := plans.TaskInput{Pillar: row.Pillar, Group: row.Group, Code: row.Code, Title: row.Title, Description: row.Desc, Schedule: plans.Schedule(row.Schedule), Output: row.Output}
			if !res.Lead(row.Lead, &in) && strings.TrimSpace(row.Lead) != "" {
				bad = append(bad, errs.Invalidf("plans.err.unknown_unit_name", "Name", row.Lead).At(i+1, "lead"))
			}
			ids, unknown := res.Units(row.Support)
			for _, u := range unknown {
				bad = append(bad, errs.Invalidf("plans.err.unknown_unit_name", "Name", u).At(i+1, "support"))
			}
			in.SupportIDs = ids
			if in.Schedule == plans.Once && strings.TrimSpace(row.Due) != "" {
				d, err := day.Parse(strings.TrimSpace(row.Due))
				if err != nil {
					bad = append(bad, errs.Invalidf("err.bad_date", "Value", row.Due).At(i+1, "due_on"))
				}
				in.DueOn = d
			}
			ins = append(ins, in)
		}
		if len(bad) > 0 {
			return "", "", errs.List("err.form", bad)
		}
		if len(ins) == 0 {
			return "", "", errs.Invalidf("plans.err.no_tasks")
		}
		if _, err := s.Plans.AddTasks(r.Context(), actor, id, ins); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/plans/%d", id), "plans.confirmed", nil
	}, func(errors []string, form map[string]string) {
		dp, err := s.draftData(r, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		dp.Errors, dp.Rows = errors, rows
		s.render(w, r, "plan_draft", http.StatusUnprocessableEntity, dp)
	})
}

// planAction runs a form of the plan page and returns to it.
func (s *Server) planAction(w http.ResponseWriter, r *http.Request, do func(id int64) error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		if err := do(id); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/plans/%d", id), "plans.saved", nil
	}, func(errors []string, form map[string]string) {
		pp, err := s.planData(r, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pp.Errors, pp.Form = errors, form
		s.render(w, r, "plan", http.StatusUnprocessableEntity, pp)
	})
}

func (s *Server) planAddTask(w http.ResponseWriter, r *http.Request) {
	s.planAction(w, r, func(id int64) error {
		actor := httpx.Actor(r)
		res, err := s.Plans.Resolver(r.Context(), actor, id)
		if err != nil {
			return err
		}
		in := plans.TaskInput{Group: r.FormValue("group"), Code: r.FormValue("code"), Title: r.FormValue("title"), Description: r.FormValue("description"),
			Schedule: plans.Schedule(r.FormValue("schedule")), Output: r.FormValue("output")}
		if in.GroupID, err = formInt64(r, "group_id"); err != nil {
			return err
		}
		if lead := r.FormValue("lead"); lead != "" {
			if !res.Lead(lead, &in) {
				return errs.Invalidf("plans.err.unknown_unit_name", "Name", lead).At(0, "lead")
			}
			in.ClassLater = in.LeadClass != "" && r.FormValue("class_later") != ""
		}
		ids, unknown := res.Units(r.FormValue("support"))
		if len(unknown) > 0 {
			return errs.Invalidf("plans.err.unknown_unit_name", "Name", unknown[0]).At(0, "support")
		}
		in.SupportIDs = ids
		if in.DueOn, err = formDate(r, "due_on", false); err != nil {
			return err
		}
		_, err = s.Plans.AddTask(r.Context(), actor, id, in)
		return err
	})
}

func (s *Server) planAddGroup(w http.ResponseWriter, r *http.Request) {
	s.planAction(w, r, func(id int64) error {
		_, err := s.Plans.AddGroup(r.Context(), httpx.Actor(r), id, plans.GroupInput{Code: r.FormValue("code"), Title: r.FormValue("title")})
		return err
	})
}

func (s *Server) planAddTarget(w http.ResponseWriter, r *http.Request) {
	s.planAction(w, r, func(id int64) error {
		in := plans.TargetInput{Title: r.FormValue("title"), IndicatorCode: r.FormValue("indicator_code"), Measure: r.FormValue("measure")}
		var err error
		if in.DueOn, err = formDate(r, "due_on", false); err != nil {
			return err
		}
		if strings.TrimSpace(r.FormValue("goal")) != "" {
			g, err := formFloat(r, "goal")
			if err != nil {
				return err
			}
			in.Goal = &g
		}
		_, err = s.Plans.AddTarget(r.Context(), httpx.Actor(r), id, in)
		return err
	})
}

// planAnnex sends the plan with its progress as an annex to a report.
func (s *Server) planAnnex(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "")
	var buf bytes.Buffer
	if err := s.Plans.ExportAnnex(r.Context(), p.Actor, id, p.AsOf, p.L, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("phu-luc-ke-hoach", strconv.FormatInt(id, 10), p.AsOf.String()), sheet.XLSXType, buf.Bytes())
}

// planEdit changes a document's details, with a reason.
func (s *Server) planEdit(w http.ResponseWriter, r *http.Request) {
	s.planAction(w, r, func(id int64) error {
		in := plans.DocumentChange{DocumentInput: plans.DocumentInput{Number: r.FormValue("number"), Type: plans.DocType(r.FormValue("type")),
			Title: r.FormValue("title"), Issuer: r.FormValue("issuer"), Signer: r.FormValue("signer"), Fields: r.FormValue("fields")},
			Why: plans.Why{Reason: r.FormValue("reason"), Decision: r.FormValue("decision_doc")}}
		var err error
		if in.IssuedOn, err = formDate(r, "issued_on", true); err != nil {
			return err
		}
		if in.StartsOn, err = formDate(r, "starts_on", false); err != nil {
			return err
		}
		if in.EndsOn, err = formDate(r, "ends_on", false); err != nil {
			return err
		}
		if in.ParentID, err = formInt64(r, "implements_id"); err != nil {
			return err
		}
		_, err = s.Plans.ChangeDocument(r.Context(), httpx.Actor(r), id, in)
		return err
	})
}

// planArrange moves a group under another (or makes it a pillar) or to
// another place.
func (s *Server) planArrange(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		gid, err := formInt64(r, "group_id")
		if err != nil {
			return "", "", err
		}
		in := plans.GroupMove{Why: formWhy(r)}
		if in.ParentID, err = formInt64(r, "parent_id"); err != nil {
			return "", "", err
		}
		pos, err := formInt64(r, "position")
		if err != nil {
			return "", "", err
		}
		in.Position = int(min(pos, 1<<20))
		// the form moves a group of this plan only
		groups, err := s.Plans.GroupsOf(r.Context(), httpx.Actor(r), id)
		if err != nil {
			return "", "", err
		}
		if !slices.ContainsFunc(groups, func(g plans.GroupView) bool { return g.ID == gid }) {
			return "", "", errs.Invalidf("plans.err.group_outside_plan", "ID", gid).At(0, "group_id")
		}
		if _, err := s.Plans.MoveGroup(r.Context(), httpx.Actor(r), gid, in); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/plans/%d#arrange", id), "plans.moved", nil
	}, func(errors []string, form map[string]string) {
		s.reshowPlanErrors(w, r, id, errors, form)
	})
}

// planRenumber renumbers a plan's groups and tasks to follow their order.
func (s *Server) planRenumber(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		if _, err := s.Plans.Renumber(r.Context(), httpx.Actor(r), id, formWhy(r)); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/plans/%d#arrange", id), "plans.moved", nil
	}, func(errors []string, form map[string]string) {
		s.reshowPlanErrors(w, r, id, errors, form)
	})
}

func (s *Server) reshowPlanErrors(w http.ResponseWriter, r *http.Request, id int64, errors []string, form map[string]string) {
	pp, err := s.planData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pp.Errors, pp.Form = errors, form
	s.render(w, r, "plan", http.StatusUnprocessableEntity, pp)
}
