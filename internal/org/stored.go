package org

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
)

// A stored snapshot is the tree of one generation as one blob (table
// tree_snapshots): the versions already in Vietnamese name order, every
// string once. A server's start reads it instead of the tables: on the
// national tree (80,000 versions) the tables cost 0.4–1 s to read and sort,
// most of the cold start (issue 14, item 7), the blob a few tens of ms.
//
// The tables stay the truth. A blob is used only for the generation it was
// made from (every tree change moves the generation, see writer.finish), and
// only if its format is this build's; anything else, or a blob that does not
// decode, means the normal read. Reads inside a tree change's transaction
// (edit, Restructure) always read the tables: they must see the
// transaction's own writes, under the old generation.

// storedFormat is the layout of the blob below. Change it whenever the
// layout, the Version fields or the name order (the collation, compareTies)
// change: a blob of another format is not read.
const storedFormat = 1

// encodeSnapshot writes s as a blob: a string table, then the versions in
// name order, the lineage in its read order, the events by id.
//
//	uvarint generation, root
//	uvarint number of strings, each string's length, then their bytes
//	uvarint number of versions; each: id, unit, from, to (days since 1970,
//	  varint), code, name, folded, level, kind (string numbers), parent,
//	  path (string number), event
//	uvarint number of links; each: predecessor, successor, event, share
//	  (string number), 0 or 1 then the fraction's float64 bits
//	uvarint number of events; each: id, kind, effective, legal basis,
//	  note (string numbers), actor, created at (time.MarshalBinary, with
//	  its length)
//
// Ids are varints (an id is never negative, but a varint costs nothing more).
func encodeSnapshot(s *Snapshot) ([]byte, error) {
	e := &encoder{strs: map[string]uint64{}}
	var body []byte
	body = binary.AppendUvarint(body, uint64(len(s.all)))
	for _, v := range s.all {
		body = binary.AppendVarint(body, v.ID)
		body = binary.AppendVarint(body, v.UnitID)
		body = binary.AppendVarint(body, days(v.From))
		body = binary.AppendVarint(body, days(v.To))
		body = e.str(body, v.Code)
		body = e.str(body, v.Name)
		body = e.str(body, v.Folded)
		body = e.str(body, string(v.Level))
		body = e.str(body, v.Kind)
		body = binary.AppendVarint(body, v.ParentID)
		body = e.str(body, v.Path)
		body = binary.AppendVarint(body, v.EventID)
	}
	body = binary.AppendUvarint(body, uint64(len(s.links)))
	for _, l := range s.links {
		body = binary.AppendVarint(body, l.PredecessorID)
		body = binary.AppendVarint(body, l.SuccessorID)
		body = binary.AppendVarint(body, l.EventID)
		body = e.str(body, string(l.Share))
		if l.Fraction == nil {
			body = append(body, 0)
		} else {
			body = append(body, 1)
			body = binary.LittleEndian.AppendUint64(body, math.Float64bits(*l.Fraction))
		}
	}
	body = binary.AppendUvarint(body, uint64(len(s.eventList)))
	for _, ev := range s.eventList {
		body = binary.AppendVarint(body, ev.ID)
		body = e.str(body, string(ev.Kind))
		body = binary.AppendVarint(body, days(ev.Effective))
		body = e.str(body, ev.LegalBasis)
		body = e.str(body, ev.Note)
		body = binary.AppendVarint(body, ev.ActorID)
		t, err := ev.CreatedAt.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", ev.ID, err)
		}
		body = binary.AppendUvarint(body, uint64(len(t)))
		body = append(body, t...)
	}

	out := make([]byte, 0, len(body)+len(e.bytes)+5*len(e.list)+32)
	out = binary.AppendVarint(out, s.Generation)
	out = binary.AppendVarint(out, s.RootID)
	out = binary.AppendUvarint(out, uint64(len(e.list)))
	for _, str := range e.list {
		out = binary.AppendUvarint(out, uint64(len(str)))
	}
	out = append(out, e.bytes...)
	return append(out, body...), nil
}

// encoder numbers each distinct string once.
type encoder struct {
	strs  map[string]uint64
	list  []string
	bytes []byte
}

func (e *encoder) str(b []byte, s string) []byte {
	n, ok := e.strs[s]
	if !ok {
		n = uint64(len(e.list))
		e.strs[s] = n
		e.list = append(e.list, s)
		e.bytes = append(e.bytes, s...)
	}
	return binary.AppendUvarint(b, n)
}

// days is d as days since 1970-01-01 (a Day is midnight UTC; the zero Day
// gives a day of year 1, which decodes back to the zero Day).
func days(d day.Day) int64 { return d.Time().Unix() / 86400 }

var errCorrupt = errors.New("stored tree: corrupt")

