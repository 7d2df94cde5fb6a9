package network_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
)

var ctx = context.Background()

// withNetwork makes sure the demo's network is there (the demo seeds it;
// this only fills it in if the server was started without).
func withNetwork(t *testing.T, s *apptest.Server) {
	t.Helper()
	list, err := s.Network.ListTeams(ctx, s.Admin, network.TeamFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total > 0 {
		return
	}
	if err := demo.SeedNetwork(ctx, s.Org, s.People, s.Network, s.Admin); err != nil {
		t.Fatal(err)
	}
}

func actorOf(t *testing.T, s *apptest.Server, login string) *auth.Actor {
	t.Helper()
	return s.User(t, login).Actor()
}

// wantErr fails unless err is a user error of kind k whose key (or one of
// whose details' keys) is key, about field.
func wantErr(t *testing.T, err error, k errs.Kind, key, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s (%s)", key, field)
	}
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("want a user error %s, got %v", key, err)
	}
	if e.Kind != k {
		t.Fatalf("kind %d, want %d: %v", e.Kind, k, err)
	}
	if key == "" {
		return
	}
	for _, x := range append([]*errs.Error{e}, e.Details...) {
		if x.Key == key && (field == "" || x.Field == field) {
			return
		}
	}
	t.Fatalf("want %s at %s, got %v", key, field, err)
}

func isForbidden(err error) bool {
	var e *errs.Error
	return errors.As(err, &e) && (e.Kind == errs.Forbidden || e.Kind == errs.NotFound)
}

// villageWithoutTeam is a village of a commune with no team on d.
func villageWithoutTeam(t *testing.T, s *apptest.Server, commune int64, d day.Day) *org.Version {
	t.Helper()
	snap, err := s.Org.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Network.ListTeams(ctx, s.Admin, network.TeamFilter{UnitID: commune, AsOf: d, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	has := map[int64]bool{}
	for _, tm := range list.Teams {
		has[tm.UnitID] = true
	}
	for _, v := range snap.Children(commune, d) {
		if v.Level == org.LevelVillage && !has[v.UnitID] {
			return v
		}
	}
	t.Fatalf("every village of %d has a team", commune)
	return nil
}

func coverage(t *testing.T, s *apptest.Server, actor *auth.Actor, unit int64, d day.Day) *network.Coverage {
	t.Helper()
	c, err := s.Network.Coverage(ctx, actor, unit, d)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
