package people_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// registerCodes are the register's counts (Decision 1690's rates are
// judged from the whole register and wait for it).
var registerCodes = []string{"REG_DX_STAFF", "REG_DX_STAFF_DEDICATED", "REG_DX_STAFF_CONCURRENT", "REG_DX_STAFF_IT",
	"REG_FOCAL_PERSONS", "REG_VACANCIES", "REG_DX_STAFF_TRAINED", "REG_COMMITTEES", "REG_FOCAL_UNITS"}

// coldServer is a server just started on s's database: a people service
// whose register is not read yet, and an indicator service asking it.
type coldServer struct {
	p   *people.Service
	ind *indicator.Service
	m   indicator.UnitsMeasurer
}

func coldOf(t *testing.T, s *apptest.Server) coldServer {
	t.Helper()
	now := func() time.Time { return apptest.Now }
	p := people.Fresh(s.People)
	ind := indicator.NewService(s.DB, s.Org, &audit.Log{Now: now}, nil, now)
	if err := ind.RegisterMeasurer(p.Measurer()); err != nil {
		t.Fatal(err)
	}
	return coldServer{p, ind, p.Measurer().(indicator.UnitsMeasurer)}
}

// registerAsk is what a unit page asks of the register about one unit on
// one date: the register figures of the unit (the month's, as the page
// shows them) and the values of its subtree's units in force on the date.
type registerAsk struct {
	unit int64
	d    day.Day
}

// inForceUnder are unit's subtree's units in force on d, ascending (the
// units indicator.measuredUnder asks of MeasureUnits).
func inForceUnder(t *testing.T, s *apptest.Server, unit int64, d day.Day) []int64 {
	t.Helper()
	snap, err := s.Org.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var units []int64
	snap.Walk(unit, d, func(v *org.Version) bool {
		units = append(units, v.UnitID)
		return true
	})
	if len(units) == 0 {
		t.Fatalf("unit %d is not in force on %s", unit, d)
	}
	slices.Sort(units)
	return units
}

// askRegister is the answer to q, written out: each code's figure and its
// units' values, on the date and at the month's end.
func askRegister(t *testing.T, s *apptest.Server, c coldServer, q registerAsk) string {
	t.Helper()
	units := unitsOf(t, s, q)
	out, err := answer(s, c, q, units)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// unitsOf are the subtree's units in force on q's date and its month's
// end, and (under the zero day) the whole tree's at the month's end.
func unitsOf(t *testing.T, s *apptest.Server, q registerAsk) map[day.Day][]int64 {
	t.Helper()
	end := indicator.PeriodOf(indicator.Monthly, q.d).End()
	units := map[day.Day][]int64{}
	for _, to := range []day.Day{q.d, end} {
		units[to] = inForceUnder(t, s, q.unit, to)
	}
	snap, err := s.Org.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	units[day.Day{}] = inForceUnder(t, s, snap.RootID, end)
	return units
}

func answer(s *apptest.Server, c coldServer, q registerAsk, units map[day.Day][]int64) (string, error) {
	ctx := context.Background()
	var b strings.Builder
	period := indicator.PeriodOf(indicator.Monthly, q.d).Key()
	snap, err := s.Org.Snapshot(ctx)
	if err != nil {
		return "", err
	}
	end := indicator.PeriodOf(indicator.Monthly, q.d).End()
	for _, code := range registerCodes {
		// the figure from the subtree's values (measuredUnder), as for a
		// unit page of the national tree; a subtree holding more than a
		// quarter of the (demo's small) tree reads the country's instead
		if len(units[end]) <= len(units[day.Day{}])/4 {
			v, ok, err := c.ind.Measured(ctx, s.Admin, code, q.unit, period)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "%s %s: %v %v\n", code, period, v, ok)
		}
		for _, to := range []day.Day{q.d, end} {
			w := indicator.Window{From: day.Of(to.Year(), 1, 1), To: to}
			pu, err := c.m.MeasureUnits(ctx, code, w, units[to])
			if err != nil {
				return "", err
			}
			pu = landing(snap, to, units[to], pu)
			fmt.Fprintf(&b, "%s %s: %v %v\n", code, to, pu.Units, pu.Vals)
		}
	}
	return b.String(), nil
}

