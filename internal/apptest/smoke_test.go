package apptest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
)

func TestServerStartsWithDemo(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		c := s.Login(t, "gialai")
		// home is the coordinator's own first screen, of their province
		resp, body := c.Get("/")
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Tỉnh Gia Lai") {
			t.Fatalf("home: %d %s", resp.StatusCode, body)
		}
		var me struct{ Login string }
		if code := s.TokenClient(t, "gialai").JSON("GET", "/api/v1/me", nil, &me); code != 200 || me.Login != "gialai" {
			t.Fatalf("api me: %d %+v", code, me)
		}
	})
}
