package audit_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
)

var (
	ctx   = context.Background()
	at    = time.Date(2026, 11, 22, 9, 0, 0, 123456789, time.FixedZone("ICT", 7*3600))
	log   = &audit.Log{Now: func() time.Time { return at }}
	alice = audit.Who{UserID: 7, Label: "alice"}
)

// write records entries in a transaction of their own.
func write(t *testing.T, d *db.DB, who audit.Who, entries ...audit.Entry) {
	t.Helper()
	if err := d.Tx(ctx, func(tx *sql.Tx) error { return log.Write(ctx, tx, who, entries...) }); err != nil {
		t.Fatal(err)
	}
}

// entry is a unit change numbered n.
func entry(n int) audit.Entry {
	return audit.Entry{Action: "unit.rename", Entity: "unit", EntityID: fmt.Sprint(n), UnitID: int64(n),
		Before: map[string]any{"name": fmt.Sprintf("Xã %d", n)}, After: map[string]any{"name": fmt.Sprintf("Phường %d", n)}}
}

// writeN records n entries, one transaction each.
func writeN(t *testing.T, d *db.DB, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		write(t, d, alice, entry(i))
	}
}

func verify(t *testing.T, d *db.DB) (int64, []audit.Problem) {
	t.Helper()
	n, problems, err := audit.Verify(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	return n, problems
}

func mustVerify(t *testing.T, d *db.DB, want int64) {
	t.Helper()
	if n, problems := verify(t, d); n != want || len(problems) != 0 {
		t.Fatalf("Verify: %d entries, problems %v; want %d entries and none", n, problems, want)
	}
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.ExecContext(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// dropTriggers removes the append-only guard, as someone with direct
// database access could, so that tampering can be tried.
func dropTriggers(t *testing.T, d *db.DB) {
	t.Helper()
	if d.Dialect == db.Postgres {
		exec(t, d, `DROP TRIGGER audit_log_no_change ON audit_log`)
		exec(t, d, `DROP TRIGGER audit_log_no_truncate ON audit_log`)
		exec(t, d, `DROP TRIGGER audit_head_no_delete ON audit_head`)
		exec(t, d, `DROP TRIGGER audit_head_no_truncate ON audit_head`)
		return
	}
	exec(t, d, `DROP TRIGGER audit_log_no_update`)
	exec(t, d, `DROP TRIGGER audit_log_no_delete`)
	exec(t, d, `DROP TRIGGER audit_head_no_delete`)
}

func TestWriteAndList(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		mustVerify(t, d, 0) // an empty log is a valid one
		write(t, d, alice, entry(1))
		write(t, d, audit.System("import"), entry(2), entry(3),
			audit.Entry{Action: "user.create", Entity: "user", EntityID: "9", After: struct {
				Login string `json:"login"`
			}{"bob"}})
		write(t, d, alice) // nothing to record
		mustVerify(t, d, 4)

		all, err := audit.List(ctx, d, audit.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 4 {
			t.Fatalf("List: %d entries", len(all))
		}
		for i, r := range all { // newest first, each linked to the one before
			if r.Seq != int64(4-i) {
				t.Errorf("entry %d has seq %d", i, r.Seq)
			}
			if i+1 < len(all) && r.PrevHash != all[i+1].Hash {
				t.Errorf("entry %d does not link to entry %d", r.Seq, all[i+1].Seq)
			}
		}
		first, user := all[3], all[0]
		if first.PrevHash != "" || first.Actor != "alice" || first.ActorID != 7 || first.UnitID != 1 ||
			first.At != "2026-11-22T02:00:00.123456Z" || string(first.Before) != `{"name":"Xã 1"}` || string(first.After) != `{"name":"Phường 1"}` {
			t.Errorf("first entry = %+v", first)
		}
		if user.Actor != "system:import" || user.ActorID != 0 || user.UnitID != 0 || user.Before != nil || string(user.After) != `{"login":"bob"}` {
			t.Errorf("user entry = %+v", user)
		}

		for _, c := range []struct {
			q    audit.Query
			want []int64
		}{
			{audit.Query{UnitIDs: []int64{1, 3}}, []int64{3, 1}},
			{audit.Query{Entity: "user"}, []int64{4}},
			{audit.Query{Entity: "unit", EntityID: "2"}, []int64{2}},
			{audit.Query{BeforeSeq: 3}, []int64{2, 1}},
			{audit.Query{Limit: 2}, []int64{4, 3}},
			{audit.Query{UnitIDs: []int64{99}}, nil},
		} {
			got, err := audit.List(ctx, d, c.q)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []int64
			for _, r := range got {
				seqs = append(seqs, r.Seq)
			}
			if fmt.Sprint(seqs) != fmt.Sprint(c.want) {
				t.Errorf("List(%+v) = %v, want %v", c.q, seqs, c.want)
			}
		}
	})
}

// TestWriteIsTransactional: entries of a transaction that fails are gone
// with it, and the chain goes on from the last committed entry.
func TestWriteIsTransactional(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		writeN(t, d, 2)
		boom := errors.New("the change failed")
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			if err := log.Write(ctx, tx, alice, entry(3)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx = %v", err)
		}
		// an entry that cannot be recorded fails the write
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			return log.Write(ctx, tx, alice, entry(3), audit.Entry{Action: "x", Entity: "x", After: make(chan int)})
		})
		if err == nil {
			t.Fatal("an unmarshallable entry was written")
		}
		mustVerify(t, d, 2)
		write(t, d, alice, entry(3))
		mustVerify(t, d, 3)
	})
}

