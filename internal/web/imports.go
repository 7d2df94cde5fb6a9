package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/imports"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/progress"
)

// Every sheet import of the pages runs as an import job (issue 12): the
// request reads the file (within its bound), starts the job and waits a
// little for it. A small sheet's job ends in that time and its result is
// the answer, as before; a large one's answer is its page, /imports/{id},
// which shows its progress (polled, from whichever server) until it ends
// on the same result. One path serves both.

// smallSheet is the size of file whose import the request always waits
// for: a few hundred rows, done in a moment.
const smallSheet = 64 << 10

// registerImports adds the page of an import job.
func (s *Server) registerImports(page routes) {
	page("GET", "/imports/{id}", s.importJobShow)
}

// jobResult is what a job of the pages keeps as its result: the answer the
// import page gives (its status, the kind's own data, the notices in each
// language and the form as it was sent).
type jobResult struct {
	Status int                 `json:"status"`
	Data   json.RawMessage     `json:"data"`
	Notes  map[string][]string `json:"notes,omitempty"`
	Form   map[string]string   `json:"form,omitempty"`
}

// importJob is an import of the pages to run as a job.
type importJob struct {
	kind string
	unit int64  // the unit whose data it writes: those whose scope holds it may follow it
	file string // the file's name
	size int    // the file's size
	form map[string]string
	// work runs the import: its result data, notices (rows normalised,
	// skipped…) and error.
	work func(ctx context.Context) (data any, notes []*errs.Error, err error)
	// errors is what the import page lists for a problem of the user's.
	errors func(p *locale.Printer, err error) []string
}

// importKind is how a kind of job is shown.
type importKind struct {
	title, nav, back string
	// show renders the kind's import page with a finished job's result.
	show func(s *Server, w http.ResponseWriter, r *http.Request, j *imports.Job, res *jobResult, status int)
}

var importKinds = map[string]importKind{}

func init() {
	importKinds["people"] = importKind{"people.import", "people", "/people/import", (*Server).peopleJobShow}
	importKinds["values"] = importKind{"forms.import", "indicators", "/forms/import", (*Server).valuesJobShow}
	for _, k := range []string{"villages", "teams", "members"} {
		importKinds[k] = importKind{"network.import_title", "network", "/network/import", (*Server).networkJobShow}
	}
	importKinds["units"] = importKind{"import.title", "import", "/admin/import", (*Server).unitsJobShow}
}

// startImport starts j and answers: the result if the job ended while the
// request waited, else a redirect to the job's page.
func (s *Server) startImport(w http.ResponseWriter, r *http.Request, j importJob) {
	actor := httpx.Actor(r)
	id, err := s.Imports.Start(r.Context(), actor, j.kind, j.unit, j.file, func(ctx context.Context) (imports.Outcome, error) {
		data, notes, err := j.work(ctx)
		res := &jobResult{Status: http.StatusOK, Form: j.form}
		var out imports.Outcome
		if err != nil {
			switch errs.KindOf(err) {
			case errs.Internal:
				return out, err
			case errs.Invalid, errs.Conflict, errs.NotFound: // a unit the form names that is not there
				res.Status = http.StatusUnprocessableEntity
			default:
				res.Status = errs.Status(err)
			}
			out.Errors = map[string][]string{}
			for _, l := range imports.Languages {
				p := s.Catalog.Printer(l)
				if res.Status == http.StatusUnprocessableEntity {
					out.Errors[l] = j.errors(p, err)
				} else {
					out.Errors[l] = []string{p.Err(err)}
				}
			}
		}
		if len(notes) > 0 {
			res.Notes = map[string][]string{}
			for _, l := range imports.Languages {
				p := s.Catalog.Printer(l)
				for _, n := range notes {
					res.Notes[l] = append(res.Notes[l], p.Err(n))
				}
			}
		}
		if res.Data, err = json.Marshal(data); err != nil {
			return out, err
		}
		out.Result = res
		return out, nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wait := s.ImportWait
	if wait <= 0 {
		wait = time.Second
	}
	if j.size <= smallSheet {
		wait = time.Minute
	}
	s.Imports.Wait(id, wait)
	job, err := s.Imports.Get(r.Context(), actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if job.Status == imports.Running {
		http.Redirect(w, r, "/imports/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	s.showJob(w, r, job, true)
}

// importJobShow is a job's page: its progress while it runs (the page
// polls it; htmx asks for the progress alone and is told to reload the
// page once the job has ended), then the import's result.
func (s *Server) importJobShow(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, errs.NotFoundErr())
		return
	}
	job, err := s.Imports.Get(r.Context(), httpx.Actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if job.Status != imports.Running && r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Refresh", "true")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.showJob(w, r, job, false)
}

// jobPage is the page of a running job, or of one that ended without a
// result (interrupted by a stopped server, or failed for a reason that is
// not the user's).
type jobPage struct {
	Page
	Job  *imports.Job
	Back string
}

// Phases lists the phases with whether each is done or current.
func (p *jobPage) Phases() []jobPhase {
	order := []progress.Phase{progress.Reading, progress.Checking, progress.Writing}
	at := 0
	for i, ph := range order {
		if ph == p.Job.Phase {
			at = i
		}
	}
	var out []jobPhase
	for i, ph := range order {
		out = append(out, jobPhase{Name: p.L.T("imports.phase_" + string(ph)), Current: i == at, Done: i < at})
	}
	return out
}

type jobPhase struct {
	Name          string
	Current, Done bool
}

// Percent is the job's whole progress, 0 to 100: reading is the first
// twentieth, checking up to 45 %, writing the rest.
func (p *jobPage) Percent() int {
	j := p.Job
	frac := 0.0
	if j.Total > 0 {
		frac = float64(min(j.Done, j.Total)) / float64(j.Total)
	}
	switch j.Phase {
	case progress.Checking:
		return 5 + int(40*frac)
	case progress.Writing:
		return 45 + int(55*frac)
	}
	return 0
}

// Said is the job's progress in words: "Đã kiểm tra 12.000/20.000 dòng".
func (p *jobPage) Said() string {
	j := p.Job
	if j.Phase == progress.Reading || j.Total == 0 {
		return p.L.T("imports.said_reading", "File", j.FileName)
	}
	return p.L.T("imports.said_"+string(j.Phase), "Done", p.L.Int(j.Done), "Total", p.L.Int(j.Total))
}

func (s *Server) showJob(w http.ResponseWriter, r *http.Request, job *imports.Job, answer bool) {
	kind, ok := importKinds[job.Kind]
	if !ok {
		s.fail(w, r, errs.NotFoundErr())
		return
	}
	var res jobResult
	if job.Status != imports.Running {
		if err := json.Unmarshal(job.Result, &res); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if job.Status == imports.Running || res.Status == 0 {
		p := &jobPage{Page: s.page(r, ""), Job: job, Back: kind.back}
		p.Title, p.Nav = p.L.T(kind.title), kind.nav
		status := http.StatusOK
		if job.Status == imports.Running {
			p.Refresh = 2
		} else {
			p.Errors = job.Errors[p.L.Lang]
			if answer {
				status = http.StatusInternalServerError
			}
		}
		s.render(w, r, "import_job", status, p)
		return
	}
	status := http.StatusOK
	if answer {
		status = res.Status
	}
	kind.show(s, w, r, job, &res, status)
}

// asOf is the date the import was sent with (the page's as-of date).
func (res *jobResult) asOf(p *Page) {
	if d, err := day.Parse(res.Form["d"]); err == nil && res.Form["d"] != "" {
		p.AsOf = d
	}
}
