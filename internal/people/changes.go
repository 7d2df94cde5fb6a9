package people

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// Changes are what one write of the people register changed, as the
// measured counts read it (measure.go): the units whose apparatus — DX
// roles, committees, focal units — changed, and the people whose details,
// roles or training changed. A target changed is said with Target (the
// judgements of Decision 1690 are made again); a write that changes nothing
// the counts read (a course) says so with Nothing. A write that says nothing at
// all leaves its generation without rows in the feed, and every server
// reads the whole register again: the safe default.
type Changes struct {
	units, persons map[int64]bool
	nothing        bool
	target         bool
}

// Unit notes units whose roles, committees or focal units changed.
func (c *Changes) Unit(ids ...int64) {
	if c.units == nil {
		c.units = map[int64]bool{}
	}
	for _, id := range ids {
		c.units[id] = true
	}
}

// Person notes people whose details (their IT qualification), roles or
// training changed.
func (c *Changes) Person(ids ...int64) {
	if c.persons == nil {
		c.persons = map[int64]bool{}
	}
	for _, id := range ids {
		if id != 0 {
			c.persons[id] = true
		}
	}
}

// Nothing says the write changed nothing the measured counts read.
func (c *Changes) Nothing() { c.nothing = true }

// Target says the write changed a target of Decision 1690.
func (c *Changes) Target() { c.target = true }

const (
	// feedKeep is how many generations the feed keeps: a server further
	// behind than that reads the whole register again.
	feedKeep = 256
	// feedMax is the most rows one write puts in the feed: past it (an
	// imported sheet of a province) reading the whole register again is
	// as quick as reading that many units and people, so it writes none.
	feedMax = 2000
)

// Log moves the people generation and writes, in the same transaction, the
// feed's rows of the new generation; every feedKeep generations it trims
// the older rows. Every write of the people register calls it (Service.write
// does), also from other features (network's new members).
func (c *Changes) Log(ctx context.Context, tx *sql.Tx) error {
	var gen int64
	if err := tx.QueryRowContext(ctx, `UPDATE people_state SET generation = generation + 1 WHERE id = 1 RETURNING generation`).Scan(&gen); err != nil {
		return fmt.Errorf("people generation: %w", err)
	}
	if gen%feedKeep == 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM people_changes WHERE generation <= $1`, gen-feedKeep); err != nil {
			return fmt.Errorf("trim people feed: %w", err)
		}
	}
	type row struct {
		kind string
		id   int64
	}
	var rows []row
	for _, k := range []struct {
		kind string
		set  map[int64]bool
	}{{"unit", c.units}, {"person", c.persons}} {
		ids := make([]int64, 0, len(k.set))
		for id := range k.set {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			rows = append(rows, row{k.kind, id})
		}
	}
	if c.target {
		rows = append(rows, row{"target", 0})
	}
	switch {
	case len(rows) > feedMax:
		return nil
	case len(rows) == 0 && c.nothing:
		rows = append(rows, row{"none", 0})
	}
	const per = 300 // rows a statement (3 parameters each)
	for len(rows) > 0 {
		n := min(len(rows), per)
		var q strings.Builder
		q.WriteString(`INSERT INTO people_changes (generation, kind, id) VALUES `)
		args := make([]any, 0, 3*n)
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteString(",")
			}
			fmt.Fprintf(&q, "($%d, $%d, $%d)", 3*i+1, 3*i+2, 3*i+3)
			args = append(args, gen, r.kind, r.id)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("people feed: %w", err)
		}
		rows = rows[n:]
	}
	return nil
}
