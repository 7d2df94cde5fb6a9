package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// The dates the fixtures and the request bodies use; the test clock says
// 22/11/2026.
var (
	fixtureFrom = day.Of(2026, 1, 1) // fresh units, people and roles begin
	courseStart = day.Of(2026, 3, 1)
	courseEnd   = day.Of(2026, 12, 15)
	completedOn = day.Of(2026, 6, 1)
	changeDate  = "2026-11-01" // the date of every change a request asks for
)

// A target is one commune and a record of every kind that hangs from it:
// an account with an API token, a person working there, a vacant DX role,
// a steering committee with a member, a course it organises with an
// enrolment, and a certificate file. Records are made (by the operator)
// the first time they are asked for.
//
// The scope test aims every route at one target (Phường Quy Nhơn, from the
// demo) while a focal person of another commune calls; the other tests
// replay the same requests on fresh targets as someone allowed to make
// them, which proves each request would really have changed something.
type target struct {
	t       testing.TB
	s       *apptest.Server
	ctx     context.Context
	name    string
	made    map[string]int64
	user    *auth.User
	serial  int
	person  string   // the name of its person
	secrets []string // every name of this target's data, which must not leak
}

var fixtureSerial int

// demoTarget is Phường Quy Nhơn of the demo, with every kind of record.
func demoTarget(t testing.TB, s *apptest.Server) *target {
	f := newTarget(t, s)
	f.name = "Phường Quy Nhơn"
	qn := s.UnitNamed(t, "Phường Quy Nhơn")
	f.made["unit"] = qn.UnitID
	f.made["sibling"] = s.UnitNamed(t, "Xã Nhơn Châu").UnitID
	f.person = "Lạc Long Quân"
	f.secrets = []string{"Quy Nhơn", "Nhơn Châu", f.person}
	f.makeAll()
	return f
}

// ownTarget is the commune of a demo user, with every kind of record (the
// account and token being theirs).
func ownTarget(t testing.TB, s *apptest.Server, login string) *target {
	f := newTarget(t, s)
	f.user = s.User(t, login)
	f.made["user"] = f.user.ID
	f.made["unit"] = f.user.ScopeUnitID
	f.name = f.version("unit").Name
	f.makeAll()
	return f
}

func (f *target) makeAll() {
	for _, kind := range recordKinds {
		f.id(kind)
	}
}

// freshTarget is a new commune of the new Gia Lai, with records made as
// asked for.
func freshTarget(t testing.TB, s *apptest.Server) *target {
	f := newTarget(t, s)
	f.name = fmt.Sprintf("Phường Thử Nghiệm %d", f.serial)
	return f
}

func newTarget(t testing.TB, s *apptest.Server) *target {
	fixtureSerial++
	return &target{t: t, s: s, ctx: context.Background(), made: map[string]int64{}, serial: fixtureSerial,
		person: fmt.Sprintf("Nguyễn Văn Thử %d", fixtureSerial)}
}

// recordKinds are the kinds of record a target has.
var recordKinds = []string{"unit", "sibling", "province", "root", "user", "token", "person", "role", "committee", "member", "course", "enrolment", "file", "goal", "office", "plan", "group", "taskgroup2", "task", "report", "village", "team", "teammember", "activity", "netorg", "importjob"}

// id is the target's record of a kind, made if need be.
func (f *target) id(kind string) int64 {
	f.t.Helper()
	if id, ok := f.made[kind]; ok {
		return id
	}
	id, err := f.make(kind)
	if err != nil {
		f.t.Fatalf("fixture %s of %s: %v", kind, f.name, err)
	}
	f.made[kind] = id
	return id
}

