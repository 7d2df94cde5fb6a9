package org_test

import (
	"context"
	"testing"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/org"
)

// TestStoredSnapshot: a start reads the tree of its generation from the
// stored blob, and what it decodes is what the tables give, field for field
// and in every order (both engines, the whole country with its 2025
// reorganisation and villages of the same name under two communes); a tree
// change, a blob of another format or a corrupt one means the tables again.
func TestStoredSnapshot(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			d := e.open(t)
			svc, admin := newService(t, d)
			importCountry(t, svc, admin)
			read, err := svc.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// two villages "Thôn 1" with no code, from the same day: only
			// their ids order them
			communes := read.Children(read.FindByCode(org.LevelProvince, "79", reorg).UnitID, reorg)
			for _, c := range communes[:2] {
				if _, err := svc.Establish(ctx, admin, org.EstablishInput{Change: org.Change{Effective: reorg, LegalBasis: "QĐ 1"},
					UnitSpec: org.UnitSpec{ParentID: c.UnitID, Name: "Thôn 1", Level: org.LevelVillage, Kind: "Thôn"}}); err != nil {
					t.Fatal(err)
				}
			}
			if read, err = svc.Snapshot(ctx); err != nil {
				t.Fatal(err)
			}
			if read.Stored() {
				t.Fatal("no snapshot was stored, yet the tree came from one")
			}

			fresh := func() *org.Snapshot {
				t.Helper()
				s, err := org.NewService(d, &audit.Log{Now: clock}, clock).Snapshot(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			if s := fresh(); s.Stored() {
				t.Fatal("a start found a stored snapshot before any was stored")
			} else if err := org.SameSnapshot(read, s); err != nil {
				t.Fatalf("two reads of the tables differ: %v", err)
			}

			if err := svc.StoreSnapshot(ctx); err != nil {
				t.Fatal(err)
			}
			got := fresh()
			if !got.Stored() {
				t.Fatal("a start did not read the stored snapshot")
			}
			if err := org.SameSnapshot(read, got); err != nil {
				t.Fatalf("stored snapshot differs from the tables: %v", err)
			}
			// what the pages ask of it: the children in name order
			hcm := got.FindByCode(org.LevelProvince, "79", reorg)
			if a, b := read.Children(hcm.UnitID, reorg), got.Children(hcm.UnitID, reorg); len(a) != len(b) || a[0].UnitID != b[0].UnitID {
				t.Fatalf("children differ: %d, %d", len(a), len(b))
			}
			// storing a tree read from a stored one writes nothing new
			if err := org.NewService(d, &audit.Log{Now: clock}, clock).StoreSnapshot(ctx); err != nil {
				t.Fatal(err)
			}

			// a tree change: the stored snapshot is of an older generation
			if err := svc.Rename(ctx, admin, org.RenameInput{Change: org.Change{Effective: mustDay("2026-01-01"), LegalBasis: "QĐ 2"},
				UnitID: hcm.UnitID, Name: "Thành phố Sài Gòn", Code: hcm.Code, Kind: hcm.Kind}); err != nil {
				t.Fatal(err)
			}
			changed := fresh()
			if changed.Stored() || changed.At(hcm.UnitID, mustDay("2026-01-01")).Name != "Thành phố Sài Gòn" {
				t.Fatal("a start after a tree change did not read the tables")
			}
			if err := svc.StoreSnapshot(ctx); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM tree_snapshots`).Scan(&n); err != nil || n != 1 {
				t.Fatalf("stored snapshots after a second store: %d %v", n, err)
			}
			want, err := svc.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if s := fresh(); !s.Stored() || org.SameSnapshot(want, s) != nil {
				t.Fatalf("the new generation's stored snapshot was not read, or differs: %v", org.SameSnapshot(want, s))
			}

			// another build's format, then a blob that does not decode
			for _, step := range []struct {
				q    string
				args []any
			}{
				{`UPDATE tree_snapshots SET format = format + 1`, nil},
				{`UPDATE tree_snapshots SET format = format - 1, data = $1`, []any{[]byte{1, 2, 3}}},
			} {
				if _, err := d.ExecContext(ctx, step.q, step.args...); err != nil {
					t.Fatal(err)
				}
				s := fresh()
				if s.Stored() {
					t.Fatalf("after %q a start used the stored snapshot", step.q)
				}
				if err := org.SameSnapshot(want, s); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// TestStoredSnapshotCorrupt: a blob cut short or with a byte changed is
// refused or decoded, never a panic or a runaway allocation.
func TestStoredSnapshotCorrupt(t *testing.T) {
	svc, admin := newService(t, engines[0].open(t))
	importCountry(t, svc, admin)
	snap, err := svc.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := org.EncodeForTest(snap)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.DecodeForTest(b); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 5, 100, len(b) / 3, len(b) / 2, len(b) - 1} {
		if _, err := org.DecodeForTest(b[:n]); err == nil {
			t.Errorf("a blob cut at %d of %d bytes decoded", n, len(b))
		}
	}
	for _, i := range []int{0, 1, 3, 7, 50, len(b) / 4, len(b) / 2, len(b) - 2} {
		c := append([]byte(nil), b...)
		c[i] ^= 0xff
		org.DecodeForTest(c) // either answer, but no panic
	}
}
