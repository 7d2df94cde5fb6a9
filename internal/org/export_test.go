package org

import (
	"fmt"
	"reflect"
)

// Stored reports whether s was read from a stored snapshot (tests only).
func (s *Snapshot) Stored() bool { return s.stored }

// EncodeForTest and DecodeForTest are the stored snapshot's codec.
func EncodeForTest(s *Snapshot) ([]byte, error) { return encodeSnapshot(s) }
func DecodeForTest(b []byte) (*Snapshot, error) { return decodeSnapshot(b) }

// SameSnapshot says where two snapshots differ: every version (each field,
// its rank), every index in its order, the lineage and the events.
func SameSnapshot(a, b *Snapshot) error {
	if a.Generation != b.Generation || a.RootID != b.RootID {
		return fmt.Errorf("generation/root %d/%d, %d/%d", a.Generation, a.RootID, b.Generation, b.RootID)
	}
	if err := sameVersions("all", a.all, b.all); err != nil {
		return err
	}
	if err := sameVersions("versions", a.versions.vs, b.versions.vs); err != nil {
		return err
	}
	for _, v := range a.all {
		if err := sameVersions(fmt.Sprintf("versions[%d]", v.UnitID), a.versions.of(v.UnitID), b.versions.of(v.UnitID)); err != nil {
			return err
		}
	}
	if err := sameVersions("children", a.children.vs, b.children.vs); err != nil {
		return err
	}
	for _, v := range a.all {
		if err := sameVersions(fmt.Sprintf("children[%d]", v.UnitID), a.children.of(v.UnitID), b.children.of(v.UnitID)); err != nil {
			return err
		}
	}
	for name, m := range map[string][2]map[int64][]Link{"preds": {a.preds, b.preds}, "succs": {a.succs, b.succs}} {
		if !reflect.DeepEqual(m[0], m[1]) {
			return fmt.Errorf("%s differ", name)
		}
	}
	if len(a.events) != len(b.events) || len(a.eventList) != len(b.eventList) {
		return fmt.Errorf("events: %d, %d", len(a.events), len(b.events))
	}
	for id, ea := range a.events {
		eb := b.events[id]
		if eb == nil || !ea.CreatedAt.Equal(eb.CreatedAt) {
			return fmt.Errorf("event %d: %+v, %+v", id, ea, eb)
		}
		x, y := *ea, *eb
		x.CreatedAt = y.CreatedAt
		if x != y {
			return fmt.Errorf("event %d: %+v, %+v", id, ea, eb)
		}
	}
	return nil
}

func sameVersions(where string, a, b []*Version) error {
	if len(a) != len(b) {
		return fmt.Errorf("%s: %d versions, %d", where, len(a), len(b))
	}
	for i := range a {
		if *a[i] != *b[i] {
			return fmt.Errorf("%s[%d]: %+v, %+v", where, i, *a[i], *b[i])
		}
	}
	return nil
}

// LoadTables reads the tree from its tables, never from a stored snapshot.
var LoadTables = load
