package api

import (
	"bytes"
	"net/http"
	"strconv"
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
	a.handle("GET", "/people", &httpx.Doc{Summary: "Find people working in your scope", Tag: "people",
		Query: []httpx.Param{d, unit, {Name: "q", Type: "string", Description: "name, diacritics optional"},
			{Name: "role", Type: "string", Description: "leader, focal, staff, or none"},
			{Name: "training", Type: "string", Description: "trained or untrained (this year)"},
			{Name: "limit", Type: "integer"}, {Name: "offset", Type: "integer"}},
		Response: people.SearchResult{}}, a.searchPeople)
	a.handle("POST", "/people", &httpx.Doc{Summary: "Record a person and where they work", Tag: "people", Request: people.PersonInput{}, Response: people.Person{}, Status: 201}, a.createPerson)
	a.handle("GET", "/people/{id}", &httpx.Doc{Summary: "A person, their postings, roles and training", Tag: "people", Query: []httpx.Param{d}, Response: people.PersonView{}}, a.getPerson)
	a.handle("PUT", "/people/{id}", &httpx.Doc{Summary: "Change a person's details", Tag: "people", Request: people.PersonInput{}, Response: people.Person{}}, a.updatePerson)
	a.handle("POST", "/people/{id}/rotate", &httpx.Doc{Summary: "Move a person to another unit (rotation or transfer)", Tag: "people", Request: people.RotateInput{}, Response: people.PersonView{}}, a.rotatePerson)
	a.handle("GET", "/units/{id}/apparatus", &httpx.Doc{Summary: "A unit's DX apparatus: committee, focal units, roles", Tag: "apparatus", Query: []httpx.Param{d}, Response: people.Apparatus{}}, a.apparatus)
	a.handle("POST", "/roles", &httpx.Doc{Summary: "Give a DX role in a unit to a person, or record a vacancy (no person)", Tag: "apparatus", Request: people.RoleInput{}, Response: people.Role{}, Status: 201}, a.assignRole)
	a.handle("POST", "/roles/{id}/end", &httpx.Doc{Summary: "End a role or close a vacancy", Tag: "apparatus", Request: RoleEnd{}, Status: 204}, a.endRole)
	a.handle("POST", "/roles/{id}/fill", &httpx.Doc{Summary: "Fill a vacancy with a person", Tag: "apparatus", Request: RoleFill{}, Response: people.Role{}}, a.fillRole)
	a.handle("POST", "/committees", &httpx.Doc{Summary: "Set up (or replace) a unit's DX steering committee", Tag: "apparatus", Request: people.CommitteeInput{}, Response: people.Committee{}, Status: 201}, a.createCommittee)
	a.handle("POST", "/committees/{id}/members", &httpx.Doc{Summary: "Seat a person on a committee", Tag: "apparatus", Request: people.MemberInput{}, Response: people.Member{}, Status: 201}, a.addMember)
	a.handle("POST", "/committee-members/{id}/end", &httpx.Doc{Summary: "End a committee seat", Tag: "apparatus", Request: MemberEnd{}, Status: 204}, a.endMember)
	a.handle("POST", "/focal-units", &httpx.Doc{Summary: "Name the sub-unit that holds a unit's DX function", Tag: "apparatus", Request: people.FocalUnitInput{}, Response: people.FocalUnit{}, Status: 201}, a.setFocalUnit)
	a.handle("GET", "/courses", &httpx.Doc{Summary: "Courses of a year in your scope", Tag: "training", Query: []httpx.Param{{Name: "year", Type: "integer"}}, Response: CourseList{}}, a.listCourses)
	a.handle("POST", "/courses", &httpx.Doc{Summary: "Record a course", Tag: "training", Request: people.CourseInput{}, Response: people.Course{}, Status: 201}, a.createCourse)
	a.handle("GET", "/courses/{id}", &httpx.Doc{Summary: "A course and its participants in your scope", Tag: "training", Response: people.CourseView{}}, a.getCourse)
	a.handle("POST", "/courses/{id}/enrolments", &httpx.Doc{Summary: "Enrol people on a course", Tag: "training", Request: EnrolInput{}, Response: EnrolResult{}}, a.enrol)
	a.handle("POST", "/enrolments/{id}/complete", &httpx.Doc{Summary: "Record that a participant completed (or dropped) a course, with an optional certificate", Tag: "training",
		Multipart: []string{"certificate"}, Query: []httpx.Param{{Name: "status", Type: "string", Description: "completed (default), dropped or enrolled"}, {Name: "completed_on", Type: "string", Format: "date"}},
		Status: 204}, a.complete)
	a.handle("GET", "/targets", &httpx.Doc{Summary: "The targets units are measured against", Tag: "compliance", Response: TargetList{}}, a.listTargets)
	a.handle("POST", "/targets", &httpx.Doc{Summary: "Add a target (administrators)", Tag: "compliance", Request: people.TargetInput{}, Response: people.Target{}, Status: 201}, a.saveTarget)
	a.handle("PUT", "/targets/{id}", &httpx.Doc{Summary: "Change a target (administrators)", Tag: "compliance", Request: people.TargetInput{}, Response: people.Target{}}, a.saveTarget)
	a.handle("GET", "/compliance", &httpx.Doc{Summary: "How a scope stands against every target on a date", Tag: "compliance", Query: []httpx.Param{d, unit}, Response: people.Report{}}, a.compliance)
	a.handle("GET", "/compliance/trend", &httpx.Doc{Summary: "Each target's rate at the end of the last four quarters and on the date", Tag: "compliance", Query: []httpx.Param{d, unit}, Response: Trend{}}, a.trend)
	a.handle("GET", "/compliance/failing", &httpx.Doc{Summary: "Every unit of a scope that fails a target on a date, a page at a time (total is the true count)", Tag: "compliance",
		Query: []httpx.Param{d, unit, {Name: "target", Type: "string", Description: "the target's code", Required: true},
			{Name: "limit", Type: "integer", Description: "at most this many (default 100, at most 1000)"}, {Name: "offset", Type: "integer"}},
		Response: people.FailingPage{}}, a.failing)
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
	d, err := a.asOf(r)
	var buf bytes.Buffer
	if err == nil {
		err = a.People.Template(r.Context(), httpx.Actor(r), d, a.printer(r).Lang, &buf)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("mau-can-bo", d.String()), sheet.XLSXType, buf.Bytes())
}

