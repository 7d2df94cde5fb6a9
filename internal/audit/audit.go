// Package audit keeps the append-only, hash-chained record of every change.
// Each entry is written in the transaction of the change it records, so a
// change without its entry (or the reverse) can never be committed.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/db"
)

// Who is the actor of a change: a user, or a named system process (an
// import run from the command line has no user but still has a name).
type Who struct {
	UserID int64  // 0 for the system
	Label  string // login or process name, kept even if the user is deleted
}

// System is the actor of changes made by the operator's command line.
func System(label string) Who { return Who{Label: "system:" + label} }

// Entry is one change to record.
type Entry struct {
	Action   string // e.g. "unit.rename", "user.create"
	Entity   string // e.g. "unit", "user"
	EntityID string
	UnitID   int64 // the unit whose history shows this entry, 0 if none
	Before   any   // the state before (nil for a creation)
	After    any   // the state after (nil for a deletion)
}

// Record is a stored entry.
type Record struct {
	Seq      int64           `json:"seq"`
	At       string          `json:"at"`
	ActorID  int64           `json:"actor_id,omitempty"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	EntityID string          `json:"entity_id"`
	UnitID   int64           `json:"unit_id,omitempty"`
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// Log writes entries. Now is the clock (injectable for tests).
type Log struct {
	Now func() time.Time
}

// TimeLayout is how entry times are stored: fixed width, UTC, so that text
// order is time order on both engines and the hash input never changes.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// Write appends entries in tx, chained after the current head. Taking the
// head with an UPDATE locks it until tx ends, which serialises the chain.
func (l *Log) Write(ctx context.Context, tx *sql.Tx, who Who, entries ...Entry) error {
	if len(entries) == 0 {
		return nil
	}
	var seq int64
	var prev string
	err := tx.QueryRowContext(ctx,
		`UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq - $1, hash`,
		int64(len(entries))).Scan(&seq, &prev)
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	now := l.Now().UTC().Format(TimeLayout)
	// the entries go in by insertBatch rows a statement: one statement for
	// a write's usual one to a few entries (a prepared statement cost a
	// round trip to prepare and one to close on PostgreSQL, and a parse on
	// SQLite, at every write, while the audit head was held)
	args := make([]any, 0, 12*min(len(entries), insertBatch))
	for i, e := range entries {
		seq++
		r := Record{Seq: seq, At: now, ActorID: who.UserID, Actor: who.Label, Action: e.Action,
			Entity: e.Entity, EntityID: e.EntityID, UnitID: e.UnitID, PrevHash: prev}
		if r.Before, err = marshal(e.Before); err != nil {
			return err
		}
		if r.After, err = marshal(e.After); err != nil {
			return err
		}
		r.Hash = r.computeHash()
		args = append(args, r.Seq, r.At, nullID(r.ActorID), r.Actor, r.Action, r.Entity, r.EntityID,
			nullID(r.UnitID), string(r.Before), string(r.After), r.PrevHash, r.Hash)
		prev = r.Hash
		if len(args) == 12*insertBatch || i == len(entries)-1 {
			if _, err := tx.ExecContext(ctx, insertSQL(len(args)/12), args...); err != nil {
				return fmt.Errorf("audit insert: %w", err)
			}
			args = args[:0]
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// insertBatch is how many entries one INSERT writes (12 parameters each:
// 1,200 at most, far below either engine's limit).
const insertBatch = 100

var insertSQLs [insertBatch + 1]string

func init() {
	var b strings.Builder
	b.WriteString(`INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, unit_id, before_json, after_json, prev_hash, hash) VALUES `)
	for n := 1; n <= insertBatch; n++ {
		if n > 1 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for c := 1; c <= 12; c++ {
			if c > 1 {
				b.WriteString(", ")
			}
			b.WriteString("$" + strconv.Itoa((n-1)*12+c))
		}
		b.WriteString(")")
		insertSQLs[n] = b.String()
	}
}

// insertSQL is the INSERT of n entries.
func insertSQL(n int) string { return insertSQLs[n] }

func marshal(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit marshal: %w", err)
	}
	return b, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// computeHash covers every stored field and the previous hash, so changing,
// removing or reordering any entry breaks the chain from there on.
func (r *Record) computeHash() string {
	h := sha256.New()
	for _, f := range []string{
		r.PrevHash, strconv.FormatInt(r.Seq, 10), r.At, strconv.FormatInt(r.ActorID, 10), r.Actor,
		r.Action, r.Entity, r.EntityID, strconv.FormatInt(r.UnitID, 10), string(r.Before), string(r.After),
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

const selectRecord = `SELECT seq, at, COALESCE(actor_id, 0), actor, action, entity, entity_id,
	COALESCE(unit_id, 0), before_json, after_json, prev_hash, hash FROM audit_log`

func scanRecord(rows *sql.Rows) (Record, error) {
	var r Record
	var before, after string
	err := rows.Scan(&r.Seq, &r.At, &r.ActorID, &r.Actor, &r.Action, &r.Entity, &r.EntityID,
		&r.UnitID, &before, &after, &r.PrevHash, &r.Hash)
	if before != "" {
		r.Before = json.RawMessage(before)
	}
	if after != "" {
		r.After = json.RawMessage(after)
	}
	return r, err
}

// Problem is one break in the chain found by Verify.
type Problem struct {
	Seq    int64
	Reason string
}

// Verify reads the whole log in order and reports every entry whose hash does
// not match its content, every gap in the sequence (a deleted entry), and a
// head that does not match the last entry (a deleted tail). It returns the
// number of entries checked. VerifyAnchored also holds the log to its
// signed checkpoints.
func Verify(ctx context.Context, d *db.DB) (int64, []Problem, error) {
	r, err := VerifyAnchored(ctx, d, nil)
	return r.Entries, r.Problems, err
}

// Report is what VerifyAnchored found.
type Report struct {
	Entries  int64
	Problems []Problem
	// TrustedUpTo is the last entry the log can still be trusted to: every
	// entry up to it is sound and chained, and no checkpoint contradicts
	// it. Equal to the last entry when there is no problem.
	TrustedUpTo int64
	// Anchored is the last entry a matching checkpoint vouches for (0 if
	// none); Lost are the entries a restore undid, by its signed marker.
	Anchored, Lost int64
	LastCheckpoint *Checkpoint
}

// VerifyAnchored is Verify, holding the chain to signed checkpoints too
// (in the order of their file): a checkpoint beyond the log's end means
// entries were removed; one whose hash the chain no longer gives at its
// entry means entries up to it were rewritten, since the checkpoint
// before it. A restore marker (a database brought back from a backup)
// sets aside the checkpoints of the entries it undid.
func VerifyAnchored(ctx context.Context, d *db.DB, checkpoints []Checkpoint) (Report, error) {
	var rep Report
	at := map[int64]string{} // the chain's hash at each checkpointed entry
	var effective []Checkpoint
	for _, c := range checkpoints {
		if c.Restored {
			kept := effective[:0]
			for _, e := range effective {
				if e.Seq <= c.Seq {
					kept = append(kept, e)
				} else {
					rep.Lost = max(rep.Lost, e.Seq-c.Seq)
				}
			}
			effective = kept
		}
		effective = append(effective, c)
		at[c.Seq] = ""
	}
	sort.SliceStable(effective, func(i, j int) bool { return effective[i].Seq < effective[j].Seq })
	rows, err := d.QueryContext(ctx, selectRecord+` ORDER BY seq`)
	if err != nil {
		return rep, err
	}
	defer rows.Close()
	var problems []Problem
	var n, want int64 = 0, 1
	prev := ""
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return rep, err
		}
		n++
		if r.Seq != want {
			problems = append(problems, Problem{want, fmt.Sprintf("entries %d to %d are missing", want, r.Seq-1)})
		} else if r.PrevHash != prev {
			problems = append(problems, Problem{r.Seq, "does not link to the entry before it"})
		}
		if r.computeHash() != r.Hash {
			problems = append(problems, Problem{r.Seq, "content does not match its hash (altered)"})
		}
		if _, ok := at[r.Seq]; ok {
			at[r.Seq] = r.Hash
		}
		want, prev = r.Seq+1, r.Hash
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	last := want - 1
	rep.Entries, rep.TrustedUpTo = n, last
	headSeq, headHash, err := Head(ctx, d)
	if err != nil {
		return rep, err
	}
	if headSeq != last || headHash != prev {
		problems = append(problems, Problem{min(headSeq, last) + 1, fmt.Sprintf("the log ends at entry %d but the head records entry %d (entries removed from the end)", last, headSeq)})
	}
	for _, p := range problems {
		rep.TrustedUpTo = min(rep.TrustedUpTo, p.Seq-1)
	}
	var matched int64
	for i := range effective {
		c := effective[i]
		when := c.At.UTC().Format(time.RFC3339)
		switch {
		case c.Seq > last:
			problems = append(problems, Problem{last + 1, fmt.Sprintf("entries %d to %d are missing: the checkpoint of %s records entry %d", last+1, c.Seq, when, c.Seq)})
		case at[c.Seq] != c.Hash:
			problems = append(problems, Problem{matched + 1, fmt.Sprintf("the chain no longer gives the head signed at entry %d on %s: entries %d to %d were rewritten", c.Seq, when, matched+1, c.Seq)})
		default:
			if rep.TrustedUpTo >= c.Seq {
				matched = c.Seq
			}
			rep.LastCheckpoint = &effective[i]
			continue
		}
		rep.TrustedUpTo = min(rep.TrustedUpTo, matched)
	}
	rep.Anchored = matched
	rep.Problems = problems
	return rep, nil
}

// Query selects entries for display.
type Query struct {
	UnitIDs   []int64 // entries about these units; empty means all
	Entity    string
	EntityID  string
	Limit     int
	BeforeSeq int64 // for paging back; 0 means from the newest
}

// List returns entries newest first.
func List(ctx context.Context, q db.Querier, f Query) ([]Record, error) {
	sqlText := selectRecord + ` WHERE 1=1`
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.UnitIDs) > 0 {
		sqlText += ` AND unit_id IN (`
		for i, id := range f.UnitIDs {
			if i > 0 {
				sqlText += ","
			}
			sqlText += arg(id)
		}
		sqlText += `)`
	}
	if f.Entity != "" {
		sqlText += ` AND entity = ` + arg(f.Entity)
	}
	if f.EntityID != "" {
		sqlText += ` AND entity_id = ` + arg(f.EntityID)
	}
	if f.BeforeSeq > 0 {
		sqlText += ` AND seq < ` + arg(f.BeforeSeq)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	sqlText += ` ORDER BY seq DESC LIMIT ` + arg(limit)
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