func (f *target) make(kind string) (int64, error) {
	s, ctx, admin := f.s, f.ctx, f.s.Admin
	switch kind {
	case "root":
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			return 0, err
		}
		return snap.RootID, nil
	case "province":
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			return 0, err
		}
		return snap.Latest(f.id("unit")).ParentID, nil
	case "unit", "sibling":
		name := f.name
		if kind == "sibling" {
			name += " B"
		}
		return s.Org.Establish(ctx, admin, org.EstablishInput{
			Change:   org.Change{Effective: fixtureFrom, LegalBasis: "Nghị quyết thử nghiệm"},
			UnitSpec: org.UnitSpec{ParentID: s.UnitNamed(f.t, "Tỉnh Gia Lai").UnitID, Code: f.freshCode(kind), Name: name, Level: org.LevelCommune, Kind: "Phường"}})
	case "user":
		u, err := s.Auth.CreateUser(ctx, admin, auth.UserInput{Login: fmt.Sprintf("focal%d", f.serial), DisplayName: "Cán bộ đầu mối " + f.name,
			Password: "mật khẩu thử nghiệm", Role: auth.RoleFocal, ScopeUnitID: f.id("unit"), Locale: "vi"})
		if err != nil {
			return 0, err
		}
		f.user = u
		return u.ID, nil
	case "token":
		f.id("user")
		tok, _, err := s.Auth.CreateToken(ctx, f.user.Actor(), "kịch bản")
		if err != nil {
			return 0, err
		}
		return tok.ID, nil
	case "person":
		p, err := s.People.CreatePerson(ctx, admin, people.PersonInput{FullName: f.person, Gender: "male", Title: "Công chức Văn phòng - Thống kê",
			Employment: people.CivilServant, QualLevel: people.QualBachelor, UnitID: f.id("unit"), Since: fixtureFrom})
		if err != nil {
			return 0, err
		}
		return p.ID, nil
	case "role": // a vacancy, so it can be filled as well as ended
		r, err := s.People.AssignRole(ctx, admin, people.RoleInput{UnitID: f.id("unit"), Role: people.RoleStaff, Mode: people.Dedicated,
			From: fixtureFrom, Decision: "Chỉ tiêu biên chế 2026"})
		if err != nil {
			return 0, err
		}
		return r.ID, nil
	case "committee":
		c, err := s.People.CreateCommittee(ctx, admin, people.CommitteeInput{UnitID: f.id("unit"), Name: "Ban Chỉ đạo Chuyển đổi số " + f.name,
			DecisionNumber: "12/QĐ-UBND", DecisionDate: fixtureFrom.AddDays(9 + f.serial%100)})
		if err != nil {
			return 0, err
		}
		return c.ID, nil
	case "member":
		m, err := s.People.AddMember(ctx, admin, f.id("committee"), people.MemberInput{PersonID: f.id("person"), Role: people.MemberHead})
		if err != nil {
			return 0, err
		}
		return m.ID, nil
	case "course":
		c, err := s.People.CreateCourse(ctx, admin, people.CourseInput{Title: "Tập huấn chuyển đổi số " + f.name, Provider: "UBND " + f.name,
			Format: "online", Start: courseStart, End: courseEnd, Hours: 8, OrganiserID: f.id("unit")})
		if err != nil {
			return 0, err
		}
		return c.ID, nil
	case "enrolment":
		if _, err := s.People.Enrol(ctx, admin, f.id("course"), []int64{f.id("person")}); err != nil {
			return 0, err
		}
		return f.participant().ID, nil
	case "file":
		err := s.People.Complete(ctx, admin, f.id("enrolment"), people.Completed, completedOn,
			&people.Upload{Name: "chung-nhan.pdf", Body: bytes.NewReader(pdf)})
		if err != nil {
			return 0, err
		}
		return f.participant().CertificateID, nil
	case "goal": // a target units are measured against (national, not the commune's; inactive, so reports stay as they were)
		g, err := s.People.SaveTarget(ctx, admin, 0, people.TargetInput{Code: fmt.Sprintf("THU%d", f.serial), Rule: people.RuleFocal,
			Level: people.TLCommune, Param: 1, Goal: 1, Deadline: day.Of(2027, 12, 31), TitleVI: "Chỉ tiêu thử nghiệm", TitleEN: "Test target", Basis: "thử"})
		if err != nil {
			return 0, err
		}
		return g.ID, nil
	case "plan": // the commune's own plan
		d, err := s.Plans.CreateDocument(ctx, admin, plans.DocumentInput{Number: fmt.Sprintf("%d/KH-UBND", 900+f.serial), Type: plans.DocPlan,
			Title: "Kế hoạch chuyển đổi số " + f.name, IssuedOn: fixtureFrom, OwnerUnitID: f.id("unit")})
		if err != nil {
			return 0, err
		}
		return d.ID, nil
	case "group", "taskgroup2": // two groups of the plan, numbered out of order, for moves and renumbering
		g, err := s.Plans.AddGroup(ctx, admin, f.id("plan"), plans.GroupInput{Code: map[string]string{"group": "5", "taskgroup2": "II"}[kind], Title: "Nhóm " + kind + " " + f.name})
		if err != nil {
			return 0, err
		}
		return g.ID, nil
	case "office": // an office under the commune, which supports its tasks
		return s.Org.Establish(ctx, admin, org.EstablishInput{Change: org.Change{Effective: fixtureFrom, LegalBasis: "Quyết định thử nghiệm"},
			UnitSpec: org.UnitSpec{ParentID: f.id("unit"), Name: "Văn phòng HĐND và UBND " + f.name, Level: org.LevelAgency, Kind: "Văn phòng"}})
	case "task": // led by the commune, supported by its office
		t, err := s.Plans.AddTask(ctx, admin, f.id("plan"), plans.TaskInput{Title: "Số hóa hồ sơ " + f.name, LeadUnitID: f.id("unit"),
			SupportIDs: []int64{f.id("office")}, Schedule: plans.Once, DueOn: day.Of(2026, 12, 31)})
		if err != nil {
			return 0, err
		}
		return t.ID, nil
	case "report":
		r, err := s.Plans.SubmitReport(ctx, admin, f.id("task"), plans.ReportInput{Period: "2026-H2", Status: plans.InProgress, Percent: 40,
			Done: "Đã số hóa 40% hồ sơ của " + f.name})
		if err != nil {
			return 0, err
		}
		return r.ID, nil
	case "village", "team", "teammember", "activity", "netorg", "importjob":
		return f.makeNetwork(kind)
	case "indicator", "form", "submission", "framework", "pillar", "node", "round_fw", "round_node", "round":
		return f.makeIndicatorRecord(kind) // indicator_fixture_test.go
	case "official_fw", "merged", "merged_pred":
		return f.makeAssessRecord(kind) // assess_fixture_test.go
	case "periodic_report":
		return f.makeReport() // report_fixture_test.go
	}
	return 0, fmt.Errorf("no such kind of record")
}

// makeNetwork makes the target's records of the DX network: a village of
// the commune named after it (so a leak shows), its team, the target's
// person as the team's leader, an activity, an organisation of its network.
func (f *target) makeNetwork(kind string) (int64, error) {
	s, ctx, admin := f.s, f.ctx, f.s.Admin
	switch kind {
	case "village":
		_, rest, _ := strings.Cut(f.name, " ")
		return s.Org.Establish(ctx, admin, org.EstablishInput{Change: org.Change{Effective: fixtureFrom, LegalBasis: "Quyết định thử nghiệm"},
			UnitSpec: org.UnitSpec{ParentID: f.id("unit"), Name: "Khu phố " + rest, Level: org.LevelVillage, Kind: "Khu phố"}})
	case "team":
		t, err := s.Network.CreateTeam(ctx, admin, network.TeamInput{UnitID: f.id("village"), DecisionNumber: fmt.Sprintf("%d/QĐ-UBND", 500+f.serial),
			DecisionDate: fixtureFrom.AddDays(10)}, nil)
		if err != nil {
			return 0, err
		}
		return t.ID, nil
	case "teammember":
		m, err := s.Network.AddMember(ctx, admin, f.id("team"), network.MemberInput{PersonID: f.id("person"), Role: network.Leader,
			Affiliation: network.VillageHead, Phone: "0905000111", From: fixtureFrom.AddDays(20)})
		if err != nil {
			return 0, err
		}
		return m.ID, nil
	case "activity":
		a, err := s.Network.LogActivity(ctx, admin, network.ActivityInput{TeamID: f.id("team"), Date: fixtureFrom.AddDays(30), Kind: network.DigitalID,
			Place: "Nhà văn hóa " + f.name, PeopleHelped: 12}, nil)
		if err != nil {
			return 0, err
		}
		return a.ID, nil
	case "netorg":
		o, err := s.Network.CreateOrg(ctx, admin, network.OrgInput{UnitID: f.id("unit"), Name: "Bưu điện " + f.name, Kind: network.OrgPost,
			Contribution: "Hướng dẫn dịch vụ công tại " + f.name, From: fixtureFrom})
		if err != nil {
			return 0, err
		}
		return o.ID, nil
	case "importjob": // a people import of the target's focal person, through its page
		f.id("user")
		resp, body := send(f.t, f.s.SessionFor(f.t, f.user), "POST", "/people/import", request{files: map[string]file{"file": {"can-bo.csv", f.peopleSheet()}}})
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("people import: %d %.300s", resp.StatusCode, body)
		}
		var id int64
		err := s.DB.QueryRowContext(ctx, `SELECT MAX(id) FROM import_jobs WHERE user_id = $1`, f.user.ID).Scan(&id)
		return id, err
	}
	return 0, fmt.Errorf("no such kind of record")
}

