// Package org is the unit tree through time: units whose names, codes,
// kinds and parents are valid over date ranges; the restructuring events
// (establish, rename, move, merge, split, dissolve, imports) that change
// them, with legal basis and effective date; and the lineage that says which
// units became which. Every read takes an "as of" date.
package org

import (
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/enum"
)

// Level is the place of a unit in the administration.
type Level string

// Administrative levels come from the official lists; the others are added
// by hand under any unit.
const (
	LevelNation    Level = "nation"
	LevelProvince  Level = "province"
	LevelDistrict  Level = "district"
	LevelCommune   Level = "commune"
	LevelVillage   Level = "village"   // thôn, tổ dân phố
	LevelAgency    Level = "agency"    // sở, ban, ngành; phòng; trung tâm
	LevelCommittee Level = "committee" // Ban Chỉ đạo CĐS
	LevelOther     Level = "other"
)

// Levels lists every level in display order.
var Levels = []Level{LevelNation, LevelProvince, LevelDistrict, LevelCommune, LevelVillage, LevelAgency, LevelCommittee, LevelOther}

// Enum lists the values for the API's document.
func (Level) Enum() []string { return enum.Of(Levels...) }

// Valid reports whether l is a known level.
func (l Level) Valid() bool {
	for _, k := range Levels {
		if l == k {
			return true
		}
	}
	return false
}

// Administrative reports whether units of this level come from the
// official lists (and so are replaced wholesale by a restructuring).
func (l Level) Administrative() bool {
	return l == LevelProvince || l == LevelDistrict || l == LevelCommune
}

// depth orders administrative levels; a unit's parent must be shallower.
func (l Level) depth() int {
	switch l {
	case LevelNation:
		return 0
	case LevelProvince:
		return 1
	case LevelDistrict:
		return 2
	case LevelCommune:
		return 3
	case LevelVillage:
		return 4
	}
	return -1 // non-administrative: may hang anywhere
}

// CanHangUnder reports whether a unit of level l may have a parent of level p.
func (l Level) CanHangUnder(p Level) bool {
	if l == LevelNation {
		return false
	}
	ld, pd := l.depth(), p.depth()
	switch {
	case ld < 0:
		return true // agencies, committees… hang anywhere
	case pd < 0:
		return false // an administrative unit never hangs under an agency
	}
	return pd < ld
}

// Version is what a unit was over [From, To).
type Version struct {
	ID       int64   `json:"-"`
	UnitID   int64   `json:"unit_id"`
	From     day.Day `json:"valid_from"`
	To       day.Day `json:"valid_to"` // exclusive; day.Forever while current
	Code     string  `json:"code"`
	Name     string  `json:"name"`
	Folded   string  `json:"-"`
	Level    Level   `json:"level"`
	Kind     string  `json:"kind"`
	ParentID int64   `json:"parent_id,omitempty"`
	Path     string  `json:"-"`
	EventID  int64   `json:"event_id,omitempty"`

	// rank is the version's place in its snapshot's Vietnamese name order
	// (Snapshot.all): comparing ranks orders names without keeping a
	// collation key for each of the country's 80,000 versions.
	rank int32
}

// ValidAt reports whether v is in force on d.
func (v *Version) ValidAt(d day.Day) bool { return !d.Before(v.From) && d.Before(v.To) }

// EventKind names a restructuring act.
type EventKind string

// The kinds of event.
const (
	EventImport      EventKind = "import"      // an official list loaded as of a date
	EventRestructure EventKind = "restructure" // a new official list with its mapping
	EventEstablish   EventKind = "establish"
	EventRename      EventKind = "rename" // also a change of code or kind
	EventMove        EventKind = "move"
	EventMerge       EventKind = "merge"
	EventSplit       EventKind = "split"
	EventDissolve    EventKind = "dissolve"
)

// Enum lists the values for the API's document.
func (EventKind) Enum() []string {
	return enum.Of(EventImport, EventRestructure, EventEstablish, EventRename, EventMove, EventMerge, EventSplit, EventDissolve)
}

// Event is one restructuring act.
type Event struct {
	ID         int64     `json:"id"`
	Kind       EventKind `json:"kind"`
	Effective  day.Day   `json:"effective_date"`
	LegalBasis string    `json:"legal_basis"`
	Note       string    `json:"note"`
	ActorID    int64     `json:"actor_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Share says whether all of a predecessor went to a successor.
type Share string

// The shares of the official mapping.
const (
	ShareFull    Share = "full"
	SharePartial Share = "partial"
)

// Enum lists the values for the API's document.
func (Share) Enum() []string { return enum.Of(ShareFull, SharePartial) }

// Link is one edge of lineage: (part of) Predecessor became (part of)
// Successor at an event.
type Link struct {
	PredecessorID int64    `json:"predecessor_id"`
	SuccessorID   int64    `json:"successor_id"`
	EventID       int64    `json:"event_id"`
	Share         Share    `json:"share"`
	Fraction      *float64 `json:"fraction,omitempty"` // the part that went, when known
}
