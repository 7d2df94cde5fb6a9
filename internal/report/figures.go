package report

import (
	"github.com/mangluoi/mangluoi/internal/day"
)

// Figures are everything a report says in numbers, read from the other
// features' services as of the period's end. A draft reads them anew at
// every view; issuing freezes them as JSON, so these types are the stored
// form of an issued report's figures and keep their own field names
// rather than the services' (which may change).
type Figures struct {
	AsOf       day.Day        `json:"as_of"` // the period's end, or today if it has not ended
	Unit       UnitRef        `json:"unit"`
	Apparatus  *ApparatusFigs `json:"apparatus,omitempty"`
	Network    *NetworkFigs   `json:"network,omitempty"`
	Plans      *PlansFigs     `json:"plans,omitempty"`
	Indicators *IndicatorFigs `json:"indicators,omitempty"`
	Assessment *AssessFigs    `json:"assessment,omitempty"`
	Reporting  *ReportingFigs `json:"reporting,omitempty"`
	Remarks    []RemarkFig    `json:"remarks"`
}

// UnitRef names a unit as the report speaks of it.
type UnitRef struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Code  string `json:"code,omitempty"`
	Level string `json:"level"`
}

// ApparatusFigs are the apparatus and Decision 1690's targets.
type ApparatusFigs struct {
	Staffing StaffingFigs `json:"staffing"`
	Targets  []TargetFig  `json:"targets"`
	// Units are the units the targets judge, each with its result per
	// target (aligned with Targets), for the annex.
	Units []UnitTargets `json:"units"`
}

// StaffingFigs count the apparatus (see people.Staffing).
type StaffingFigs struct {
	Committees   int `json:"committees"`
	FocalUnits   int `json:"focal_units"`
	Specialised  int `json:"specialised"`
	FocalPersons int `json:"focal_persons"`
	People       int `json:"people"`
	Dedicated    int `json:"dedicated"`
	Concurrent   int `json:"concurrent"`
	ITQualified  int `json:"it_qualified"`
	Trained      int `json:"trained"`
	Vacancies    int `json:"vacancies"`
}

// TargetFig is one target of Decision 1690 over the scope.
type TargetFig struct {
	Code     string       `json:"code"`
	Title    string       `json:"title"`
	Level    string       `json:"level"`
	Goal     float64      `json:"goal"`
	Deadline day.Day      `json:"deadline"`
	Passing  int          `json:"passing"`
	Total    int          `json:"total"`
	Rate     float64      `json:"rate"`
	Met      bool         `json:"met"`
	Overdue  bool         `json:"overdue"`
	Failing  []FailingFig `json:"failing"` // at most the service's limit; Total − Passing counts them all
}

