// Command genclient drives mangluoi through a client that oapi-codegen
// generated from the served OpenAPI document (into ./client, by
// TestGeneratedClient): what a province's own system would do with it. It
// exits non-zero, saying why, at the first thing that does not work.
//
// The server, the tokens and the records come from the environment:
// MANGLUOI_URL, MANGLUOI_TOKEN (a focal person of MANGLUOI_UNIT),
// MANGLUOI_REVIEWER_TOKEN (someone above that unit), MANGLUOI_ADMIN_TOKEN
// (the administrator, whose scope is the country), MANGLUOI_FORM (a
// monthly form the unit reports), MANGLUOI_TEAM (a community team).
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"mangluoiclient/client"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "genclient:", err)
		os.Exit(1)
	}
}

func newClient(token string) (*client.ClientWithResponses, error) {
	return client.NewClientWithResponses(os.Getenv("MANGLUOI_URL")+"/api/v1", client.WithRequestEditorFn(
		func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Accept-Language", "en")
			return nil
		}))
}

func id(name string) int64 {
	n, _ := strconv.ParseInt(os.Getenv(name), 10, 64)
	return n
}

func date(s string) *openapi_types.Date {
	t, _ := time.Parse(time.DateOnly, s)
	return &openapi_types.Date{Time: t}
}

// failed says what an answer that is not the expected one was.
func failed(what string, r *http.Response, body []byte) error {
	return fmt.Errorf("%s: %d %.300s", what, r.StatusCode, body)
}

func run(ctx context.Context) error {
	focal, err := newClient(os.Getenv("MANGLUOI_TOKEN"))
	if err != nil {
		return err
	}
	reviewer, err := newClient(os.Getenv("MANGLUOI_REVIEWER_TOKEN"))
	if err != nil {
		return err
	}

	admin, err := newClient(os.Getenv("MANGLUOI_ADMIN_TOKEN"))
	if err != nil {
		return err
	}

	// The provinces before and after the 2025 reorganisation: two old
	// provinces became the new Gia Lai.
	province := client.ListUnitsParamsLevel("province")
	counts := map[string]int{}
	for _, d := range []string{"2025-06-30", "2025-07-01"} {
		r, err := admin.ListUnitsWithResponse(ctx, &client.ListUnitsParams{D: date(d), Level: &province})
		if err != nil {
			return fmt.Errorf("listUnits as of %s: %w", d, err)
		}
		if r.JSON200 == nil || r.JSON200.Units == nil {
			return failed("listUnits as of "+d, r.HTTPResponse, r.Body)
		}
		for _, u := range *r.JSON200.Units {
			if !u.ValidFrom.Time.After(date(d).Time) && date(d).Time.Before(u.ValidTo.Time) {
				counts[d]++
			}
		}
		fmt.Printf("provinces as of %s: %d\n", d, counts[d])
	}
	if counts["2025-06-30"] != 2 || counts["2025-07-01"] != 1 {
		return fmt.Errorf("provinces in force: %v, want 2 then 1", counts)
	}

	// The compliance of the focal person's commune with the staffing rules.
	comp, err := focal.GetComplianceWithResponse(ctx, &client.GetComplianceParams{})
	if err != nil {
		return fmt.Errorf("getCompliance: %w", err)
	}
	if comp.JSON200 == nil || comp.JSON200.Results == nil || len(*comp.JSON200.Results) == 0 {
		return failed("getCompliance", comp.HTTPResponse, comp.Body)
	}
	fmt.Printf("compliance results: %d\n", len(*comp.JSON200.Results))

	// A community team.
	team, err := reviewer.GetTeamWithResponse(ctx, id("MANGLUOI_TEAM"), &client.GetTeamParams{})
	if err != nil {
		return fmt.Errorf("getTeam: %w", err)
	}
	if team.JSON200 == nil || team.JSON200.Team == nil {
		return failed("getTeam", team.HTTPResponse, team.Body)
	}
	fmt.Printf("team: %s (%s)\n", team.JSON200.Team.Name, team.JSON200.Status)

	// A value saved and submitted by the commune, then approved above it.
	v120, v60 := 120.0, 60.0
	values := []client.EntryValue{{Code: "HS_ALL", Value: &v120}, {Code: "HS_ONLINE", Value: &v60}}
	saved, err := focal.SaveUnitFormWithResponse(ctx, id("MANGLUOI_UNIT"), id("MANGLUOI_FORM"),
		client.EntryBody{Period: "2026-10", Values: &values, Submit: true})
	if err != nil {
		return fmt.Errorf("saveUnitForm: %w", err)
	}
	if saved.JSON200 == nil || saved.JSON200.Status != "submitted" {
		return failed("saveUnitForm", saved.HTTPResponse, saved.Body)
	}
	approved, err := reviewer.ReviewSubmissionWithResponse(ctx, saved.JSON200.Id, client.ReviewBody{Action: "approve", Comment: "Đạt yêu cầu"})
	if err != nil {
		return fmt.Errorf("reviewSubmission: %w", err)
	}
	if approved.JSON200 == nil || approved.JSON200.Status != "approved" {
		return failed("reviewSubmission", approved.HTTPResponse, approved.Body)
	}
	fmt.Printf("submission %d: %s\n", approved.JSON200.Id, approved.JSON200.Status)

	// An error comes back in the one error schema, readable as such.
	missing, err := focal.GetUnitWithResponse(ctx, 1<<40, &client.GetUnitParams{})
	if err != nil {
		return fmt.Errorf("getUnit: %w", err)
	}
	if missing.JSON404 == nil || missing.JSON404.Error.Message == "" {
		return failed("getUnit of no unit", missing.HTTPResponse, missing.Body)
	}
	fmt.Printf("no such unit: %d %s\n", missing.JSON404.Error.Status, missing.JSON404.Error.Message)
	return nil
}
