package people_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/people"
)

// The path through the API, as another system would drive it: find
// a commune without a focal person, record a person there, make them the
// focal person, record their training with a certificate, see the rates
// change; and the certificate comes back only to those whose scope covers it.
func TestComplianceThroughTheAPI(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		c := s.TokenClient(t, "gialai")
		var rep people.Report
		if code := c.JSON("GET", "/api/v1/compliance", nil, &rep); code != 200 {
			t.Fatalf("compliance: %d", code)
		}
		focal := result(t, &rep, "1690-FOCAL-COMMUNE")
		trained := result(t, &rep, "1690-TRAINED-COMMUNE")
		if len(focal.Failing) == 0 {
			t.Fatal("the demo has a commune without a focal person")
		}
		commune := focal.Failing[0].UnitID

		var p people.Person
		if code := c.JSON("POST", "/api/v1/people", map[string]any{"full_name": "Trần Văn Đầu Mối", "unit_id": commune,
			"title": "Công chức Văn phòng - Thống kê"}, &p); code != 201 {
			t.Fatalf("create person: %d", code)
		}
		var role people.Role
		if code := c.JSON("POST", "/api/v1/roles", map[string]any{"unit_id": commune, "person_id": p.ID, "role": "focal",
			"mode": "concurrent", "valid_from": s.Org.Today()}, &role); code != 201 {
			t.Fatalf("assign role: %d", code)
		}
		var courses struct{ Courses []people.CourseRow }
		c.JSON("GET", "/api/v1/courses?year=2026", nil, &courses)
		var course int64
		for _, cr := range courses.Courses {
			if cr.Title == "Bồi dưỡng kỹ năng chuyển đổi số cho cán bộ cấp xã năm 2026" {
				course = cr.ID
			}
		}
		if code := c.JSON("POST", fmt.Sprintf("/api/v1/courses/%d/enrolments", course), map[string]any{"person_ids": []int64{p.ID}}, nil); code != 200 {
			t.Fatalf("enrol: %d", code)
		}
		var view people.CourseView
		c.JSON("GET", fmt.Sprintf("/api/v1/courses/%d", course), nil, &view)
		var enrolment int64
		for _, pt := range view.Participants {
			if pt.PersonID == p.ID {
				enrolment = pt.ID
			}
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("certificate", "chung-nhan.pdf")
		fw.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
		mw.WriteField("completed_on", "20/11/2026")
		mw.Close()
		resp, out := c.Do("POST", fmt.Sprintf("/api/v1/enrolments/%d/complete", enrolment), mw.FormDataContentType(), &body)
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("complete: %d %s", resp.StatusCode, out)
		}
		var after people.Report
		c.JSON("GET", "/api/v1/compliance", nil, &after)
		if got := result(t, &after, "1690-FOCAL-COMMUNE"); got.Passing != focal.Passing+1 {
			t.Errorf("focal after: %d, want %d", got.Passing, focal.Passing+1)
		}
		if got := result(t, &after, "1690-TRAINED-COMMUNE"); got.Passing != trained.Passing+1 {
			t.Errorf("trained after: %d, want %d", got.Passing, trained.Passing+1)
		}
		// the certificate: the coordinator can read it, another commune's
		// focal person cannot
		var pv people.PersonView
		c.JSON("GET", fmt.Sprintf("/api/v1/people/%d", p.ID), nil, &pv)
		cert := pv.Enrolments[0].CertificateID
		if cert == 0 {
			t.Fatal("no certificate recorded")
		}
		if resp, _ := c.Get(fmt.Sprintf("/api/v1/files/%d", cert)); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("certificate: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if resp, _ := s.TokenClient(t, "pleiku").Get(fmt.Sprintf("/api/v1/files/%d", cert)); resp.StatusCode != 403 && resp.StatusCode != 404 {
			t.Errorf("another commune read the certificate: %d", resp.StatusCode)
		}
		// an executable renamed .pdf is refused, nothing recorded
		body.Reset()
		mw = multipart.NewWriter(&body)
		fw, _ = mw.CreateFormFile("certificate", "virus.pdf")
		fw.Write([]byte("MZ\x90\x00\x03this is not a pdf"))
		mw.WriteField("completed_on", "20/11/2026")
		mw.Close()
		if resp, _ := c.Do("POST", fmt.Sprintf("/api/v1/enrolments/%d/complete", enrolment), mw.FormDataContentType(), &body); resp.StatusCode != 422 {
			t.Errorf("a fake pdf: %d", resp.StatusCode)
		}
	})
}
