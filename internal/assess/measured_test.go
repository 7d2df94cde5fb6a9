package assess_test

import (
	"context"
	"math"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/day"
)

// TestDemoScoresFromRegisters: the demo's commune criteria bound to REG_
// indicators score every commune from its registers — a commune with no
// committee, focal person or DX staff scores nothing for them, whatever
// it said of itself — with the source measured and the self-assessed
// score kept beside it.
func TestDemoScoresFromRegisters(t *testing.T) {
	s := apptest.StartSQLite(t)
	ctx := context.Background()
	gialai := s.User(t, "gialai").Actor()
	year := s.Org.Today().Year()
	r := roundOf(t, s, "GL-XA", year)
	end := day.Of(year, 12, 31)
	empty := 0
	for _, u := range r.Units {
		card, err := s.Assess.Card(ctx, gialai, r.ID, u)
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.People.Staffing(ctx, s.Admin, u, end)
		if err != nil {
			t.Fatal(err)
		}
		nl := 0.0
		for code, held := range map[string]int{"NL.1": st.Committees, "NL.2": st.FocalPersons, "NL.3": st.People} {
			n := nodeByCode(t, card.Framework, code)
			sc := card.Scores[n.ID]
			if sc.Source != assess.SourceMeasured || sc.Value == nil || *sc.Value != float64(held) {
				t.Fatalf("%s of %s: %+v, the register holds %d", code, card.Unit.Name, sc, held)
			}
			if sc.Counts == assess.CountsAuto && math.Abs(sc.Final-n.Score(float64(held))) > 1e-9 {
				t.Errorf("%s of %s scored %v from %d", code, card.Unit.Name, sc.Final, held)
			}
			nl += sc.Final
		}
		if st.Committees == 0 && st.FocalPersons == 0 && st.People == 0 {
			empty++
			if nl != 0 {
				t.Errorf("%s holds no committee, focal person or DX staff and scores %v for them", card.Unit.Name, nl)
			}
		}
	}
	t.Logf("%d communes, %d with no apparatus", len(r.Units), empty)
}