func (f *target) participant() people.Participant {
	v, err := f.s.People.GetCourse(f.ctx, f.s.Admin, f.id("course"))
	if err != nil || len(v.Participants) != 1 {
		f.t.Fatalf("course of %s: %v %+v", f.name, err, v)
	}
	return v.Participants[0]
}

// freshCode is the official code of a fresh unit.
func (f *target) freshCode(kind string) string {
	n := 90000 + 2*f.serial
	if kind == "sibling" {
		n++
	}
	return strconv.Itoa(n)
}

// version is one of the target's units as it stands.
func (f *target) version(kind string) *org.Version {
	f.t.Helper()
	id := f.id(kind)
	snap, err := f.s.Org.Snapshot(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return snap.Latest(id)
}

func (f *target) unitCode() string { return f.version("unit").Code }

func (f *target) str(kind string) string { return strconv.FormatInt(f.id(kind), 10) }

// pdf is the smallest file the evidence store accepts as a PDF.
var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// paramTargets says what each path parameter names, by the collection it
// follows: {id} after /units is a unit, after /users an account… A route
// with a parameter this table does not know fails the scope test, so
// whoever adds one also says what it points at.
var paramTargets = map[string]string{
	"units/{id}":             "unit",
	"users/{id}":             "user",
	"tokens/{id}":            "token",
	"people/{id}":            "person",
	"roles/{id}":             "role",
	"committees/{id}":        "committee",
	"committee-members/{id}": "member",
	"training/{id}":          "course",
	"courses/{id}":           "course",
	"enrolments/{id}":        "enrolment",
	"files/{id}":             "file",
	"targets/{id}":           "goal",
	"teams/{id}":             "team",
	"team-members/{id}":      "teammember",
	"activities/{id}":        "activity",
	"orgs/{id}":              "netorg",
	"network-orgs/{id}":      "netorg",
	"plans/{id}":             "plan",
	"tasks/{id}":             "task",
	"groups/{id}":            "group",
	"reports/{id}":           "report",
	"imports/{id}":           "importjob",
}

var paramPattern = regexp.MustCompile(`([a-z-]+)/\{([a-zA-Z_]+)(\.\.\.)?\}`)

// fill puts the target's records into a route's path parameters.
func (f *target) fill(pattern string) (string, error) {
	var missing []string
	path := paramPattern.ReplaceAllStringFunc(pattern, func(m string) string {
		sub := paramPattern.FindStringSubmatch(m)
		kind, ok := paramTargets[sub[1]+"/{"+sub[2]+"}"]
		if !ok {
			missing = append(missing, m)
			return m
		}
		return sub[1] + "/" + f.str(kind)
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("path parameter %s is not in paramTargets (internal/app/fixture_test.go): say what kind of record it names, "+
			"and teach target.make to make one", strings.Join(missing, ", "))
	}
	return strings.TrimSuffix(path, "{$}"), nil
}

// hasParams reports whether a route pattern has path parameters.
func hasParams(pattern string) bool { return paramPattern.MatchString(pattern) }

// A request is a body (and query) to send to a route.
type request struct {
	form  url.Values      // an HTML form
	json  any             // a JSON body
	parts url.Values      // multipart fields
	files map[string]file // multipart files
	query url.Values
}

type file struct {
	name string
	data []byte
}

func form(kv ...string) request {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return request{form: v}
}

func jsonReq(v any) request { return request{json: v} }

// encode gives the request's path (with its query), content type and body.
func (r request) encode(t testing.TB, path string) (string, string, []byte) {
	t.Helper()
	if len(r.query) > 0 {
		path += "?" + r.query.Encode()
	}
	switch {
	case r.form != nil:
		return path, "application/x-www-form-urlencoded", []byte(r.form.Encode())
	case r.json != nil:
		b, err := json.Marshal(r.json)
		if err != nil {
			t.Fatal(err)
		}
		return path, "application/json", b
	case r.parts != nil || r.files != nil:
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, k := range slices.Sorted(maps.Keys(r.parts)) {
			w.WriteField(k, r.parts.Get(k))
		}
		for _, k := range slices.Sorted(maps.Keys(r.files)) {
			fw, _ := w.CreateFormFile(k, r.files[k].name)
			fw.Write(r.files[k].data)
		}
		w.Close()
		return path, w.FormDataContentType(), buf.Bytes()
	}
	return path, "", nil
}

// same reports whether two requests send the same bytes.
func (r request) same(t testing.TB, o request) bool {
	_, ct1, b1 := r.encode(t, "")
	_, ct2, b2 := o.encode(t, "")
	if strings.HasPrefix(ct1, "multipart/") { // the boundary is random
		return r.parts.Encode() == o.parts.Encode() && fmt.Sprint(r.files) == fmt.Sprint(o.files) && r.query.Encode() == o.query.Encode()
	}
	return ct1 == ct2 && bytes.Equal(b1, b2) && r.query.Encode() == o.query.Encode()
}

// withDates is the request with every date in it replaced by d: a date
// that is not one, or one before the target existed.
func (r request) withDates(d string) request {
	isDate := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	values := func(v url.Values) url.Values {
		if v == nil {
			return nil
		}
		out := url.Values{}
		for k, vs := range v {
			for _, x := range vs {
				if isDate.MatchString(x) {
					x = d
				}
				out.Add(k, x)
			}
		}
		return out
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case string:
			if isDate.MatchString(x) {
				return d
			}
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				out[k] = walk(e)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e)
			}
			return out
		}
		return v
	}
	out := request{form: values(r.form), parts: values(r.parts), files: r.files, query: values(r.query)}
	if r.json != nil {
		out.json = walk(r.json)
	}
	return out
}

