package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
)

// TestWatchReads: under a watched context, the generations asked for are
// noted with the values of a read taken before (not later ones), asking
// for all of them marks the work as depending on all, a statement of the
// work's own (a query, in a transaction or not, prepared or not) marks it
// as reading tables directly, and reading generations does not — in a
// request or on their own, on both engines, through the server's Open.
func TestWatchReads(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, q := range []string{
			`CREATE TABLE watch_a (id INTEGER PRIMARY KEY, generation INTEGER NOT NULL)`,
			`CREATE TABLE watch_b (id INTEGER PRIMARY KEY, generation INTEGER NOT NULL)`,
			`INSERT INTO watch_a (id, generation) VALUES (1, 5)`,
			`INSERT INTO watch_b (id, generation) VALUES (1, 9)`,
		} {
			if _, err := d.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		d.Follow("watch.a", `SELECT generation FROM watch_a WHERE id = 1`)
		d.Follow("watch.b", `SELECT generation FROM watch_b WHERE id = 1`)
		for _, inRequest := range []bool{true, false} {
			base := ctx
			if inRequest {
				base = db.Request(ctx)
			}
			before, err := d.GenerationsByName(base)
			if err != nil {
				t.Fatal(err)
			}
			if a, _ := before.Get("watch.a"); a != 5 {
				t.Fatalf("generations read %v", before)
			}
			if b, _ := before.Get("watch.b"); b != 9 {
				t.Fatalf("generations read %v", before)
			}
			wctx, rd := db.Watch(base)
			if _, err := d.Generation(wctx, "watch.a"); err != nil {
				t.Fatal(err)
			}
			if rd.Direct() {
				t.Errorf("request %v: reading a generation counted as a statement of the work", inRequest)
			}
			// a write between the read taken before and the Deps: the
			// Deps keep the value read before
			if _, err := d.ExecContext(ctx, `UPDATE watch_a SET generation = 6 WHERE id = 1`); err != nil {
				t.Fatal(err)
			}
			deps, all, ok := rd.Deps(before, "watch.b")
			if !ok || all || len(deps) != 2 || deps[0] != (db.Dep{Name: "watch.a", Gen: 5}) || deps[1] != (db.Dep{Name: "watch.b", Gen: 9}) {
				t.Errorf("request %v: deps %v all %v ok %v", inRequest, deps, all, ok)
			}
			after, err := d.GenerationsByName(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if db.Unchanged(deps, all, after) {
				t.Errorf("request %v: a generation read moved and the deps are unchanged", inRequest)
			}
			if !db.Unchanged([]db.Dep{{Name: "watch.b", Gen: 9}}, false, after) {
				t.Errorf("request %v: a generation not read moved and the deps changed", inRequest)
			}
			if _, err := d.ExecContext(ctx, `UPDATE watch_a SET generation = 5 WHERE id = 1`); err != nil {
				t.Fatal(err)
			}

			// all of them
			wctx, rd = db.Watch(base)
			if _, err := d.Generations(wctx); err != nil {
				t.Fatal(err)
			}
			if rd.Direct() {
				t.Errorf("request %v: reading every generation counted as a statement of the work", inRequest)
			}
			deps, all, ok = rd.Deps(before)
			if !ok || !all || len(deps) != before.Len() {
				t.Errorf("request %v: Generations gave deps %v all %v ok %v", inRequest, deps, all, ok)
			}
			if !db.Unchanged(deps, all, before) {
				t.Errorf("request %v: the deps of all differ from the read they were made of", inRequest)
			}
			d.Follow(fmt.Sprint("watch.later.", inRequest), `SELECT generation FROM watch_b WHERE id = 1`)
			later, err := d.GenerationsByName(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if db.Unchanged(deps, all, later) {
				t.Errorf("request %v: work that read all stands after another generation was followed", inRequest)
			}
		}

		// statements of the work's own, in each way they reach the database
		ways := map[string]func(ctx context.Context) error{
			"query": func(ctx context.Context) error {
				var n int
				return d.QueryRowContext(ctx, `SELECT COUNT(*) FROM watch_a`).Scan(&n)
			},
			"prepared": func(ctx context.Context) error {
				st, err := d.PrepareContext(context.Background(), `SELECT COUNT(*) FROM watch_b`)
				if err != nil {
					return err
				}
				defer st.Close()
				var n int
				return st.QueryRowContext(ctx).Scan(&n)
			},
			"transaction": func(ctx context.Context) error {
				return d.Tx(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, `UPDATE watch_b SET generation = generation WHERE id = 1`)
					return err
				})
			},
		}
		for name, do := range ways {
			wctx, rd := db.Watch(db.Request(ctx))
			if _, err := d.Generation(wctx, "watch.b"); err != nil {
				t.Fatal(err)
			}
			if err := do(ctx); err != nil { // not watched
				t.Fatal(err)
			}
			if rd.Direct() {
				t.Errorf("%s: a statement outside the watched context was noted", name)
			}
			if err := do(wctx); err != nil {
				t.Fatal(err)
			}
			if !rd.Direct() {
				t.Errorf("%s: a statement of the work was not noted", name)
			}
		}
	})
}
