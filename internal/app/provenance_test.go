package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// TestProvenanceAPIAndPage: the province's figure of the last ended month
// is explained the same way by the API and by the page its dashboard
// links to: the units below and the expected ones not counted; a ward's
// own value names its report; another ward's focal person is refused.
func TestProvenanceAPIAndPage(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		gialai, pleiku := s.TokenClient(t, "gialai"), s.TokenClient(t, "pleiku")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		ward := s.UnitNamed(t, "Phường Pleiku").UnitID
		hs, err := s.Indicators.ByCode(context.Background(), s.Admin, "HS_ALL")
		if err != nil {
			t.Fatal(err)
		}
		last := demo.LastEnded(indicator.Monthly, s.Org.Today())
		var pv indicator.Provenance
		path := fmt.Sprintf("/api/v1/indicators/%d/provenance?unit=%d&period=%s", hs.ID, province, last.Key())
		if code := gialai.JSON("GET", path, nil, &pv); code != http.StatusOK {
			t.Fatalf("provenance: %d", code)
		}
		if pv.Kind != indicator.FromRollup || pv.Basis != indicator.BasisApproved || len(pv.Children) == 0 || pv.MissingTotal == 0 ||
			pv.MissingTotal != pv.Figure.Expected-pv.Figure.Reported {
			t.Fatalf("the province's figure: kind %s on %s, %d below, %d missing of %d/%d", pv.Kind, pv.Basis, len(pv.Children), pv.MissingTotal,
				pv.Figure.Reported, pv.Figure.Expected)
		}
		if code := pleiku.JSON("GET", path, nil, &indicator.Provenance{}); code != http.StatusForbidden {
			t.Fatalf("a ward's focal person asked for the province's provenance: %d", code)
		}
		// the dashboard links each figure to its provenance, and the page
		// names what the API names
		web := s.Login(t, "gialai")
		_, body := web.Get(fmt.Sprintf("/indicators?unit=%d", province))
		link := fmt.Sprintf("/indicators/%d/provenance?basis=approved&amp;mode=asis&amp;period=%s&amp;unit=%d", hs.ID, last.Key(), province)
		if !strings.Contains(string(body), link) {
			t.Fatalf("the dashboard does not link the figure to %s", link)
		}
		resp, body := web.Get(strings.ReplaceAll(link, "&amp;", "&"))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("provenance page: %d", resp.StatusCode)
		}
		page := string(body)
		for _, want := range []string{pv.Children[0].Name, pv.Missing[0].Name, fmt.Sprint(pv.MissingTotal)} {
			if !strings.Contains(page, want) {
				t.Errorf("the page does not say %q", want)
			}
		}
		// a ward's own approved value: its report
		var own indicator.Provenance
		if code := gialai.JSON("GET", fmt.Sprintf("/api/v1/indicators/%d/provenance?unit=%d&period=%s", hs.ID, ward, last.Prev().Key()), nil, &own); code != http.StatusOK {
			t.Fatalf("the ward's provenance: %d", code)
		}
		if own.Kind != indicator.FromReport || own.Own == nil || own.Own.Submission == nil || own.Own.Submission.Status != indicator.Approved {
			t.Fatalf("the ward's value: kind %s, own %+v", own.Kind, own.Own)
		}
	})
}
