package api

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// RoleEnd ends a role on a date.
type RoleEnd struct {
	Date day.Day `json:"date"`
	Note string  `json:"note"`
}

// RoleFill gives a vacancy to a person.
type RoleFill struct {
	PersonID int64   `json:"person_id"`
	Date     day.Day `json:"date"`
	Decision string  `json:"decision"`
}

// MemberEnd ends a committee seat on a date.
type MemberEnd struct {
	Date day.Day `json:"date"`
}

// EnrolInput puts people on a course.
type EnrolInput struct {
	PersonIDs []int64 `json:"person_ids"`
}

// EnrolResult says how many were added.
type EnrolResult struct {
	Added int `json:"added"`
}

// CourseList is the courses of a year.
type CourseList struct {
	Year    int                `json:"year"`
	Courses []people.CourseRow `json:"courses"`
}

// TargetList is the active targets.
type TargetList struct {
	Targets []people.Target `json:"targets"`
}

// Trend is each target's rate over recent quarters.
type Trend struct {
	Points map[string][]people.TrendPoint `json:"points"`
}

func (a *API) registerPeople() {
	d := httpx.Param{Name: "d", Type: "string", Format: "date", Description: "as of this date (yyyy-mm-dd); today if absent"}
	unit := httpx.Param{Name: "unit", Type: "integer", Description: "a unit of your scope (default: your scope)"}
	route(a, "GET", "/people", httpx.Doc{Summary: "Find people working in your scope", Tag: "people",
		Query: []httpx.Param{d, unit, {Name: "q", Type: "string", Description: "name, diacritics optional"},
			{Name: "role", Type: "string", Description: "any (any DX role), leader, focal, staff, or none"},
			{Name: "training", Type: "string", Description: "trained or untrained (this year)"},
			{Name: "limit", Type: "integer"}, {Name: "offset", Type: "integer"}}, Kept: true},
		func(c *Call, _ None) (*people.SearchResult, error) {
			f := people.Filter{AsOf: c.AsOf(), Q: c.Query("q"), Role: people.RoleKind(c.Query("role")), Training: c.Query("training"),
				UnitID: c.Int64("unit"), Limit: c.Int("limit", 50), Offset: c.Int("offset", 0)}
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.People.Search(c.Ctx, c.Actor, f)
		})
	route(a, "POST", "/people", httpx.Doc{Summary: "Record a person and where they work", Tag: "people", Status: 201},
		func(c *Call, in people.PersonInput) (*people.Person, error) {
			return a.People.CreatePerson(c.Ctx, c.Actor, in)
		})
	route(a, "GET", "/people/{id}", httpx.Doc{Summary: "A person, their postings, roles and training", Tag: "people", Query: []httpx.Param{d}},
		func(c *Call, _ None) (*people.PersonView, error) {
			d := c.AsOf()
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.People.GetPerson(c.Ctx, c.Actor, c.ID(), d)
		})
	route(a, "PUT", "/people/{id}", httpx.Doc{Summary: "Change a person's details", Tag: "people"},
		func(c *Call, in people.PersonInput) (*people.Person, error) {
			return a.People.UpdatePerson(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/people/{id}/rotate", httpx.Doc{Summary: "Move a person to another unit (rotation or transfer)", Tag: "people"},
		func(c *Call, in people.RotateInput) (*people.PersonView, error) {
			if err := a.People.Rotate(c.Ctx, c.Actor, c.ID(), in); err != nil {
				return nil, err
			}
			return a.People.GetPerson(c.Ctx, c.Actor, c.ID(), in.Date)
		})
	route(a, "GET", "/units/{id}/apparatus", httpx.Doc{Summary: "A unit's DX apparatus: committee, focal units, roles", Tag: "apparatus", Query: []httpx.Param{d}},
		func(c *Call, _ None) (*people.Apparatus, error) {
			d := c.AsOf()
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.People.GetApparatus(c.Ctx, c.Actor, c.ID(), d)
		})
	route(a, "POST", "/roles", httpx.Doc{Summary: "Give a DX role in a unit to a person, or record a vacancy (no person)", Tag: "apparatus", Status: 201},
		func(c *Call, in people.RoleInput) (*people.Role, error) {
			return a.People.AssignRole(c.Ctx, c.Actor, in)
		})
	route(a, "POST", "/roles/{id}/end", httpx.Doc{Summary: "End a role or close a vacancy", Tag: "apparatus"},
		func(c *Call, in RoleEnd) (None, error) {
			return None{}, a.People.EndRole(c.Ctx, c.Actor, c.ID(), in.Date, in.Note)
		})
	route(a, "POST", "/roles/{id}/fill", httpx.Doc{Summary: "Fill a vacancy with a person", Tag: "apparatus"},
		func(c *Call, in RoleFill) (*people.Role, error) {
			return a.People.FillVacancy(c.Ctx, c.Actor, c.ID(), in.PersonID, in.Date, in.Decision)
		})
	route(a, "POST", "/committees", httpx.Doc{Summary: "Set up (or replace) a unit's DX steering committee", Tag: "apparatus", Status: 201},
		func(c *Call, in people.CommitteeInput) (*people.Committee, error) {
			return a.People.CreateCommittee(c.Ctx, c.Actor, in)
		})
	route(a, "POST", "/committees/{id}/members", httpx.Doc{Summary: "Seat a person on a committee", Tag: "apparatus", Status: 201},
		func(c *Call, in people.MemberInput) (*people.Member, error) {
			return a.People.AddMember(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/committee-members/{id}/end", httpx.Doc{Summary: "End a committee seat", Tag: "apparatus"},
		func(c *Call, in MemberEnd) (None, error) {
			return None{}, a.People.EndMember(c.Ctx, c.Actor, c.ID(), in.Date)
		})
	route(a, "POST", "/focal-units", httpx.Doc{Summary: "Name the sub-unit that holds a unit's DX function", Tag: "apparatus", Status: 201},
		func(c *Call, in people.FocalUnitInput) (*people.FocalUnit, error) {
			return a.People.SetFocalUnit(c.Ctx, c.Actor, in)
		})
	route(a, "GET", "/courses", httpx.Doc{Summary: "Courses of a year in your scope", Tag: "training", Query: []httpx.Param{{Name: "year", Type: "integer"}}},
		func(c *Call, _ None) (CourseList, error) {
			year := c.Year("year", a.Org.Today().Year())
			if err := c.Err(); err != nil {
				return CourseList{}, err
			}
			list, err := a.People.ListCourses(c.Ctx, c.Actor, year)
			return CourseList{Year: year, Courses: list}, err
		})
	route(a, "POST", "/courses", httpx.Doc{Summary: "Record a course", Tag: "training", Status: 201},
		func(c *Call, in people.CourseInput) (*people.Course, error) {
			return a.People.CreateCourse(c.Ctx, c.Actor, in)
		})
	route(a, "GET", "/courses/{id}", httpx.Doc{Summary: "A course and its participants in your scope", Tag: "training"},
		func(c *Call, _ None) (*people.CourseView, error) { return a.People.GetCourse(c.Ctx, c.Actor, c.ID()) })
	route(a, "POST", "/courses/{id}/enrolments", httpx.Doc{Summary: "Enrol people on a course", Tag: "training"},
		func(c *Call, in EnrolInput) (EnrolResult, error) {
			n, err := a.People.Enrol(c.Ctx, c.Actor, c.ID(), in.PersonIDs)
			return EnrolResult{Added: n}, err
		})
	// an upload: a plain handler
	a.handle("POST", "/enrolments/{id}/complete", &httpx.Doc{Summary: "Record that a participant completed (or dropped) a course, with an optional certificate", Tag: "training",
		Multipart: []string{"certificate"}, Query: []httpx.Param{{Name: "status", Type: "string", Description: "completed (default), dropped or enrolled"}, {Name: "completed_on", Type: "string", Format: "date"}},
		Status: 204}, a.complete)
	route(a, "GET", "/targets", httpx.Doc{Summary: "The targets units are measured against", Tag: "compliance"},
		func(c *Call, _ None) (TargetList, error) {
			ts, err := a.People.AllTargets(c.Ctx)
			return TargetList{Targets: ts}, err
		})
	route(a, "POST", "/targets", httpx.Doc{Summary: "Add a target (administrators)", Tag: "compliance", Status: 201},
		func(c *Call, in people.TargetInput) (*people.Target, error) {
			return a.People.SaveTarget(c.Ctx, c.Actor, 0, in)
		})
	route(a, "PUT", "/targets/{id}", httpx.Doc{Summary: "Change a target (administrators)", Tag: "compliance"},
		func(c *Call, in people.TargetInput) (*people.Target, error) {
			return a.People.SaveTarget(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "GET", "/compliance", httpx.Doc{Summary: "How a scope stands against every target on a date", Tag: "compliance", Query: []httpx.Param{d, unit}, Kept: true},
		func(c *Call, _ None) (*people.Report, error) {
			unit, d := complianceArgs(c)
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.People.Compliance(c.Ctx, c.Actor, unit, d)
		})
	route(a, "GET", "/compliance/trend", httpx.Doc{Summary: "Each target's rate at the end of the last four quarters and on the date", Tag: "compliance", Query: []httpx.Param{d, unit}},
		func(c *Call, _ None) (Trend, error) {
			unit, d := complianceArgs(c)
			if err := c.Err(); err != nil {
				return Trend{}, err
			}
			t, err := a.People.Trend(c.Ctx, c.Actor, unit, d)
			return Trend{Points: t}, err
		})
	route(a, "GET", "/compliance/failing", httpx.Doc{Summary: "Every unit of a scope that fails a target on a date, a page at a time (total is the true count)", Tag: "compliance",
		Query: []httpx.Param{d, unit, {Name: "target", Type: "string", Description: "the target's code", Required: true},
			{Name: "limit", Type: "integer", Description: "at most this many (default 100, at most 1000)"}, {Name: "offset", Type: "integer"}}},
		func(c *Call, _ None) (*people.FailingPage, error) {
			unit, d := complianceArgs(c)
			limit, offset, code := c.Int("limit", 100), c.Int("offset", 0), c.Query("target")
			if err := c.Err(); err != nil {
				return nil, err
			}
			if code == "" {
				return nil, errs.Invalidf("import.err.required").At(0, "target")
			}
			return a.People.Failing(c.Ctx, c.Actor, unit, d, code, offset, min(max(limit, 1), people.MaxFailingPage))
		})
	// downloads and uploads: plain handlers
	a.handle("GET", "/files/{id}", &httpx.Doc{Summary: "Download an evidence file", Tag: "files"}, a.file)
	a.handle("GET", "/people/template.xlsx", &httpx.Doc{Summary: "The people spreadsheet template, with the units of your scope", Tag: "people", Query: []httpx.Param{d}}, a.peopleTemplate)
	a.handle("GET", "/people/export.xlsx", &httpx.Doc{Summary: "Export the people a search selects (all of them) in the template's layout", Tag: "people",
		Query: []httpx.Param{d, unit, {Name: "q", Type: "string"}, {Name: "role", Type: "string"}, {Name: "training", Type: "string"}}}, a.peopleExport)
	a.handle("POST", "/imports/people", &httpx.Doc{Summary: "Import people, roles and training from a sheet (all or nothing, unless skip_invalid)", Tag: "imports",
		Multipart: []string{"file"}, Query: []httpx.Param{d, {Name: "skip_invalid", Type: "boolean", Description: "write the valid rows and skip the invalid ones"}},
		Response: SheetResult{}}, a.importPeople)
}

// SheetResult says what a people import did.
type SheetResult struct {
	people.SheetResult
	Skipped []ErrorDetail `json:"skipped_rows"`
}

func (a *API) peopleTemplate(w http.ResponseWriter, r *http.Request) {
	c := a.call(r)
	d := c.AsOf()
	var buf bytes.Buffer
	err := c.Err()
	if err == nil {
		err = a.People.Template(c.Ctx, c.Actor, d, c.Printer().Lang, &buf)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("mau-can-bo", d.String()), sheet.XLSXType, buf.Bytes())
}

func (a *API) peopleExport(w http.ResponseWriter, r *http.Request) {
	c := a.call(r)
	f := people.Filter{AsOf: c.AsOf(), Q: c.Query("q"), Role: people.RoleKind(c.Query("role")), Training: c.Query("training"), UnitID: c.Int64("unit")}
	var buf bytes.Buffer
	err := c.Err()
	if err == nil {
		err = a.People.Export(c.Ctx, c.Actor, f, c.Printer().Lang, &buf)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("can-bo", f.AsOf.String()), sheet.XLSXType, buf.Bytes())
}

func (a *API) importPeople(w http.ResponseWriter, r *http.Request) {
	if err := a.parseUpload(w, r); err != nil {
		a.fail(w, r, err)
		return
	}
	c := a.call(r)
	d := c.AsOf()
	if err := c.Err(); err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.importFile(w, r, "file")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer f.Close()
	skip := c.Query("skip_invalid") == "true" || r.PostFormValue("skip_invalid") == "true"
	res, err := a.People.ImportSheet(c.Ctx, c.Actor, f, f.name, d, skip)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := c.Printer()
	out := SheetResult{SheetResult: *res, Skipped: []ErrorDetail{}}
	for _, e := range res.Problems {
		out.Skipped = append(out.Skipped, ErrorDetail{Row: e.Row, Field: e.Field, Message: p.TData(e.Key, e.Args)})
	}
	writeJSON(w, http.StatusOK, out)
}

// complete takes a multipart form (with an optional certificate file) or
// plain query parameters.
func (a *API) complete(w http.ResponseWriter, r *http.Request) {
	c := a.call(r)
	id := c.ID()
	if err := c.Err(); err != nil {
		a.fail(w, r, err)
		return
	}
	var cert *people.Upload
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := a.parseUpload(w, r); err != nil {
			a.fail(w, r, err)
			return
		}
		if f, h, err := r.FormFile("certificate"); err == nil {
			defer f.Close()
			cert = &people.Upload{Name: h.Filename, Body: f}
		}
	}
	v := func(k string) string {
		if s := c.Query(k); s != "" {
			return s
		}
		return r.PostFormValue(k)
	}
	status := people.EnrolStatus(v("status"))
	if status == "" {
		status = people.Completed
	}
	var on day.Day
	if s := v("completed_on"); s != "" {
		var err error
		if on, err = day.Parse(s); err != nil {
			a.fail(w, r, errs.Invalidf("err.bad_date", "Value", s).At(0, "completed_on"))
			return
		}
	}
	if err := a.People.Complete(c.Ctx, c.Actor, id, status, on, cert); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// complianceArgs are the unit (the caller's scope by default) and the date
// of a compliance report.
func complianceArgs(c *Call) (int64, day.Day) {
	d := c.AsOf()
	unit := c.Int64("unit")
	if unit == 0 {
		unit = c.User().ScopeUnitID
	}
	return unit, d
}

func (a *API) file(w http.ResponseWriter, r *http.Request) {
	c := a.call(r)
	id := c.ID()
	if err := c.Err(); err != nil {
		a.fail(w, r, err)
		return
	}
	f, data, err := a.Files.Open(c.Ctx, c.Actor, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, f.Name, f.ContentType, data)
}