// FailingFig is a unit that fails a target, and why.
type FailingFig struct {
	UnitID int64  `json:"unit_id"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	Reason string `json:"reason"`
}

// UnitTargets is one unit's result against each target: "" when the
// target is not for its level, else pass or the reason it fails ("?" when
// the failing list was cut short and the unit is not in it).
type UnitTargets struct {
	Name    string   `json:"name"`
	Parent  string   `json:"parent,omitempty"`
	Level   string   `json:"level"`
	Results []string `json:"results"`
}

// Pass is a unit's result when it meets a target.
const Pass = "đạt"

// NetworkFigs are the DX network's coverage.
type NetworkFigs struct {
	InForce bool        `json:"in_force"`
	Total   CoverageFig `json:"total"`
	// Rows are the communes (of a province, or of every province of the
	// nation), or a commune's villages, for the annex.
	Rows []CoverageRow `json:"rows"`
}

// CoverageFig are the network's figures (see network.Figures).
type CoverageFig struct {
	Communes        int `json:"communes"`
	CommunesCovered int `json:"communes_covered"`
	Villages        int `json:"villages"`
	VillagesCovered int `json:"villages_covered"`
	Teams           int `json:"teams"`
	Suspended       int `json:"suspended"`
	Members         int `json:"members"`
	Trained         int `json:"trained"`
	Idle            int `json:"idle"`
	Activities      int `json:"activities"`
	Helped          int `json:"people_helped"`
}

// CoverageRow is one part of the scope with its figures.
type CoverageRow struct {
	Name   string `json:"name"`
	Code   string `json:"code,omitempty"`
	Parent string `json:"parent,omitempty"`
	CoverageFig
}

// PlansFigs are the plans the report covers and their tasks.
type PlansFigs struct {
	Docs         []PlanFig `json:"plans"`
	Total        CountsFig `json:"total"`
	Overdue      []TaskFig `json:"overdue"` // the longest overdue first
	OverdueTotal int       `json:"overdue_total"`
	Next         []TaskFig `json:"next"` // due in the next period
	NextTotal    int       `json:"next_total"`
}

// PlanFig is one plan: its counts, by group, and its tasks.
type PlanFig struct {
	ID     int64      `json:"id"`
	Number string     `json:"number"`
	Title  string     `json:"title"`
	Owner  string     `json:"owner"`
	Counts CountsFig  `json:"counts"`
	Groups []GroupFig `json:"groups"`
	Tasks  []TaskFig  `json:"tasks"`
	// indicators are the codes the plan's targets name: the report's key
	// indicators start with them.
	indicators []string
}

// GroupFig is a group of tasks with its counts; a pillar's (Depth 0)
// count the groups under it.
type GroupFig struct {
	Code   string    `json:"code"`
	Title  string    `json:"title"`
	Depth  int       `json:"depth"`
	Counts CountsFig `json:"counts"`
}

// CountsFig count tasks by where they stand at the period's end.
type CountsFig struct {
	Total      int `json:"total"`
	Started    int `json:"started"` // done, or with progress reported
	Done       int `json:"done"`    // on time or late
	DoneOnTime int `json:"done_on_time"`
	DoneLate   int `json:"done_late"`
	Overdue    int `json:"overdue"`
	AtRisk     int `json:"at_risk"`
	OnTrack    int `json:"on_track"`
	NotDue     int `json:"not_due"`
}

// TaskFig is one task as the report lists it.
type TaskFig struct {
	ID       int64   `json:"id"`
	Plan     string  `json:"plan"`
	Group    string  `json:"group,omitempty"`
	Code     string  `json:"code,omitempty"`
	Title    string  `json:"title"`
	Lead     string  `json:"lead"`
	Support  string  `json:"support,omitempty"`
	Due      day.Day `json:"due"`
	Status   string  `json:"status"`
	Percent  int     `json:"percent"`
	DaysLate int     `json:"days_late,omitempty"`
}

// IndicatorFigs are the scope's key indicators for the period.
type IndicatorFigs struct {
	Period        string         `json:"period"` // the indicator period read (2026-H1)
	PeriodLabel   string         `json:"period_label"`
	PrevLabel     string         `json:"prev_label"`
	LastYearLabel string         `json:"last_year_label"`
	Rows          []IndicatorFig `json:"rows"`
	// Units are the units directly under the scope, for the annex; each
	// row's PerUnit refers to them by place.
	Units []string  `json:"units"`
	Forms []FormFig `json:"forms"`
}

// IndicatorFig is one indicator: this period, the one before, the same
// period a year before, and the year's target.
type IndicatorFig struct {
	ID       int64    `json:"id"`
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Measure  string   `json:"measure"`
	Percent  bool     `json:"percent"`
	Decimals int      `json:"decimals"`
	Value    *float64 `json:"value,omitempty"` // absent when there is no figure
	Prev     *float64 `json:"prev,omitempty"`
	LastYear *float64 `json:"last_year,omitempty"`
	Units    int      `json:"units"` // units whose values make the figure
	Target   *float64 `json:"target,omitempty"`
	Light    string   `json:"light,omitempty"`
	// PerUnit are the figures of the units under the scope, by their
	// place in IndicatorFigs.Units (a unit without a figure is absent).
	PerUnit map[int]float64 `json:"per_unit"`
}

// FormFig is who reported a form for its last period within the report's.
type FormFig struct {
	Name      string   `json:"name"`
	Period    string   `json:"period"`
	Expected  int      `json:"expected"`
	Submitted int      `json:"submitted"`
	Missing   []string `json:"missing"` // the units that have not (at most MaxListed)
}

// AssessFigs are the last assessment round's results.
type AssessFigs struct {
	RoundID int64   `json:"round_id"`
	Round   string  `json:"round"`
	Year    int     `json:"year"`
	Closed  bool    `json:"closed"`
	Max     float64 `json:"max"`
	Of      int     `json:"of"` // units assessed
	// Own is the scope's own standing when the round assesses it.
	Own *StandingFig `json:"own,omitempty"`
	// Ranked are the units of the scope the round assesses, best first.
	Ranked []StandingFig `json:"ranked"`
}

// StandingFig is one unit's result in a round, and last year's.
type StandingFig struct {
	Name      string   `json:"name"`
	Total     float64  `json:"total"`
	Index     float64  `json:"index"`
	Rank      int      `json:"rank"`
	PrevTotal *float64 `json:"prev_total,omitempty"`
	PrevIndex *float64 `json:"prev_index,omitempty"`
	PrevRank  int      `json:"prev_rank,omitempty"`
}

// ReportingFigs are the reports the units directly under the scope owe
// for the same period, and whether they have sent them.
type ReportingFigs struct {
	Lower []LowerFig `json:"lower"`
	Sent  int        `json:"sent"`
}

// LowerFig is one unit below and its report of the period.
type LowerFig struct {
	UnitID   int64   `json:"unit_id"`
	Name     string  `json:"name"`
	Status   string  `json:"status"` // issued, draft or "" (none)
	ReportID int64   `json:"report_id,omitempty"`
	Number   string  `json:"number,omitempty"`
	IssuedOn day.Day `json:"issued_on,omitzero"`
}

// RemarkFig is an obstacle or proposal a unit wrote in a task report.
type RemarkFig struct {
	ReportID  int64   `json:"report_id"`
	Task      string  `json:"task"`
	Plan      string  `json:"plan"`
	Unit      string  `json:"unit"`
	On        day.Day `json:"on"`
	Obstacles string  `json:"obstacles"`
	Proposals string  `json:"proposals"`
}

// MaxListed bounds the names a list in the report's prose carries.
const MaxListed = 50