// decoder reads a blob; the first fault sticks and every later read gives
// zero, so the decoding code checks once at the end.
type decoder struct {
	b    []byte
	err  error
	strs []string
	days map[int64]day.Day
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a number of items, each at least min bytes long: a corrupt
// count cannot make the decoder allocate more than the blob could hold.
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if n > uint64(len(d.b)/min) {
		d.err = errCorrupt
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n >= uint64(len(d.strs)) {
		if d.err == nil {
			d.err = errCorrupt
		}
		return ""
	}
	return d.strs[n]
}

func (d *decoder) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

// day turns days since 1970 back into a Day; the tree has a few hundred
// distinct dates, each built once.
func (d *decoder) day() day.Day {
	n := d.varint()
	if v, ok := d.days[n]; ok {
		return v
	}
	v := day.Of(1970, time.January, 1+int(n))
	d.days[n] = v
	return v
}

// decodeSnapshot reads a blob made by encodeSnapshot. The versions come in
// name order: no collation and no name sort, only the indexes are built.
func decodeSnapshot(b []byte) (*Snapshot, error) {
	d := &decoder{b: b, days: map[int64]day.Day{}}
	gen, root := d.varint(), d.varint()
	lens := make([]uint64, d.count(1))
	total := uint64(0)
	for i := range lens {
		if lens[i] = d.uvarint(); lens[i] > uint64(len(d.b)) {
			d.err = errCorrupt
		}
		total += lens[i]
	}
	// one string holds every string of the tree; each is a window on it
	if all := string(d.bytes(total)); d.err == nil {
		d.strs = make([]string, len(lens))
		at := uint64(0)
		for i, n := range lens {
			d.strs[i] = all[at : at+n]
			at += n
		}
	}

	// every version in one array: one allocation instead of 80,000
	slab := make([]Version, d.count(12))
	versions := make([]*Version, len(slab))
	for i := range slab {
		v := &slab[i]
		v.ID, v.UnitID = d.varint(), d.varint()
		v.From, v.To = d.day(), d.day()
		v.Code, v.Name, v.Folded, v.Level, v.Kind = d.str(), d.str(), d.str(), Level(d.str()), d.str()
		v.ParentID = d.varint()
		v.Path = d.str()
		v.EventID = d.varint()
		versions[i] = v
	}
	links := make([]Link, d.count(5))
	for i := range links {
		l := &links[i]
		l.PredecessorID, l.SuccessorID, l.EventID = d.varint(), d.varint(), d.varint()
		l.Share = Share(d.str())
		switch f := d.bytes(1); {
		case f == nil:
		case f[0] == 1:
			if bits := d.bytes(8); bits != nil {
				x := math.Float64frombits(binary.LittleEndian.Uint64(bits))
				l.Fraction = &x
			}
		case f[0] != 0:
			d.err = errCorrupt
		}
	}
	events := make([]*Event, d.count(8))
	for i := range events {
		ev := &Event{}
		ev.ID = d.varint()
		ev.Kind = EventKind(d.str())
		ev.Effective = d.day()
		ev.LegalBasis, ev.Note = d.str(), d.str()
		ev.ActorID = d.varint()
		if t := d.bytes(d.uvarint()); t != nil {
			if err := ev.CreatedAt.UnmarshalBinary(t); err != nil && d.err == nil {
				d.err = errCorrupt
			}
		}
		events[i] = ev
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errCorrupt
	}
	if d.err != nil {
		return nil, d.err
	}
	s := indexSnapshot(gen, versions, links, events)
	if s.RootID != root {
		return nil, errCorrupt
	}
	s.stored = true
	return s, nil
}

// loadStored is the stored snapshot of generation gen, or nil if there is
// none usable (none stored, another format, or one that does not decode).
func loadStored(ctx context.Context, q db.Querier, gen int64) (*Snapshot, error) {
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT data FROM tree_snapshots WHERE generation = $1 AND format = $2`,
		gen, storedFormat).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("stored tree: %w", err)
	}
	s, err := decodeSnapshot(data)
	if err != nil || s.Generation != gen {
		return nil, nil // the tables are read instead; storing again replaces it
	}
	return s, nil
}

// StoreSnapshot keeps the current tree as a stored snapshot, unless it was
// itself read from one, so that the next start reads one blob (see above).
// It replaces the snapshots of older generations; a server that finds one
// of its generation already stored leaves it. The server calls it once
// after it starts listening; a failure only means the next start reads the
// tables.
func (s *Service) StoreSnapshot(ctx context.Context) error {
	snap, err := s.Snapshot(ctx)
	if err != nil || snap.stored {
		return err
	}
	data, err := encodeSnapshot(snap)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		// only the current generation's: a tree changed since this one was
		// read has no use for it
		var gen int64
		if err := tx.QueryRowContext(ctx, `SELECT generation FROM tree_state WHERE id = 1`).Scan(&gen); err != nil {
			return fmt.Errorf("store tree: %w", err)
		}
		if gen != snap.Generation {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tree_snapshots WHERE generation <> $1 OR format <> $2`,
			gen, storedFormat); err != nil {
			return fmt.Errorf("store tree: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tree_snapshots (generation, format, data) VALUES ($1, $2, $3)
			ON CONFLICT (generation) DO NOTHING`, gen, storedFormat, data); err != nil {
			return fmt.Errorf("store tree: %w", err)
		}
		return nil
	})
}