// askHeld asks q of a cold server whose first read of the whole register is
// held; it fails the test if the answer waited for the whole.
func askHeld(t *testing.T, s *apptest.Server, c coldServer, q registerAsk, release func()) string {
	t.Helper()
	units := unitsOf(t, s, q)
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := answer(s, c, q, units)
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.out
	case <-time.After(20 * time.Second):
		release()
		<-done
		t.Fatalf("unit %d on %s: the figures waited for the whole register", q.unit, q.d)
		return ""
	}
}

// strayInside gives unit a village that ended (dissolved 20 days before
// today) while a person still holds roles there: on today and later its
// values are strays, lifted "as it was" to unit. It returns the village.
func strayInside(t *testing.T, s *apptest.Server, unit int64) int64 {
	t.Helper()
	ctx := context.Background()
	today := s.Org.Today()
	village, err := s.Org.Establish(ctx, s.Admin, org.EstablishInput{Change: org.Change{Effective: today.AddDays(-100), LegalBasis: "Quyết định thử"},
		UnitSpec: org.UnitSpec{ParentID: unit, Code: "TDP-THU", Name: "Tổ dân phố Thử", Level: org.LevelVillage}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.People.CreatePerson(ctx, s.Admin, people.PersonInput{FullName: "Lê Thị Giải Thể", UnitID: unit, Since: today.AddDays(-90), QualIT: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []people.RoleInput{{Role: people.RoleFocal, Mode: people.Dedicated}, {Role: people.RoleStaff, Mode: people.Concurrent}} {
		r.UnitID, r.PersonID, r.From = village, p.ID, today.AddDays(-60)
		if _, err := s.People.AssignRole(ctx, s.Admin, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Org.Dissolve(ctx, s.Admin, org.DissolveInput{Change: org.Change{Effective: today.AddDays(-20), LegalBasis: "Quyết định thử"}, UnitID: village}); err != nil {
		t.Fatal(err)
	}
	return village
}

// landing are pu's values that an "as it was" figure of units on d counts:
// those of units, and of the units not in force lifted to one of them
// (their last version begun by d, its nearest ancestor in force on d, as
// indicator's layout.liftTo does). The whole register holds strays of the
// whole country, a part only those that may land in it.
func landing(snap *org.Snapshot, d day.Day, units []int64, pu indicator.PerUnit) indicator.PerUnit {
	in := func(u int64) bool { _, ok := slices.BinarySearch(units, u); return ok }
	var out indicator.PerUnit
	for i, u := range pu.Units {
		keep := in(u)
		if !keep && snap.At(u, d) == nil {
			var v *org.Version
			for _, h := range snap.History(u) {
				if !h.From.After(d) {
					v = h
				}
			}
			if v != nil {
				ids := strings.Split(strings.Trim(v.Path, "/"), "/")
				for j := len(ids) - 2; j >= 0; j-- {
					id, _ := strconv.ParseInt(ids[j], 10, 64)
					if snap.At(id, d) != nil {
						keep = in(id)
						break
					}
				}
			}
		}
		if keep {
			out.Units, out.Vals = append(out.Units, u), append(out.Vals, pu.Vals[i])
		}
	}
	return out
}

// TestScopedRegisterAnswersAsTheWhole: while a server's first read of the
// whole register runs (held here: a request reaching for it would wait),
// the register figures of a province, a ward (an old district before the
// 2025 reorganisation) and a commune — the unit page's figures through
// indicator.Service.Measured, and MeasureUnits' values of their subtree —
// are answered from a read of their units alone, and equal the whole
// register's, on a date of the old tree, today and a future date; among
// them a commune that ended while roles held there go on, whose values
// land in its province's figures as it was. Once the first read ends, the
// parts are dropped and the answers are the whole's.
func TestScopedRegisterAnswersAsTheWhole(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		today := s.Org.Today()
		past := day.Of(2025, 3, 15) // the old tree (the reorganisation is on 2025-07-01)
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		ward := s.UnitNamed(t, "Phường Pleiku").UnitID
		commune := s.UnitNamed(t, "Xã Ia Ly").UnitID
		gone := strayInside(t, s, ward)
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var oldProvince *org.Version // old Gia Lai
		for _, v := range snap.Children(snap.RootID, past) {
			if v.Name == "Tỉnh Gia Lai" {
				oldProvince = v
			}
		}
		if oldProvince == nil || oldProvince.UnitID == province {
			t.Fatal("no old Gia Lai")
		}
		var oldDistrict, oldCommune int64
		for _, v := range snap.Children(oldProvince.UnitID, past) {
			if cs := snap.Children(v.UnitID, past); len(cs) > 0 && oldDistrict == 0 {
				oldDistrict, oldCommune = v.UnitID, cs[0].UnitID
			}
		}
		if oldDistrict == 0 {
			t.Fatal("old Gia Lai has no district with communes")
		}
		// the dissolved village is a stray of the ward's, with values
		whole := coldOf(t, s)
		pu, err := whole.m.MeasureUnits(ctx, "REG_FOCAL_PERSONS", indicator.Window{From: today, To: today}, inForceUnder(t, s, ward, today))
		if err != nil {
			t.Fatal(err)
		}
		if pu = landing(snap, today, inForceUnder(t, s, ward, today), pu); !slices.Contains(pu.Units, gone) {
			t.Fatalf("the village dissolved (%d) has no value landing in the ward: %v", gone, pu.Units)
		}
		asks := []registerAsk{{oldProvince.UnitID, past}, {oldDistrict, past}, {oldCommune, past}}
		for _, d := range []day.Day{today, today.AddDays(75)} {
			asks = append(asks, registerAsk{province, d}, registerAsk{ward, d}, registerAsk{commune, d})
		}
		compared := 0
		for _, q := range asks {
			name := fmt.Sprintf("unit %d on %s", q.unit, q.d)
			want := askRegister(t, s, whole, q)
			cold := coldOf(t, s)
			release := people.HoldWhole(cold.p)
			got := askHeld(t, s, cold, q, release)
			reads, _ := people.ScopedReads(cold.p)
			release()
			if reads == 0 {
				t.Errorf("%s: answered without reading a part", name)
			}
			if got != want {
				t.Errorf("%s: the part's answers differ from the whole's:\npart\n%s\nwhole\n%s", name, got, want)
			}
			if n := people.ScopedParts(cold.p); n != 0 {
				t.Errorf("%s: %d parts kept after the first read ended", name, n)
			}
			if after := askRegister(t, s, cold, q); after != want {
				t.Errorf("%s: after the first read ended the answers differ from the whole's:\n%s\nwant\n%s", name, after, want)
			}
			if loads, _ := people.MeasurerReads(cold.p.Measurer()); loads != 1 {
				t.Errorf("%s: the whole register read %d times after the first read, want 1", name, loads)
			}
			compared += strings.Count(want, "true\n")
		}
		if loads, _ := people.MeasurerReads(whole.p.Measurer()); loads != 1 {
			t.Errorf("the whole register read %d times, want 1", loads)
		}
		if compared < 20 {
			t.Fatalf("only %d figures compared", compared)
		}
	})
}

// TestScopedRegisterSeesWrites: a role given while the first read runs,
// after a part was read, is in the next answer (the part is read again,
// the people generation having moved), which is the whole register's.
func TestScopedRegisterSeesWrites(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		today := s.Org.Today()
		period := indicator.PeriodOf(indicator.Monthly, today).Key()
		commune := s.UnitNamed(t, "Xã Ia Ly").UnitID
		cold := coldOf(t, s)
		release := people.HoldWhole(cold.p)
		defer func() {
			if release != nil {
				release()
			}
		}()
		figure := func(c coldServer) float64 {
			t.Helper()
			v, _, err := c.ind.Measured(ctx, s.Admin, "REG_DX_STAFF", commune, period)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		before := figure(cold)
		p, err := s.People.CreatePerson(ctx, s.Admin, people.PersonInput{FullName: "Phạm Văn Mới", UnitID: commune, Since: today.AddDays(-10)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.People.AssignRole(ctx, s.Admin, people.RoleInput{UnitID: commune, PersonID: p.ID, Role: people.RoleStaff, Mode: people.Dedicated, From: today.AddDays(-5)}); err != nil {
			t.Fatal(err)
		}
		after := figure(cold)
		if reads, _ := people.ScopedReads(cold.p); reads != 2 {
			t.Errorf("%d parts read, want 2 (one before the write, one after)", reads)
		}
		release()
		release = nil
		if after != before+1 {
			t.Fatalf("the role given during the first read is not seen: %v then %v", before, after)
		}
		if whole := figure(coldOf(t, s)); after != whole {
			t.Errorf("after the write the part's figure is %v, the whole's %v", after, whole)
		}
	})
}

// TestScopedRegisterReadShared: while the first read runs, 200 requests
// of one unit page at once (users signing in as the server starts) make
// one read of its part, the others waiting for it, and answer as the
// whole register; the nation waits for the whole.
func TestScopedRegisterReadShared(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		today := s.Org.Today()
		period := indicator.PeriodOf(indicator.Monthly, today).Key()
		ward := s.UnitNamed(t, "Phường Pleiku").UnitID
		figure := func(c coldServer) (float64, error) {
			v, _, err := c.ind.Measured(ctx, s.Admin, "REG_DX_STAFF", ward, period)
			return v, err
		}
		want, err := figure(coldOf(t, s))
		if err != nil {
			t.Fatal(err)
		}
		if want == 0 {
			t.Fatal("Pleiku has no DX staff to count")
		}
		cold := coldOf(t, s)
		release := people.HoldWhole(cold.p)
		const n = 200
		// the first request to read holds there until every other has
		// joined it
		gate := make(chan struct{})
		restore := people.HookScoped(func() { <-gate })
		var wg sync.WaitGroup
		got := make([]float64, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = figure(cold)
			}()
		}
		for deadline := time.Now().Add(30 * time.Second); ; runtime.Gosched() {
			if _, joined := people.ScopedReads(cold.p); joined == n-1 {
				break
			}
			if time.Now().After(deadline) {
				_, joined := people.ScopedReads(cold.p)
				close(gate)
				release()
				t.Fatalf("%d of %d requests joined the first one's read", joined, n-1)
			}
		}
		close(gate)
		wg.Wait()
		restore()
		reads, joined := people.ScopedReads(cold.p)
		if reads != 1 || joined != n-1 {
			t.Errorf("%d reads, %d joined: want 1 and %d", reads, joined, n-1)
		}
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if got[i] != want {
				t.Errorf("request %d: %v, want %v", i, got[i], want)
			}
		}
		// the nation is not read in parts: it waits for the whole
		nation := make(chan error, 1)
		go func() {
			_, err := cold.p.Measurer().Measure(ctx, "REG_DX_STAFF", indicator.Window{From: today, To: today})
			nation <- err
		}()
		release()
		if err := <-nation; err != nil {
			t.Fatal(err)
		}
		if reads, _ := people.ScopedReads(cold.p); reads != 1 {
			t.Errorf("the nation was read in parts: %d reads", reads)
		}
	})
}