func TestConcurrentWriters(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		const writers, each = 6, 5
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					errs <- d.Tx(ctx, func(tx *sql.Tx) error { return log.Write(ctx, tx, alice, entry(w*100+i)) })
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		mustVerify(t, d, writers*each)
	})
}

func TestTriggersRefuseChanges(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		writeN(t, d, 3)
		for _, q := range []string{
			`UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`,
			`UPDATE audit_log SET seq = seq + 10`,
			`DELETE FROM audit_log WHERE seq = 3`,
			`DELETE FROM audit_log`,
		} {
			if _, err := d.ExecContext(ctx, q); err == nil {
				t.Errorf("%s: allowed", q)
			} else if !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: refused with %v, not by the append-only trigger", q, err)
			}
		}
		mustVerify(t, d, 3)
	})
}

func TestVerifyDetectsTampering(t *testing.T) {
	for _, c := range []struct {
		name   string
		tamper string
		seq    int64  // where the problem is reported
		reason string // what it says
	}{
		{"altered content", `UPDATE audit_log SET after_json = '{"name":"Phường 99"}' WHERE seq = 3`, 3, "altered"},
		{"altered actor", `UPDATE audit_log SET actor = 'bob' WHERE seq = 1`, 1, "altered"},
		{"altered time", `UPDATE audit_log SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 4`, 4, "altered"},
		{"hash replaced", `UPDATE audit_log SET hash = prev_hash WHERE seq = 2`, 2, "altered"},
		{"deleted in the middle", `DELETE FROM audit_log WHERE seq = 3`, 3, "missing"},
		{"deleted tail", `DELETE FROM audit_log WHERE seq >= 4`, 4, "removed from the end"},
		{"appended by hand", `INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, prev_hash, hash)
			SELECT 6, at, actor, action, entity, entity_id, hash, hash FROM audit_log WHERE seq = 5`, 6, "altered"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
				writeN(t, d, 5)
				mustVerify(t, d, 5)
				dropTriggers(t, d)
				exec(t, d, c.tamper)
				_, problems := verify(t, d)
				found := false
				for _, p := range problems {
					if p.Seq == c.seq && strings.Contains(p.Reason, c.reason) {
						found = true
					}
				}
				if !found {
					t.Errorf("problems %+v do not include entry %d %q", problems, c.seq, c.reason)
				}
			})
		})
	}
}

// TestVerifyChainLink: an entry copied whole from elsewhere keeps a valid
// hash of its own but no longer links to its neighbour.
func TestVerifyChainLink(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		writeN(t, d, 3)
		dropTriggers(t, d)
		// replace entry 2 by a copy of entry 3 renumbered as 2: its hash is
		// then wrong, and entry 3 still links to the old entry 2
		exec(t, d, `DELETE FROM audit_log WHERE seq = 2`)
		exec(t, d, `INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, unit_id, before_json, after_json, prev_hash, hash)
			SELECT 2, at, actor_id, actor, action, entity, entity_id, unit_id, before_json, after_json, prev_hash, hash FROM audit_log WHERE seq = 3`)
		_, problems := verify(t, d)
		var seqs []int64
		for _, p := range problems {
			seqs = append(seqs, p.Seq)
		}
		if len(problems) < 2 || seqs[0] != 2 {
			t.Errorf("problems = %+v", problems)
		}
		linked := false
		for _, p := range problems {
			if p.Seq == 3 && strings.Contains(p.Reason, "does not link") {
				linked = true
			}
		}
		if !linked {
			t.Errorf("entry 3 should no longer link: %+v", problems)
		}
	})
}