type obj = map[string]any

// writes is the request each changing route is sent: one that would
// change the target, and that does when someone allowed sends it (the
// replay test checks that). A changing route missing here fails the scope
// test.
var writes = map[string]func(f *target) request{
	// the DX network, pages
	"POST /network/teams": func(f *target) request {
		return form("unit_id", f.str("village"), "decision_number", "77/QĐ-UBND", "decision_date", "2026-01-20", "decision_signer", "Chủ tịch UBND")
	},
	"POST /network/teams/{id}": func(f *target) request {
		return form("name", "Tổ đổi tên", "decision_number", "99/QĐ-UBND", "decision_date", "2026-01-11")
	},
	"POST /network/teams/{id}/status": func(f *target) request { return form("status", "suspended", "date", changeDate) },
	"POST /network/teams/{id}/members": func(f *target) request {
		return form("full_name", "Ksor Thử", "role", "member", "affiliation", "police", "valid_from", changeDate)
	},
	"POST /network/teams/{id}/enrol": func(f *target) request {
		f.id("teammember")
		return form("course_id", f.str("course"))
	},
	"POST /network/teams/{id}/log": func(f *target) request {
		return form("date", changeDate, "kind", "vneid", "people_helped", "12", "place", "Nhà văn hóa")
	},
	"POST /network/team-members/{id}/end":  func(f *target) request { return form("date", changeDate) },
	"POST /network/team-members/{id}/role": func(f *target) request { return form("role", "deputy", "date", changeDate) },
	"POST /network/activities/{id}/void":   func(f *target) request { return form("reason", "Ghi nhầm") },
	"POST /network/orgs": func(f *target) request {
		return form("unit_id", f.str("unit"), "name", "Viettel", "kind", "telecom", "contribution", "Hỗ trợ sim", "valid_from", changeDate)
	},
	"POST /network/orgs/{id}": func(f *target) request {
		return form("name", "Bưu điện đổi tên", "kind", "post", "contribution", "Hướng dẫn", "valid_from", "2026-01-01")
	},
	"POST /network/orgs/{id}/end": func(f *target) request { return form("date", changeDate) },
	"POST /network/import/villages": func(f *target) request {
		return request{parts: url.Values{"commune_id": {f.str("unit")}, "effective_date": {changeDate}, "legal_basis": {"QĐ thử"}},
			files: map[string]file{"file": {"thon.csv", []byte("Tên thôn tổ dân phố\nThôn Mới Lập\n")}}}
	},
	"POST /network/import/teams": func(f *target) request {
		return request{files: map[string]file{"file": {"to.csv", f.teamSheet()}}}
	},
	"POST /network/import/members": func(f *target) request {
		return request{files: map[string]file{"file": {"thanh-vien.csv", f.memberSheet()}}}
	},
	// the DX network, API
	"POST /api/v1/teams": func(f *target) request {
		return jsonReq(obj{"unit_id": f.id("village"), "decision_number": "77/QĐ-UBND", "decision_date": "2026-01-20"})
	},
	"PUT /api/v1/teams/{id}": func(f *target) request {
		return jsonReq(obj{"name": "Tổ đổi tên", "decision_number": "99/QĐ-UBND", "decision_date": "2026-01-11"})
	},
	"POST /api/v1/teams/{id}/status": func(f *target) request { return jsonReq(obj{"status": "suspended", "date": changeDate}) },
	"POST /api/v1/teams/{id}/members": func(f *target) request {
		return jsonReq(obj{"full_name": "Ksor Thử", "role": "member", "affiliation": "police", "valid_from": changeDate})
	},
	"POST /api/v1/team-members/{id}/end":  func(f *target) request { return jsonReq(obj{"date": changeDate}) },
	"POST /api/v1/team-members/{id}/role": func(f *target) request { return jsonReq(obj{"role": "deputy", "date": changeDate}) },
	"POST /api/v1/activities": func(f *target) request {
		return jsonReq(obj{"team_id": f.id("team"), "date": changeDate, "kind": "cashless", "people_helped": 9})
	},
	"POST /api/v1/activities/{id}/photo": func(f *target) request {
		return request{files: map[string]file{"photo": {"anh.png", pngFile}}}
	},
	"POST /api/v1/activities/{id}/void": func(f *target) request { return jsonReq(obj{"reason": "Ghi nhầm"}) },
	"POST /api/v1/network-orgs": func(f *target) request {
		return jsonReq(obj{"unit_id": f.id("unit"), "name": "Viettel", "kind": "telecom", "contribution": "Hỗ trợ sim", "valid_from": changeDate})
	},
	"PUT /api/v1/network-orgs/{id}": func(f *target) request {
		return jsonReq(obj{"name": "Bưu điện đổi tên", "kind": "post", "contribution": "Hướng dẫn", "valid_from": "2026-01-01"})
	},
	"POST /api/v1/network-orgs/{id}/end": func(f *target) request { return jsonReq(obj{"date": changeDate}) },
	"POST /api/v1/imports/villages": func(f *target) request {
		return request{query: url.Values{"commune_id": {f.str("unit")}, "effective_date": {changeDate}},
			files: map[string]file{"file": {"thon.csv", []byte("Tên thôn tổ dân phố\nThôn Mới Lập\n")}}}
	},
	"POST /api/v1/imports/teams": func(f *target) request {
		return request{files: map[string]file{"file": {"to.csv", f.teamSheet()}}}
	},
	"POST /api/v1/imports/team-members": func(f *target) request {
		return request{files: map[string]file{"file": {"thanh-vien.csv", f.memberSheet()}}}
	},

	// plans and tasks
	"POST /plans": func(f *target) request {
		return form("number", fmt.Sprintf("%d/KH-UBND", 700+f.serial), "type", "plan", "title", "Kế hoạch mới", "issued_on", changeDate,
			"owner_unit_id", f.str("unit"))
	},
	"POST /plans/{id}/draft": func(f *target) request {
		return form("text", "II. NHIỆM VỤ\n1. Số hóa hồ sơ ("+f.version("unit").Name+" chủ trì; thời gian: năm 2026)")
	},
	"POST /plans/{id}/confirm": func(f *target) request {
		return form("n", "1", "inc_0", "1", "title_0", "Nhiệm vụ mới", "lead_0", f.version("unit").Name, "schedule_0", "once", "due_0", "2026-12-31")
	},
	"POST /plans/{id}/tasks": func(f *target) request {
		return form("title", "Nhiệm vụ thêm", "lead", f.version("unit").Name, "schedule", "once", "due_on", changeDate)
	},
	"POST /plans/{id}/groups": func(f *target) request { return form("title", "Nhóm mới") },
	"POST /plans/{id}/targets": func(f *target) request {
		return form("title", "Chỉ tiêu mới", "goal", "80", "measure", "%", "due_on", changeDate)
	},
	"POST /tasks/{id}/reports": func(f *target) request {
		return request{parts: url.Values{"status": {"in_progress"}, "percent": {"60"}, "done": {"Tiến độ mới"}, "period": {"2026-H1"}},
			files: map[string]file{"evidence": {"bien-ban.pdf", pdf}}}
	},
	"POST /tasks/{id}/contributions": func(f *target) request { return form("body", "Đã phối hợp", "period", "2026-H2") },
	"POST /tasks/{id}/change": func(f *target) request {
		return form("title", "Nhiệm vụ đổi tên", "reason", "Theo kết luận giao ban")
	},
	"POST /tasks/{id}/cancel": func(f *target) request { return form("reason", "Đã lồng ghép vào nhiệm vụ khác") },
	"POST /tasks/{id}/carry":  func(f *target) request { return form("reason", "Chưa hoàn thành", "due_on", changeDate) },
	"POST /tasks/{id}/move": func(f *target) request {
		return form("group_id", f.str("group"), "reason", "Sắp xếp lại theo trụ cột")
	},
	"POST /plans/{id}/arrange": func(f *target) request {
		return form("group_id", f.str("group"), "parent_id", f.str("taskgroup2"), "reason", "Sắp xếp lại theo trụ cột")
	},
	"POST /plans/{id}/renumber": func(f *target) request {
		f.id("group")
		f.id("taskgroup2")
		return form("reason", "Đánh số lại theo thứ tự")
	},
	"POST /plans/{id}/edit": func(f *target) request {
		return form("number", fmt.Sprintf("%d/KH-UBND", 900+f.serial), "title", "Kế hoạch sửa", "issued_on", "01/01/2024", "reason", "Sửa trích yếu")
	},
	"POST /reports/{id}/review": func(f *target) request {
		return form("task_id", f.str("task"), "decision", "return", "comment", "Bổ sung minh chứng")
	},
	"POST /notifications/read": func(f *target) request { return form() },
	"POST /api/v1/plans": func(f *target) request {
		return jsonReq(obj{"number": fmt.Sprintf("%d/KH-UBND", 800+f.serial), "title": "Kế hoạch mới", "issued_on": changeDate, "owner_unit_id": f.id("unit")})
	},
	"POST /api/v1/plans/{id}/parse": func(f *target) request {
		return jsonReq(obj{"text": "II. NHIỆM VỤ\n1. Số hóa hồ sơ (" + f.version("unit").Name + " chủ trì; năm 2026)"})
	},
	"POST /api/v1/plans/{id}/tasks": func(f *target) request {
		return jsonReq(obj{"tasks": []any{obj{"title": "Nhiệm vụ thêm", "lead_unit_id": f.id("unit"), "schedule": "once", "due_on": changeDate}}})
	},
	"POST /api/v1/plans/{id}/groups":  func(f *target) request { return jsonReq(obj{"title": "Nhóm mới"}) },
	"POST /api/v1/plans/{id}/targets": func(f *target) request { return jsonReq(obj{"title": "Chỉ tiêu mới", "due_on": changeDate}) },
	"POST /api/v1/tasks/{id}/reports": func(f *target) request {
		return request{parts: url.Values{"status": {"in_progress"}, "percent": {"60"}, "done": {"Tiến độ mới"}, "period": {"2026-H1"}},
			files: map[string]file{"evidence": {"bien-ban.pdf", pdf}}}
	},
	"POST /api/v1/tasks/{id}/contributions": func(f *target) request { return jsonReq(obj{"body": "Đã phối hợp", "period": "2026-H2"}) },
	"POST /api/v1/tasks/{id}/change": func(f *target) request {
		return jsonReq(obj{"title": "Nhiệm vụ đổi tên", "reason": "Theo kết luận giao ban"})
	},
	"POST /api/v1/tasks/{id}/cancel": func(f *target) request { return jsonReq(obj{"reason": "Đã lồng ghép vào nhiệm vụ khác"}) },
	"POST /api/v1/tasks/{id}/carry":  func(f *target) request { return jsonReq(obj{"reason": "Chưa hoàn thành", "due_on": changeDate}) },
	"POST /api/v1/tasks/{id}/move": func(f *target) request {
		return jsonReq(obj{"group_id": f.id("group"), "reason": "Sắp xếp lại theo trụ cột"})
	},
	"POST /api/v1/groups/{id}/move": func(f *target) request {
		return jsonReq(obj{"parent_id": f.id("taskgroup2"), "reason": "Sắp xếp lại theo trụ cột"})
	},
	"POST /api/v1/plans/{id}/renumber": func(f *target) request {
		f.id("group")
		f.id("taskgroup2")
		return jsonReq(obj{"reason": "Đánh số lại theo thứ tự"})
	},
	"PUT /api/v1/plans/{id}": func(f *target) request {
		return jsonReq(obj{"number": fmt.Sprintf("%d/KH-UBND", 900+f.serial), "title": "Kế hoạch sửa", "issued_on": "2024-01-01", "reason": "Sửa trích yếu"})
	},
	"POST /api/v1/reports/{id}/review": func(f *target) request {
		return jsonReq(obj{"accept": false, "comment": "Bổ sung minh chứng"})
	},
	"POST /api/v1/notifications/read": func(f *target) request { return jsonReq(obj{}) },

	// public and own-account routes
	"POST /login": func(f *target) request {
		return form("login", "focal"+strconv.Itoa(f.serial), "password", "sai mật khẩu")
	},
	"POST /lang":           func(f *target) request { return form("lang", "vi", "next", "/") },
	"POST /logout":         func(f *target) request { return form() },
	"POST /account/tokens": func(f *target) request { return form("name", "kịch bản mới") },
	// a wrong current password: the caller's own account, left as it is
	"POST /account/password": func(f *target) request {
		return form("current_password", "không phải mật khẩu", "password", "một mật khẩu mới", "confirm", "một mật khẩu mới")
	},
	"PUT /api/v1/me/password": func(f *target) request {
		return jsonReq(obj{"current_password": "không phải mật khẩu", "password": "một mật khẩu mới"})
	},
	"POST /api/v1/tokens": func(f *target) request { return jsonReq(obj{"name": "kịch bản mới"}) },

	// the unit tree, pages
	"POST /units/{id}/rename": func(f *target) request {
		return form("effective_date", changeDate, "legal_basis", "NQ thử", "name", "Phường Đổi Tên", "code", f.unitCode(), "kind", "Phường")
	},
	"POST /units/{id}/move": func(f *target) request {
		return form("effective_date", changeDate, "legal_basis", "NQ thử", "parent_id", f.str("root"))
	},
	"POST /units/{id}/dissolve": func(f *target) request { return form("effective_date", changeDate, "legal_basis", "NQ thử") },
	"POST /units/{id}/children": func(f *target) request {
		return form("effective_date", changeDate, "legal_basis", "QĐ thử", "name", "Văn phòng HĐND và UBND", "level", "agency", "kind", "Văn phòng")
	},
	"POST /units/{id}/split": func(f *target) request {
		return form("effective_date", changeDate, "legal_basis", "NQ thử", "keep", "on", "part1_name", "Phường Tách Ra", "part1_code", f.unitCode()+"9", "part1_percent", "30")
	},
	"POST /units/{id}/merge": func(f *target) request {
		return form("effective_date", changeDate, "legal_basis", "NQ thử", "other_id", f.str("sibling"), "into", "this")
	},
	// the unit tree, API
	"POST /api/v1/units": func(f *target) request {
		return jsonReq(obj{"effective_date": changeDate, "legal_basis": "QĐ thử", "parent_id": f.id("unit"), "name": "Văn phòng HĐND và UBND", "level": "agency", "kind": "Văn phòng"})
	},
	"POST /api/v1/units/{id}/rename": func(f *target) request {
		return jsonReq(obj{"effective_date": changeDate, "legal_basis": "NQ thử", "name": "Phường Đổi Tên", "code": f.unitCode(), "kind": "Phường"})
	},
	"POST /api/v1/units/{id}/move": func(f *target) request {
		return jsonReq(obj{"effective_date": changeDate, "legal_basis": "NQ thử", "parent_id": f.id("root")})
	},
	"POST /api/v1/units/{id}/dissolve": func(f *target) request {
		return jsonReq(obj{"effective_date": changeDate, "legal_basis": "NQ thử"})
	},
	"POST /api/v1/units/{id}/split": func(f *target) request {
		return jsonReq(obj{"effective_date": changeDate, "legal_basis": "NQ thử", "keep": true,
			"parts": []any{obj{"name": "Phường Tách Ra", "level": "commune", "kind": "Phường", "parent_id": f.id("province"), "fraction": 0.3}}})
	},
	"POST /api/v1/merges": func(f *target) request {
		return jsonReq(obj{"effective_date": changeDate, "legal_basis": "NQ thử", "unit_ids": []any{f.id("unit"), f.id("sibling")}, "into_id": f.id("unit")})
	},
	"POST /api/v1/imports/units": func(f *target) request {
		return request{query: url.Values{"effective_date": {changeDate}, "legal_basis": {"Danh mục thử"}},
			files: map[string]file{"units": {"units.csv", f.unitList("Phường Đổi Tên")}}}
	},
	"POST /api/v1/imports/restructure": func(f *target) request {
		return request{query: url.Values{"effective_date": {changeDate}, "legal_basis": {"NQ thử"}},
			files: map[string]file{"units": {"units.csv", f.unitList("Phường Hợp Nhất")}, "mapping": {"mapping.csv", f.mapping("Phường Hợp Nhất")}}}
	},
	"POST /admin/import": func(f *target) request {
		return request{parts: url.Values{"mode": {"list"}, "effective_date": {changeDate}, "legal_basis": {"Danh mục thử"}},
			files: map[string]file{"units": {"units.csv", f.unitList("Phường Đổi Tên")}}}
	},

	"POST /people/import": func(f *target) request {
		return request{files: map[string]file{"file": {"can-bo.csv", f.peopleSheet()}}}
	},
	"POST /api/v1/imports/people": func(f *target) request {
		return request{files: map[string]file{"file": {"can-bo.csv", f.peopleSheet()}}}
	},

	// people, pages
	"POST /people": func(f *target) request {
		return form("full_name", "Âu Cơ", "gender", "female", "employment", "civil_servant", "qualification_level", "bachelor",
			"unit_id", f.str("unit"), "since", changeDate, "birth_year", "1990")
	},
	"POST /people/{id}": func(f *target) request {
		return form("full_name", "Lê Văn Đổi", "gender", "male", "title", "Phó Chủ tịch UBND", "employment", "civil_servant",
			"qualification_level", "master", "birth_year", "1985")
	},
	"POST /people/{id}/rotate": func(f *target) request {
		return form("to_unit_id", f.str("sibling"), "date", changeDate, "kind", "rotation", "decision", "QĐ luân chuyển")
	},
	"POST /units/{id}/committees": func(f *target) request {
		return form("name", "Ban Chỉ đạo kiện toàn", "decision_number", "99/QĐ-UBND", "decision_date", changeDate)
	},
	"POST /units/{id}/focal-units": func(f *target) request {
		return form("valid_from", changeDate, "holder_name", "Văn phòng HĐND và UBND", "kind", "focal")
	},
	"POST /units/{id}/roles": func(f *target) request {
		return form("valid_from", changeDate, "person_id", f.str("person"), "role", "focal", "mode", "concurrent")
	},
	"POST /committees/{id}/members": func(f *target) request {
		return form("person_id", f.str("person"), "role", "member", "unit_id", f.str("unit"))
	},
	"POST /committee-members/{id}/end": func(f *target) request { return form("date", changeDate, "unit_id", f.str("unit")) },
	"POST /roles/{id}/end":             func(f *target) request { return form("date", changeDate, "unit_id", f.str("unit")) },
	"POST /roles/{id}/fill": func(f *target) request {
		return form("date", changeDate, "person_id", f.str("person"), "unit_id", f.str("unit"))
	},
	"POST /training": func(f *target) request {
		return form("title", "Tập huấn kỹ năng số", "provider", "Sở KH&CN", "format", "online", "start_date", changeDate,
			"end_date", "2026-11-20", "hours", "16", "organiser_unit_id", f.str("unit"))
	},
	"POST /training/{id}/enrol": func(f *target) request { return form("person_id", f.str("person")) },
	"POST /enrolments/{id}": func(f *target) request {
		return form("course_id", f.str("course"), "status", "completed", "completed_on", changeDate)
	},
	// people, API
	"POST /api/v1/people": func(f *target) request {
		return jsonReq(obj{"full_name": "Âu Cơ", "gender": "female", "employment": "civil_servant", "qualification_level": "bachelor",
			"unit_id": f.id("unit"), "since": changeDate, "birth_year": 1990})
	},
	"PUT /api/v1/people/{id}": func(f *target) request {
		return jsonReq(obj{"full_name": "Lê Văn Đổi", "gender": "male", "title": "Phó Chủ tịch UBND", "employment": "civil_servant",
			"qualification_level": "master", "birth_year": 1985})
	},
	"POST /api/v1/people/{id}/rotate": func(f *target) request {
		return jsonReq(obj{"to_unit_id": f.id("sibling"), "date": changeDate, "kind": "rotation", "decision": "QĐ luân chuyển"})
	},
	"POST /api/v1/roles": func(f *target) request {
		return jsonReq(obj{"unit_id": f.id("unit"), "person_id": f.id("person"), "role": "focal", "mode": "concurrent", "valid_from": changeDate})
	},
	"POST /api/v1/roles/{id}/end": func(f *target) request { return jsonReq(obj{"date": changeDate}) },
	"POST /api/v1/roles/{id}/fill": func(f *target) request {
		return jsonReq(obj{"person_id": f.id("person"), "date": changeDate, "decision": "QĐ tuyển dụng"})
	},
	"POST /api/v1/committees": func(f *target) request {
		return jsonReq(obj{"unit_id": f.id("unit"), "name": "Ban Chỉ đạo kiện toàn", "decision_number": "99/QĐ-UBND", "decision_date": changeDate})
	},
	"POST /api/v1/committees/{id}/members": func(f *target) request {
		return jsonReq(obj{"person_id": f.id("person"), "role": "member"})
	},
	"POST /api/v1/committee-members/{id}/end": func(f *target) request { return jsonReq(obj{"date": changeDate}) },
	"POST /api/v1/focal-units": func(f *target) request {
		return jsonReq(obj{"unit_id": f.id("unit"), "holder_name": "Văn phòng HĐND và UBND", "kind": "focal", "valid_from": changeDate})
	},
	"POST /api/v1/courses": func(f *target) request {
		return jsonReq(obj{"title": "Tập huấn kỹ năng số", "provider": "Sở KH&CN", "format": "online", "start_date": changeDate,
			"end_date": "2026-11-20", "hours": 16, "organiser_unit_id": f.id("unit")})
	},
	"POST /api/v1/courses/{id}/enrolments": func(f *target) request { return jsonReq(obj{"person_ids": []any{f.id("person")}}) },
	"POST /api/v1/enrolments/{id}/complete": func(f *target) request {
		return request{parts: url.Values{"status": {"completed"}, "completed_on": {changeDate}},
			files: map[string]file{"certificate": {"chung-nhan.pdf", pdf}}}
	},

	// targets (the administrator's)
	"POST /admin/targets": func(f *target) request {
		return form("code", fmt.Sprintf("MOI%d", f.serial), "rule", "committee", "level", "commune", "param", "1", "goal", "90",
			"deadline", changeDate, "title_vi", "Chỉ tiêu mới", "title_en", "New target", "basis", "thử")
	},
	"POST /admin/targets/{id}": func(f *target) request {
		return form("code", fmt.Sprintf("THU%d", f.serial), "rule", "committee", "level", "commune", "param", "1", "goal", "90",
			"deadline", changeDate, "title_vi", "Chỉ tiêu đã sửa", "title_en", "Changed target", "basis", "thử")
	},
	"POST /api/v1/targets": func(f *target) request {
		return jsonReq(obj{"code": fmt.Sprintf("MOI%d", f.serial), "rule": "committee", "level": "commune", "param": 1, "goal": 0.9,
			"deadline": changeDate, "title_vi": "Chỉ tiêu mới", "title_en": "New target", "basis": "thử"})
	},
	"PUT /api/v1/targets/{id}": func(f *target) request {
		return jsonReq(obj{"code": fmt.Sprintf("THU%d", f.serial), "rule": "committee", "level": "commune", "param": 1, "goal": 0.9,
			"deadline": changeDate, "title_vi": "Chỉ tiêu đã sửa", "title_en": "Changed target", "basis": "thử"})
	},

	// settings (the administrator's): the completeness threshold
	"POST /admin/settings": func(f *target) request { return form("threshold", "85") },
	"PUT /api/v1/settings": func(f *target) request { return jsonReq(obj{"completeness_threshold": 0.85}) },

	// accounts
	"POST /admin/users": func(f *target) request {
		return form("login", fmt.Sprintf("moi%d", f.serial), "display_name", "Cán bộ mới", "password", "mật khẩu đủ dài", "role", "focal",
			"scope_unit_id", f.str("unit"), "locale", "vi")
	},
	"POST /admin/users/{id}": func(f *target) request {
		return form("display_name", "Tên đã đổi", "role", "focal", "scope_unit_id", f.str("unit"), "locale", "en")
	},
	"POST /account/tokens/{id}/revoke": func(f *target) request { return form() },
	"POST /api/v1/users": func(f *target) request {
		return jsonReq(obj{"login": fmt.Sprintf("moi%d", f.serial), "display_name": "Cán bộ mới", "password": "mật khẩu đủ dài", "role": "focal",
			"scope_unit_id": f.id("unit"), "locale": "vi"})
	},
	"PUT /api/v1/users/{id}": func(f *target) request {
		return jsonReq(obj{"display_name": "Tên đã đổi", "role": "focal", "scope_unit_id": f.id("unit"), "locale": "en"})
	},
	"DELETE /api/v1/tokens/{id}": func(f *target) request { return request{} },
}

