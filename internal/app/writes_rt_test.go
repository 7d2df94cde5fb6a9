package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
)

// TestWriteRoundTrips: the mixed workload's writes through the API (a value
// pushed, an activity logged, a task's progress reported and the report
// reviewed), each held to the statements it sends now so that they only go
// down. Every write's audit entries go in with one INSERT (a statement
// prepared in the transaction cost a preparation — on PostgreSQL a round
// trip, and another to close it — at every write, while the audit head was
// held), and a value's checks read the unit's values of the period and of
// the one before in one statement. (A value: 22 statements before, 20
// after; 21 since the reports' generation moves with it too.)
func TestWriteRoundTrips(t *testing.T) {
	most := map[string]int64{"value": 21, "activity": 11, "task report": 19, "review": 19}
	countingServers(t, func(t *testing.T, s *apptest.Server) {
		f := freshTarget(t, s)
		unit := f.id("unit")
		f.id("form")
		task := f.id("task")
		team := f.id("team")
		gialai := s.TokenFor(t, s.User(t, "gialai"))
		warm := true
		count := func(what string, want int, send func() (*http.Response, []byte)) []byte {
			t.Helper()
			n0, _ := s.DB.Statements()
			resp, body := send()
			n, last := s.DB.Statements()
			if resp.StatusCode != want {
				t.Fatalf("%s: %d %s", what, resp.StatusCode, body)
			}
			if warm {
				return body
			}
			if n-n0 > most[what] {
				t.Errorf("%s sent %d statements, want at most %d; the last:\n%s", what, n-n0, most[what], strings.Join(last[len(last)-int(min(n-n0, 16)):], "\n"))
			} else {
				t.Logf("%s: %d statements", what, n-n0)
			}
			return body
		}
		for i := range 3 { // the first of each warms the caches
			warm = i == 0
			b, _ := json.Marshal(map[string]any{"values": []map[string]any{{"indicator": "HS_ALL", "unit_id": unit, "period": fixturePeriod,
				"value": 100 + i, "comment": "Số liệu thử"}}})
			count("value", http.StatusOK, func() (*http.Response, []byte) {
				return gialai.Do("POST", "/api/v1/values", "application/json", bytes.NewReader(b))
			})
			b, _ = json.Marshal(map[string]any{"team_id": team, "date": "2026-11-20", "kind": "vneid", "place": "Nhà văn hóa thôn", "people_helped": 3 + i, "note": "Thử"})
			count("activity", http.StatusCreated, func() (*http.Response, []byte) {
				return gialai.Do("POST", "/api/v1/activities", "application/json", bytes.NewReader(b))
			})
			var form bytes.Buffer
			w := multipart.NewWriter(&form)
			w.WriteField("status", "in_progress")
			w.WriteField("percent", fmt.Sprint(30+i))
			w.WriteField("done", "Đã triển khai đến các thôn")
			w.Close()
			body := count("task report", http.StatusCreated, func() (*http.Response, []byte) {
				return gialai.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/reports", task), w.FormDataContentType(), &form)
			})
			var r struct{ ID int64 }
			if err := json.Unmarshal(body, &r); err != nil || r.ID == 0 {
				t.Fatalf("task report: %s", body)
			}
			count("review", http.StatusOK, func() (*http.Response, []byte) {
				return gialai.Do("POST", fmt.Sprintf("/api/v1/reports/%d/review", r.ID), "application/json", strings.NewReader(`{"accept":false,"comment":"Đề nghị bổ sung minh chứng"}`))
			})
		}
	})
}
