// Package indicator is periodic reporting: indicator definitions (typed,
// with how they roll up the tree and over time, or computed by a formula
// from other indicators), report forms assigned to kinds of units, data
// entry with validation, submission and approval, completeness, targets,
// and live roll-ups through the dated unit tree — "as it was" (the tree of
// each period) or "restated to today's units" through the lineage of the
// reorganisations — computed from the stored values at request time.
package indicator

import (
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/enum"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// ValueType is what a value is.
type ValueType string

// The value types.
const (
	Number  ValueType = "number"
	Percent ValueType = "percent" // 0–100
	YesNo   ValueType = "yesno"   // stored as 1 or 0
	Text    ValueType = "text"
)

// ValueTypes lists them.
var ValueTypes = []ValueType{Number, Percent, YesNo, Text}

// Enum lists the values for the API's document.
func (ValueType) Enum() []string { return enum.Of(ValueTypes...) }

// Aggregation is how the values of the units below a node make the node's
// value.
type Aggregation string

// The aggregations. Formula indicators are computed from their parts'
// aggregates at each node; Count counts the units that answered (text).
const (
	Sum       Aggregation = "sum"
	Average   Aggregation = "average"
	Min       Aggregation = "min"
	Max       Aggregation = "max"
	Latest    Aggregation = "latest" // the most recently entered value below
	CountYes  Aggregation = "count_yes"
	Count     Aggregation = "count"
	ByFormula Aggregation = "formula"
)

// Aggregations lists them.
var Aggregations = []Aggregation{Sum, Average, Min, Max, Latest, CountYes, Count, ByFormula}

// Enum lists the values for the API's document.
func (Aggregation) Enum() []string { return enum.Of(Aggregations...) }

// OverTime is how the periods inside a longer period make its value: a
// flow (dossiers received) is summed, a stock (staff) is the last one.
type OverTime string

// The ways over time.
const (
	TimeSum     OverTime = "sum"
	TimeLast    OverTime = "last"
	TimeAverage OverTime = "average"
)

// OverTimes lists them.
var OverTimes = []OverTime{TimeSum, TimeLast, TimeAverage}

// Indicator is a definition.
type Indicator struct {
	ID          int64       `json:"id"`
	Code        string      `json:"code"`
	NameVI      string      `json:"name_vi"`
	NameEN      string      `json:"name_en"`
	MeasureVI   string      `json:"measure_vi"` // unit of measure: "hồ sơ", "%", "người"
	MeasureEN   string      `json:"measure_en"`
	Type        ValueType   `json:"value_type"`
	Aggregation Aggregation `json:"aggregation"`
	OverTime    OverTime    `json:"over_time"`
	PeriodType  PeriodType  `json:"period_type"`
	Formula     string      `json:"formula,omitempty"`
	Decimals    int         `json:"decimals"`
	Min         *float64    `json:"min,omitempty"`
	Max         *float64    `json:"max,omitempty"`
	// NotAbove names an indicator this one may not exceed for the same unit
	// and period (online dossiers ≤ all dossiers).
	NotAbove string `json:"not_above,omitempty"`
	// Jump is the relative change from the unit's previous period beyond
	// which a comment is required (0.5 = 50 %); 0 never asks.
	Jump         float64 `json:"jump"`
	HigherBetter bool    `json:"higher_better"`
	Category     string  `json:"category"`
	Description  string  `json:"description"`
	Basis        string  `json:"basis"`
	OwnerUnitID  int64   `json:"owner_unit_id"`
	// Source is where its figures come from; SourceSystem names the system
	// that pushes a pushed one; Counterpart, for a reported one, is the
	// measured indicator that holds the same fact (CT_TEAMS → REG_TEAMS).
	Source       Source    `json:"source"`
	SourceSystem string    `json:"source_system,omitempty"`
	Counterpart  string    `json:"counterpart,omitempty"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	formula *Formula
}

// Name is the indicator's name in a language.
func (i *Indicator) Name(lang string) string {
	if lang == "en" && i.NameEN != "" {
		return i.NameEN
	}
	return i.NameVI
}

// Measure is the unit of measure in a language.
func (i *Indicator) Measure(lang string) string {
	if lang == "en" && i.MeasureEN != "" {
		return i.MeasureEN
	}
	return i.MeasureVI
}

// Computed reports whether the indicator is a formula over others.
func (i *Indicator) Computed() bool { return i.Aggregation == ByFormula }

// Parsed is the indicator's formula, or nil.
func (i *Indicator) Parsed() *Formula { return i.formula }

// IsText reports whether values are free text.
func (i *Indicator) IsText() bool { return i.Type == Text }

// Input is what a user gives to define or change an indicator.
type Input struct {
	Code        string      `json:"code"`
	NameVI      string      `json:"name_vi"`
	NameEN      string      `json:"name_en"`
	MeasureVI   string      `json:"measure_vi"`
	MeasureEN   string      `json:"measure_en"`
	Type        ValueType   `json:"value_type"`
	Aggregation Aggregation `json:"aggregation"`
	OverTime    OverTime    `json:"over_time"`
	PeriodType  PeriodType  `json:"period_type"`
	Formula     string      `json:"formula"`
	Decimals    int         `json:"decimals"`
	Min         *float64    `json:"min"`
	Max         *float64    `json:"max"`
	NotAbove    string      `json:"not_above"`
	Jump        float64     `json:"jump"`
	LowerBetter bool        `json:"lower_better"`
	Category    string      `json:"category"`
	Description string      `json:"description"`
	Basis       string      `json:"basis"`
	// OwnerUnitID is the unit that defines it (a province for its own
	// indicators); the actor's scope by default.
	OwnerUnitID int64 `json:"owner_unit_id"`
	// Source: reported (the default) or pushed, naming SourceSystem; a
	// measured indicator is shipped with mangluoi, never defined by a user.
	Source       Source `json:"source"`
	SourceSystem string `json:"source_system"`
	Counterpart  string `json:"counterpart"`
}

// validate cleans the input and lists every problem that does not need the
// database (the formula's parts and cycles are checked by the service).
func (in *Input) validate() ([]*errs.Error, *Formula) {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.NameVI, in.NameEN = locale.CleanString(in.NameVI), locale.CleanString(in.NameEN)
	in.MeasureVI, in.MeasureEN = locale.CleanString(in.MeasureVI), locale.CleanString(in.MeasureEN)
	in.Category, in.Description, in.Basis = locale.CleanString(in.Category), strings.TrimSpace(in.Description), locale.CleanString(in.Basis)
	in.NotAbove = strings.ToUpper(strings.TrimSpace(in.NotAbove))
	in.Formula = strings.TrimSpace(in.Formula)
	in.SourceSystem = locale.CleanString(in.SourceSystem)
	in.Counterpart = strings.ToUpper(strings.TrimSpace(in.Counterpart))
	var bad []*errs.Error
	if in.Source == "" {
		in.Source = Reported
	}
	if !oneOf(in.Source, Sources) {
		bad = append(bad, errs.Invalidf("indicator.err.bad_choice", "Value", string(in.Source)).At(0, "source"))
	}
	if in.Source == Pushed && in.SourceSystem == "" {
		bad = append(bad, errs.Invalidf("indicator.err.source_system_required").At(0, "source_system"))
	}
	if in.Source != Pushed {
		in.SourceSystem = ""
	}
	if in.Counterpart != "" && (in.Source == Measured || in.Counterpart == in.Code || !validCode(in.Counterpart)) {
		bad = append(bad, errs.Invalidf("indicator.err.bad_code", "Value", in.Counterpart).At(0, "counterpart"))
	}
	if !validCode(in.Code) {
		bad = append(bad, errs.Invalidf("indicator.err.bad_code", "Value", in.Code).At(0, "code"))
	}
	if in.NameVI == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "name_vi"))
	}
	if in.Type == "" {
		in.Type = Number
	}
	if !oneOf(in.Type, ValueTypes) {
		bad = append(bad, errs.Invalidf("indicator.err.bad_choice", "Value", string(in.Type)).At(0, "value_type"))
	}
	if in.PeriodType == "" {
		in.PeriodType = Monthly
	}
	if !in.PeriodType.Valid() {
		bad = append(bad, errs.Invalidf("indicator.err.bad_choice", "Value", string(in.PeriodType)).At(0, "period_type"))
	}
	if in.OverTime == "" {
		in.OverTime = TimeSum
	}
	if !oneOf(in.OverTime, OverTimes) {
		bad = append(bad, errs.Invalidf("indicator.err.bad_choice", "Value", string(in.OverTime)).At(0, "over_time"))
	}
	if in.Formula != "" && in.Aggregation == "" {
		in.Aggregation = ByFormula
	}
	if in.Aggregation == "" {
		in.Aggregation = map[ValueType]Aggregation{Number: Sum, Percent: Average, YesNo: CountYes, Text: Count}[in.Type]
	}
	if !oneOf(in.Aggregation, Aggregations) {
		bad = append(bad, errs.Invalidf("indicator.err.bad_choice", "Value", string(in.Aggregation)).At(0, "aggregation"))
	}
	var f *Formula
	switch {
	case in.Aggregation == ByFormula && in.Formula == "":
		bad = append(bad, errs.Invalidf("indicator.err.formula_required").At(0, "formula"))
	case in.Aggregation == ByFormula:
		var err error
		if f, err = ParseFormula(in.Formula); err != nil {
			e, _ := errs.As(err)
			bad = append(bad, e)
		} else if in.Type == Text || in.Type == YesNo {
			bad = append(bad, errs.Invalidf("indicator.err.formula_type").At(0, "value_type"))
		}
	case in.Formula != "":
		bad = append(bad, errs.Invalidf("indicator.err.formula_needs_aggregation").At(0, "aggregation"))
	}
	switch {
	case in.Type == Text && in.Aggregation != Count && in.Aggregation != Latest:
		bad = append(bad, errs.Invalidf("indicator.err.text_aggregation").At(0, "aggregation"))
	case in.Type == YesNo && in.Aggregation != CountYes && in.Aggregation != Latest:
		bad = append(bad, errs.Invalidf("indicator.err.yesno_aggregation").At(0, "aggregation"))
	case (in.Type == Number || in.Type == Percent) && (in.Aggregation == CountYes || in.Aggregation == Count):
		bad = append(bad, errs.Invalidf("indicator.err.number_aggregation").At(0, "aggregation"))
	}
	if in.Type == Number && in.Min == nil && in.Aggregation != ByFormula {
		lo := 0.0 // counts and amounts; a negative bound is given explicitly
		in.Min = &lo
	}
	if in.Type == Percent {
		lo, hi := 0.0, 100.0
		if in.Min == nil {
			in.Min = &lo
		}
		if in.Max == nil && in.Aggregation != ByFormula {
			in.Max = &hi
		}
	}
	if in.Min != nil && in.Max != nil && *in.Min > *in.Max {
		bad = append(bad, errs.Invalidf("indicator.err.min_max").At(0, "max"))
	}
	if in.Decimals < 0 || in.Decimals > 4 {
		bad = append(bad, errs.Invalidf("indicator.err.decimals").At(0, "decimals"))
	}
	if in.Jump < 0 || in.Jump > 100 {
		bad = append(bad, errs.Invalidf("indicator.err.jump").At(0, "jump"))
	}
	if in.NotAbove != "" && (in.NotAbove == in.Code || !validCode(in.NotAbove)) {
		bad = append(bad, errs.Invalidf("indicator.err.bad_code", "Value", in.NotAbove).At(0, "not_above"))
	}
	return bad, f
}

// validCode: capital letters, digits, _ and ., starting with a letter, at
// most 40 characters, so a code can stand in a formula.
func validCode(c string) bool {
	if c == "" || len(c) > 40 || c[0] < 'A' || c[0] > 'Z' {
		return false
	}
	for i := 0; i < len(c); i++ {
		if !isCodeByte(c[i]) || c[i] >= 'a' && c[i] <= 'z' {
			return false
		}
	}
	return true
}
