package network_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/network"
)

// The "done when" through the API, as another system (or a phone
// app) would do it with tokens: the ward's focal person sets up a team and
// adds its members, the team leader logs an activity with a photo, and the
// province's coverage reflects it; with the mistakes a client makes
// refused, and nothing of another commune reachable.
func TestAPIDoneWhen(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		today := s.Org.Today()
		ward, province := s.UnitNamed(t, "Phường Pleiku"), s.UnitNamed(t, "Tỉnh Gia Lai")
		village := villageWithoutTeam(t, s, ward.UnitID, today)
		focal, coord := s.TokenClient(t, "pleiku"), s.TokenClient(t, "gialai")

		var before network.Coverage
		if st := coord.JSON("GET", "/api/v1/network/coverage", nil, &before); st != 200 {
			t.Fatalf("coverage: %d", st)
		}
		var team network.Team
		if st := focal.JSON("POST", "/api/v1/teams", map[string]any{"unit_id": village.UnitID, "decision_number": "46/QĐ-UBND",
			"decision_date": today.AddDays(-3).String(), "decision_signer": "Chủ tịch UBND phường"}, &team); st != http.StatusCreated {
			t.Fatalf("create team: %d", st)
		}
		var failure api.ErrorBody
		if st := focal.JSON("POST", "/api/v1/teams", map[string]any{"unit_id": village.UnitID, "decision_number": "47/QĐ-UBND",
			"decision_date": today.String()}, &failure); st != http.StatusConflict || failure.Error.Details != nil && len(failure.Error.Details) > 0 {
			t.Fatalf("a second team in the village: %d %+v", st, failure)
		}
		if st := focal.JSON("POST", "/api/v1/teams", map[string]any{"unit_id": village.UnitID, "decision_no": "x"}, &failure); st != 422 {
			t.Fatalf("an unknown field: %d", st)
		}
		var leader network.Membership
		for i, m := range []map[string]any{
			{"full_name": "Siu H'Luân", "gender": "female", "role": "leader", "affiliation": "village_head", "phone": "0905 222 333", "valid_from": today.AddDays(-3).String()},
			{"full_name": "Rmah Dũng", "role": "deputy", "affiliation": "police"},
			{"full_name": "Đinh Thị Mai", "role": "member", "affiliation": "women_union"},
			{"full_name": "Lê Văn Viễn", "role": "member", "affiliation": "telecom"},
		} {
			var got network.Membership
			if st := focal.JSON("POST", fmt.Sprintf("/api/v1/teams/%d/members", team.ID), m, &got); st != http.StatusCreated {
				t.Fatalf("member %d: %d", i, st)
			}
			if i == 0 {
				leader = got
			}
		}
		if st := focal.JSON("POST", fmt.Sprintf("/api/v1/teams/%d/members", team.ID), map[string]any{"full_name": "Người Thứ Hai", "role": "leader"}, &failure); st != http.StatusConflict {
			t.Fatalf("a second leader: %d", st)
		}
		// the leader's own account, scoped to the village
		u, err := s.Auth.CreateUser(ctx, s.Admin, auth.UserInput{Login: "siuhluan", DisplayName: "Siu H'Luân", Password: "mật khẩu dài đủ",
			Role: auth.RoleFocal, ScopeUnitID: village.UnitID, Locale: "vi"})
		if err != nil {
			t.Fatal(err)
		}
		lead := s.TokenFor(t, u)
		var act network.Activity
		if st := lead.JSON("POST", "/api/v1/activities", map[string]any{"team_id": team.ID, "date": today.String(), "kind": "public_services",
			"place": "Nhà văn hóa", "people_helped": 31}, &act); st != http.StatusCreated {
			t.Fatalf("log: %d", st)
		}
		if st := lead.JSON("POST", "/api/v1/activities", map[string]any{"team_id": team.ID, "date": today.AddDays(1).String(), "kind": "public_services"}, &failure); st != 422 ||
			len(failure.Error.Details) > 0 || !strings.Contains(failure.Error.Message, today.VN()) {
			t.Fatalf("a date in the future: %d %+v", st, failure)
		}
		// the photo, sent when the connection allows
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		fw, _ := w.CreateFormFile("photo", "anh.png")
		fw.Write(png)
		w.Close()
		resp, body := lead.Do("POST", fmt.Sprintf("/api/v1/activities/%d/photo", act.ID), w.FormDataContentType(), &buf)
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"photo_file_id"`) {
			t.Fatalf("photo: %d %s", resp.StatusCode, body)
		}
		// the leader's scope is the village: another team is not theirs
		other := otherTeam(t, s, ward.UnitID, team.ID)
		if st := lead.JSON("POST", "/api/v1/activities", map[string]any{"team_id": other, "date": today.String(), "kind": "cashless"}, &failure); st != http.StatusForbidden {
			t.Fatalf("another team's activity: %d", st)
		}

		var after network.Coverage
		if st := coord.JSON("GET", fmt.Sprintf("/api/v1/network/coverage?unit=%d", province.UnitID), nil, &after); st != 200 {
			t.Fatalf("coverage: %d", st)
		}
		want := before.Total
		want.VillagesCovered++
		want.Teams++
		want.Members += 4
		want.Activities++
		want.Helped += 31
		if after.Total != want {
			t.Fatalf("coverage after:\n got %+v\nwant %+v", after.Total, want)
		}
		var view network.TeamView
		if st := coord.JSON("GET", fmt.Sprintf("/api/v1/teams/%d", team.ID), nil, &view); st != 200 || len(view.Members) != 4 || view.Members[0].PersonID != leader.PersonID ||
			view.Members[0].Phone != "0905222333" || len(view.Activities) != 1 || view.Commune != ward.Name {
			t.Fatalf("team: %d %+v", st, view)
		}
		var month network.Monthly
		if st := coord.JSON("GET", fmt.Sprintf("/api/v1/network/monthly?team=%d&year=%d", team.ID, today.Year()), nil, &month); st != 200 ||
			month.Total.Activities != 1 || month.Months[int(today.Time().Month())-1].Helped != 31 {
			t.Fatalf("monthly: %d %+v", st, month.Total)
		}
		// the viewer sees it, and changes nothing
		viewer := s.TokenClient(t, "lanhdao")
		if st := viewer.JSON("GET", fmt.Sprintf("/api/v1/teams/%d", team.ID), nil, nil); st != 200 {
			t.Fatalf("the viewer reads: %d", st)
		}
		if st := viewer.JSON("POST", fmt.Sprintf("/api/v1/teams/%d/status", team.ID), map[string]any{"status": "suspended", "date": today.String()}, &failure); st != http.StatusForbidden {
			t.Fatalf("the viewer writes: %d", st)
		}
		// exports open as spreadsheets
		for _, p := range []string{"/api/v1/network/coverage.xlsx", "/api/v1/network/teams/export.xlsx", "/api/v1/network/team-members/export.xlsx",
			"/api/v1/network/teams/template.xlsx", "/api/v1/network/team-members/template.xlsx", fmt.Sprintf("/api/v1/network/villages/template.xlsx?unit=%d", ward.UnitID)} {
			resp, body := focal.Get(p)
			if resp.StatusCode != 200 || !bytes.HasPrefix(body, []byte("PK")) {
				t.Errorf("%s: %d", p, resp.StatusCode)
			}
		}
	})
}
