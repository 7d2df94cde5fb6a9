package app_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestPlansSummaryCharts: the plans' summary draws its charts on the
// server (SVG bars, no chart library: it was the heaviest page on a phone)
// and gives each the same figures as a table and a sentence summarising
// them, so that a screen reader has what the bars show.
func TestPlansSummaryCharts(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		vi := s.Catalog.Printer("vi")
		leader := s.User(t, "gialai").Actor()
		d, err := s.Plans.Dashboard(ctx, leader, s.Org.Today())
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Plans) < 2 || len(d.Units) < 2 {
			t.Fatalf("the demo's summary has too little to draw: %d plans, %d units", len(d.Plans), len(d.Units))
		}
		resp, body := s.Login(t, "gialai").Get("/plans/dashboard")
		if resp.StatusCode != 200 {
			t.Fatalf("the summary: %d", resp.StatusCode)
		}
		page := html.UnescapeString(string(body))
		if strings.Contains(page, "echarts") {
			t.Error("the summary still loads the chart library")
		}
		if n, want := strings.Count(page, `<svg class="stack"`), len(d.Plans)+len(d.Units); n != want {
			t.Errorf("%d bars, want one a plan and a lead unit (%d)", n, want)
		}
		row := func(name string, c plans.Counts) string {
			r := `<tr><th scope="row">` + name + `</th>`
			for _, st := range plans.Statuses {
				r += "<td>" + vi.Int(c.Of(st)) + "</td>"
			}
			return r + "<td>" + vi.Int(c.Total) + "</td></tr>"
		}
		var sum plans.Counts
		for _, p := range d.Plans {
			sum = sum.Plus(p.Counts)
			if !strings.Contains(page, row(p.Number, p.Counts)) {
				t.Errorf("the figures of plan %s are not in the chart's table: want %s", p.Number, row(p.Number, p.Counts))
			}
		}
		for _, u := range d.Units {
			if !strings.Contains(page, row(u.Name, u.Counts)) {
				t.Errorf("the figures of %s are not in the chart's table", u.Name)
			}
		}
		summary := vi.T("plans.chart.by_plan_summary", "Rows", vi.Int(len(d.Plans)), "Done", vi.Int(sum.Done), "Total", vi.Int(sum.Total),
			"Overdue", vi.Int(sum.Overdue), "AtRisk", vi.Int(sum.AtRisk))
		if !strings.Contains(page, fmt.Sprintf(`<figure class="stack" aria-label="%s">`, summary)) {
			t.Errorf("the chart by plan is not summarised as %q", summary)
		}
	})
}

// TestChartsHaveText: every chart the leader's pages draw with ECharts is
// labelled by a sentence that says its figures (not only its title), and
// an indicator's trend, which no table on its page holds, has its figures
// as a table: a row a period, the value as the page writes it.
func TestChartsHaveText(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		leader := s.User(t, "gialai").Actor()
		c := s.Login(t, "gialai")
		inds, err := s.Indicators.List(ctx, leader, false)
		if err != nil || len(inds) == 0 {
			t.Fatalf("indicators: %d %v", len(inds), err)
		}
		forms, err := s.Indicators.Forms(ctx, leader)
		if err != nil || len(forms) == 0 {
			t.Fatalf("forms: %d %v", len(forms), err)
		}
		rounds, err := s.Assess.Rounds(ctx, leader)
		if err != nil || len(rounds) == 0 {
			t.Fatalf("rounds: %d %v", len(rounds), err)
		}
		chart := regexp.MustCompile(`<div class="chart[^"]*" data-chart="[^"]*" role="img" aria-label="([^"]*)"`)
		paths := []string{"/indicators", fmt.Sprintf("/indicators/%d", inds[0].ID), fmt.Sprintf("/assess/rounds/%d", rounds[0].ID)}
		for _, f := range forms { // a form's completeness draws its chart by part when its units have parts
			if f.Active {
				paths = append(paths, fmt.Sprintf("/forms/%d/completeness", f.ID))
			}
		}
		for _, path := range paths {
			resp, body := c.Get(path)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			page := string(body)
			all := chart.FindAllStringSubmatch(page, -1)
			if len(all) != strings.Count(page, `class="chart`) || (len(all) == 0 && !strings.HasPrefix(path, "/forms/")) {
				t.Errorf("%s: %d charts labelled of %d", path, len(all), strings.Count(page, `class="chart`))
			}
			page = html.UnescapeString(page)
			for _, m := range all {
				if !strings.ContainsAny(m[1], "0123456789") {
					t.Errorf("%s: a chart is labelled %q, which says none of its figures", path, m[1])
				}
			}
			if strings.HasPrefix(path, "/indicators/") {
				figures := page[strings.LastIndex(page, `<details class="figures">`):]
				figures = figures[:strings.Index(figures, "</details>")]
				if n := strings.Count(figures, `<tr><th scope="row">`); n < 12 {
					t.Errorf("%s: the trend's table has %d periods", path, n)
				}
			}
		}
	})
}