func (a *API) peopleExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d, err := a.asOf(r)
	f := people.Filter{Q: q.Get("q"), Role: people.RoleKind(q.Get("role")), Training: q.Get("training"), AsOf: d}
	if err == nil {
		f.UnitID, err = int64Param(r, "unit")
	}
	var buf bytes.Buffer
	if err == nil {
		err = a.People.Export(r.Context(), httpx.Actor(r), f, a.printer(r).Lang, &buf)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("can-bo", d.String()), sheet.XLSXType, buf.Bytes())
}

func (a *API) importPeople(w http.ResponseWriter, r *http.Request) {
	if err := a.parseUpload(w, r); err != nil {
		a.fail(w, r, err)
		return
	}
	defer r.MultipartForm.RemoveAll()
	d, err := a.asOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.importFile(w, r, "file")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer f.Close()
	skip := r.URL.Query().Get("skip_invalid") == "true" || r.PostFormValue("skip_invalid") == "true"
	res, err := a.People.ImportSheet(r.Context(), httpx.Actor(r), f, f.name, d, skip)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.printer(r)
	out := SheetResult{SheetResult: *res, Skipped: []ErrorDetail{}}
	for _, e := range res.Problems {
		out.Skipped = append(out.Skipped, ErrorDetail{Row: e.Row, Field: e.Field, Message: p.TData(e.Key, e.Args)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) searchPeople(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d, err := a.asOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f := people.Filter{Q: q.Get("q"), Role: people.RoleKind(q.Get("role")), Training: q.Get("training"), AsOf: d}
	if f.UnitID, err = int64Param(r, "unit"); err == nil {
		if f.Limit, err = intParam(r, "limit", 50); err == nil {
			f.Offset, err = intParam(r, "offset", 0)
		}
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.People.Search(r.Context(), httpx.Actor(r), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func int64Param(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, errs.Invalidf("err.bad_id", "Value", s).At(0, name)
	}
	return n, nil
}

func (a *API) createPerson(w http.ResponseWriter, r *http.Request) {
	var in people.PersonInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := a.People.CreatePerson(r.Context(), httpx.Actor(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

func (a *API) getPerson(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var d day.Day
	if err == nil {
		d, err = a.asOf(r)
	}
	var v *people.PersonView
	if err == nil {
		v, err = a.People.GetPerson(r.Context(), httpx.Actor(r), id, d)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *API) updatePerson(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in people.PersonInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var p *people.Person
	if err == nil {
		p, err = a.People.UpdatePerson(r.Context(), httpx.Actor(r), id, in)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (a *API) rotatePerson(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in people.RotateInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.People.Rotate(r.Context(), httpx.Actor(r), id, in)
	}
	var v *people.PersonView
	if err == nil {
		v, err = a.People.GetPerson(r.Context(), httpx.Actor(r), id, in.Date)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *API) apparatus(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var d day.Day
	if err == nil {
		d, err = a.asOf(r)
	}
	var ap *people.Apparatus
	if err == nil {
		ap, err = a.People.GetApparatus(r.Context(), httpx.Actor(r), id, d)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ap)
}

func (a *API) assignRole(w http.ResponseWriter, r *http.Request) {
	var in people.RoleInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	role, err := a.People.AssignRole(r.Context(), httpx.Actor(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, role)
}

func (a *API) endRole(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in RoleEnd
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.People.EndRole(r.Context(), httpx.Actor(r), id, in.Date, in.Note)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) fillRole(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in RoleFill
	if err == nil {
		err = decode(w, r, &in)
	}
	var role *people.Role
	if err == nil {
		role, err = a.People.FillVacancy(r.Context(), httpx.Actor(r), id, in.PersonID, in.Date, in.Decision)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, role)
}

func (a *API) createCommittee(w http.ResponseWriter, r *http.Request) {
	var in people.CommitteeInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.People.CreateCommittee(r.Context(), httpx.Actor(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (a *API) addMember(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in people.MemberInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var m *people.Member
	if err == nil {
		m, err = a.People.AddMember(r.Context(), httpx.Actor(r), id, in)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, m)
}

func (a *API) endMember(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in MemberEnd
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.People.EndMember(r.Context(), httpx.Actor(r), id, in.Date)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) setFocalUnit(w http.ResponseWriter, r *http.Request) {
	var in people.FocalUnitInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.People.SetFocalUnit(r.Context(), httpx.Actor(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, f)
}

func (a *API) listCourses(w http.ResponseWriter, r *http.Request) {
	year, err := intParam(r, "year", a.Org.Today().Year())
	if err == nil && (year < 2000 || year > 2100) {
		err = errs.Invalidf("err.bad_id", "Value", year).At(0, "year")
	}
	var list []people.CourseRow
	if err == nil {
		list, err = a.People.ListCourses(r.Context(), httpx.Actor(r), year)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, CourseList{Year: year, Courses: list})
}

func (a *API) createCourse(w http.ResponseWriter, r *http.Request) {
	var in people.CourseInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.People.CreateCourse(r.Context(), httpx.Actor(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (a *API) getCourse(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var v *people.CourseView
	if err == nil {
		v, err = a.People.GetCourse(r.Context(), httpx.Actor(r), id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *API) enrol(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in EnrolInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var n int
	if err == nil {
		n, err = a.People.Enrol(r.Context(), httpx.Actor(r), id, in.PersonIDs)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, EnrolResult{Added: n})
}

// complete takes a multipart form (with an optional certificate file) or
// plain query parameters.
func (a *API) complete(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var cert *people.Upload
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := a.parseUpload(w, r); err != nil {
			a.fail(w, r, err)
			return
		}
		defer r.MultipartForm.RemoveAll()
		if f, h, err := r.FormFile("certificate"); err == nil {
			defer f.Close()
			cert = &people.Upload{Name: h.Filename, Body: f}
		}
	}
	v := func(k string) string {
		if s := r.URL.Query().Get(k); s != "" {
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
		if on, err = day.Parse(s); err != nil {
			a.fail(w, r, errs.Invalidf("err.bad_date", "Value", s).At(0, "completed_on"))
			return
		}
	}
	if err := a.People.Complete(r.Context(), httpx.Actor(r), id, status, on, cert); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) listTargets(w http.ResponseWriter, r *http.Request) {
	ts, err := a.People.AllTargets(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, TargetList{Targets: ts})
}

func (a *API) saveTarget(w http.ResponseWriter, r *http.Request) {
	var id int64
	var err error
	if r.PathValue("id") != "" {
		id, err = httpx.PathID(r, "id")
	}
	var in people.TargetInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var t *people.Target
	if err == nil {
		t, err = a.People.SaveTarget(r.Context(), httpx.Actor(r), id, in)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
	}
	writeJSON(w, status, t)
}

func (a *API) complianceArgs(r *http.Request) (int64, day.Day, error) {
	d, err := a.asOf(r)
	if err != nil {
		return 0, d, err
	}
	unit, err := int64Param(r, "unit")
	if unit == 0 {
		unit = httpx.User(r).ScopeUnitID
	}
	return unit, d, err
}

func (a *API) compliance(w http.ResponseWriter, r *http.Request) {
	unit, d, err := a.complianceArgs(r)
	var rep *people.Report
	if err == nil {
		rep, err = a.People.Compliance(r.Context(), httpx.Actor(r), unit, d)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func (a *API) failing(w http.ResponseWriter, r *http.Request) {
	unit, d, err := a.complianceArgs(r)
	limit, offset := 100, 0
	if err == nil {
		limit, err = intParam(r, "limit", 100)
	}
	if err == nil {
		offset, err = intParam(r, "offset", 0)
	}
	code := r.URL.Query().Get("target")
	if err == nil && code == "" {
		err = errs.Invalidf("import.err.required").At(0, "target")
	}
	var fp *people.FailingPage
	if err == nil {
		fp, err = a.People.Failing(r.Context(), httpx.Actor(r), unit, d, code, offset, min(max(limit, 1), people.MaxFailingPage))
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, fp)
}

func (a *API) trend(w http.ResponseWriter, r *http.Request) {
	unit, d, err := a.complianceArgs(r)
	var t map[string][]people.TrendPoint
	if err == nil {
		t, err = a.People.Trend(r.Context(), httpx.Actor(r), unit, d)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Trend{Points: t})
}

func (a *API) file(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, data, err := a.Files.Open(r.Context(), httpx.Actor(r), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, f.Name, f.ContentType, data)
}