// unitList is an official list with the target renamed.
func (f *target) unitList(name string) []byte {
	return fmt.Appendf(nil, "code,name,level,parent_code,kind\n%s,%s,commune,52,Phường\n", f.unitCode(), name)
}

// peopleSheet is a people sheet with one new person in the target.
func (f *target) peopleSheet() []byte {
	return fmt.Appendf(nil, "full_name,gender,employment,qualification_level,unit,since,role,mode\nÂu Cơ,female,civil_servant,bachelor,%s,%s,staff,concurrent\n",
		f.unitCode(), changeDate)
}

// teamSheet is a team sheet with one team in the target's village.
func (f *target) teamSheet() []byte {
	return fmt.Appendf(nil, "Mã thôn/xã,Số quyết định,Ngày quyết định\n#%d,78/QĐ-UBND,2026-01-20\n", f.id("village"))
}

// memberSheet is a member sheet with one new member of the target's team.
func (f *target) memberSheet() []byte {
	f.id("team")
	return fmt.Appendf(nil, "Mã thôn/xã,Họ và tên,Vai trò trong tổ,Thành phần,Ngày tham gia\n#%d,Rơ Châm Thử,member,volunteer,%s\n", f.id("village"), changeDate)
}

// pngFile is the smallest file the evidence store accepts as a PNG photo.
var pngFile = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

