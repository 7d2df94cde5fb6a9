package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

type coursesPage struct {
	Page
	Year    int
	Years   []int
	Courses []people.CourseRow
}

func (s *Server) courseList(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	cp := &coursesPage{Page: p, Year: p.AsOf.Year()}
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		cp.Year = y
	}
	for y := p.Today.Year() + 1; y >= p.Today.Year()-4; y-- {
		cp.Years = append(cp.Years, y)
	}
	cp.Title, cp.Nav = p.L.T("training.title"), "training"
	var err error
	if cp.Courses, err = s.People.ListCourses(r.Context(), p.Actor, cp.Year); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "training", http.StatusOK, cp)
}

type courseFormPage struct {
	Page
	Form     map[string]string
	UnitName string
	Options  formOptions
}

func (s *Server) courseNew(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	fp := &courseFormPage{Page: p, Form: map[string]string{"organiser_unit_id": fmt.Sprint(p.Actor.ScopeUnitID), "format": "online"}, Options: options}
	fp.Title, fp.Nav = p.L.T("training.new"), "training"
	if snap, err := s.Org.Snapshot(r.Context()); err == nil {
		fp.UnitName = snap.Latest(p.Actor.ScopeUnitID).Name
	}
	s.render(w, r, "course_form", http.StatusOK, fp)
}

func (s *Server) courseCreate(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		in := people.CourseInput{Title: r.FormValue("title"), Provider: r.FormValue("provider"), Platform: r.FormValue("platform"), Format: r.FormValue("format")}
		var err error
		if in.Start, err = formDate(r, "start_date", true); err != nil {
			return "", "", err
		}
		if in.End, err = formDate(r, "end_date", false); err != nil {
			return "", "", err
		}
		if in.Hours, err = formFloat(r, "hours"); err != nil {
			return "", "", err
		}
		if in.OrganiserID, err = formInt64(r, "organiser_unit_id"); err != nil {
			return "", "", err
		}
		c, err := s.People.CreateCourse(r.Context(), httpx.Actor(r), in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/training/%d", c.ID), "training.created", nil
	}, func(errors []string, form map[string]string) {
		p := s.page(r, "")
		fp := &courseFormPage{Page: p, Form: form, Options: options}
		fp.Title, fp.Nav, fp.Errors = p.L.T("training.new"), "training", errors
		s.render(w, r, "course_form", http.StatusUnprocessableEntity, fp)
	})
}

type coursePage struct {
	Page
	V     *people.CourseView
	Units map[int64]*org.Version
	Done  int
	Form  map[string]string
	// The learners shown: one page of those the search and the status
	// filter keep. A course of a whole province has thousands, each with
	// its form; all at once made 1.45 MB of HTML.
	Q        string
	Status   string
	Statuses []people.EnrolStatus
	Shown    []people.Participant
	Matched  int
	PageNo   int
	Pages    int
}

// coursePageSize is how many learners one page of a course shows.
const coursePageSize = 50

func (s *Server) courseData(r *http.Request, id int64) (*coursePage, error) {
	p := s.page(r, "")
	v, err := s.People.GetCourse(r.Context(), p.Actor, id)
	if err != nil {
		return nil, err
	}
	snap, err := s.Org.Snapshot(r.Context())
	if err != nil {
		return nil, err
	}
	cp := &coursePage{Page: p, V: v, Units: map[int64]*org.Version{}, Form: map[string]string{}}
	cp.Title, cp.Nav = v.Course.Title, "training"
	cp.Units[v.Course.OrganiserID] = snap.Latest(v.Course.OrganiserID)
	q := r.URL.Query()
	cp.Q, cp.Status = strings.TrimSpace(q.Get("q")), q.Get("status")
	cp.Statuses = []people.EnrolStatus{people.Enrolled, people.Completed, people.Dropped}
	words := strings.Fields(locale.Fold(cp.Q))
	var kept []people.Participant
	for _, pt := range v.Participants {
		if pt.Status == people.Completed {
			cp.Done++
		}
		if cp.Status != "" && string(pt.Status) != cp.Status {
			continue
		}
		if len(words) > 0 {
			hay := locale.Fold(pt.Name + " " + pt.Title)
			if u := snap.Latest(pt.UnitID); u != nil {
				hay += " " + locale.Fold(u.Name)
			}
			if !containsAll(hay, words) {
				continue
			}
		}
		kept = append(kept, pt)
	}
	cp.Matched = len(kept)
	cp.Pages = max(1, (len(kept)+coursePageSize-1)/coursePageSize)
	cp.PageNo, _ = strconv.Atoi(q.Get("page"))
	cp.PageNo = min(max(cp.PageNo, 1), cp.Pages)
	cp.Shown = kept[(cp.PageNo-1)*coursePageSize : min(len(kept), cp.PageNo*coursePageSize)]
	for _, pt := range cp.Shown {
		cp.Units[pt.UnitID] = snap.Latest(pt.UnitID)
	}
	return cp, nil
}

// containsAll reports whether every word is in hay (both folded).
func containsAll(hay string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

func (s *Server) courseShow(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cp, err := s.courseData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "course", http.StatusOK, cp)
}

// courseAction runs a form of the course page and returns to it.
func (s *Server) courseAction(w http.ResponseWriter, r *http.Request, course int64, do func() error) {
	s.act(w, r, func() (string, string, error) {
		if err := do(); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/training/%d", course), "training.saved", nil
	}, func(errors []string, form map[string]string) {
		cp, err := s.courseData(r, course)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cp.Errors, cp.Form = errors, form
		s.render(w, r, "course", http.StatusUnprocessableEntity, cp)
	})
}

func (s *Server) courseEnrol(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.courseAction(w, r, id, func() error {
		person, err := formInt64(r, "person_id")
		if err != nil {
			return err
		}
		if person == 0 {
			return errs.Invalidf("import.err.required").At(0, "person_id")
		}
		_, err = s.People.Enrol(r.Context(), httpx.Actor(r), id, []int64{person})
		return err
	})
}

// enrolmentUpdate records a participant's completion (with an optional
// certificate) or withdrawal.
func (s *Server) enrolmentUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	course, err := formInt64(r, "course_id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.courseAction(w, r, course, func() error {
		on, err := formDate(r, "completed_on", false)
		if err != nil {
			return err
		}
		var cert *people.Upload
		if f, h, err := r.FormFile("certificate"); err == nil {
			defer f.Close()
			cert = &people.Upload{Name: h.Filename, Body: f}
		}
		return s.People.Complete(r.Context(), httpx.Actor(r), id, people.EnrolStatus(r.FormValue("status")), on, cert)
	})
}

// fileDownload sends an evidence file the user's scope covers.
func (s *Server) fileDownload(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, data, err := s.Files.Open(r.Context(), httpx.Actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, f.Name, f.ContentType, data)
}