// mapping merges the target and its sibling into a new commune with the
// target's code.
func (f *target) mapping(name string) []byte {
	u, sib := f.version("unit"), f.version("sibling")
	return fmt.Appendf(nil, "level,new_code,new_name,old_code,old_name,share\ncommune,%s,%s,%s,%s,full\ncommune,%s,%s,%s,%s,full\n",
		u.Code, name, u.Code, u.Name, u.Code, name, sib.Code, sib.Name)
}

// ownWrites change only the caller's own account (or session), which any
// signed-in user may do.
var ownWrites = map[string]bool{"POST /logout": true, "POST /account/tokens": true, "POST /api/v1/tokens": true,
	"POST /account/password": true, "PUT /api/v1/me/password": true,
	"POST /notifications/read": true, "POST /api/v1/notifications/read": true}

// readOnlyPosts are POSTs that change nothing (a pasted plan read into a
// draft: its text is too large for a query string): refused like any
// other, but their replay need not write.
var readOnlyPosts = map[string]bool{"POST /plans/{id}/draft": true, "POST /api/v1/plans/{id}/parse": true}

// publicRoutes are the routes anyone may call without signing in. A new
// public route fails the scope test until it is added here.
var publicRoutes = map[string]bool{
	"GET /static/": true, "GET /healthz": true, "GET /login": true, "POST /login": true, "POST /lang": true,
	"GET /api/v1/openapi.json": true,
}

// byOwner are the changes only the target's own user may make (their API
// tokens); the operator makes every other change in the replays.
var byOwner = map[string]bool{"POST /account/tokens/{id}/revoke": true, "DELETE /api/v1/tokens/{id}": true}

func routeKey(r httpx.Route) string { return r.Method + " " + r.Pattern }

func isAPI(r httpx.Route) bool { return strings.HasPrefix(r.Pattern, api.Prefix+"/") }

// send makes one call and reads the answer.
func send(t testing.TB, c *apptest.Client, method, path string, r request) (*http.Response, []byte) {
	t.Helper()
	path, ct, body := r.encode(t, path)
	return c.Do(method, path, ct, bytes.NewReader(body))
}

// succeeded reports whether an answer says the change was made: a 2xx, or
// a page's redirect after a form (anywhere but the login page).
func succeeded(resp *http.Response) bool {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return true
	}
	return resp.StatusCode == http.StatusSeeOther && !strings.HasPrefix(resp.Header.Get("Location"), "/login")
}

// writeRoutes are the routes that change something, in the order the
// replays make them: a restructuring import ends units across a province,
// so it goes last.
func writeRoutes(s *apptest.Server) []httpx.Route {
	var out []httpx.Route
	for _, r := range s.Router.Routes() {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return !strings.Contains(out[i].Pattern, "restructure") && strings.Contains(out[j].Pattern, "restructure")
	})
	return out
}
