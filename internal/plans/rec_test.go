package plans

import (
	"reflect"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
)

// TestRecKeepsTheTask: a task kept in memory (hot fields of its own, the
// rest shared) is the same task again, every field of it (a field added
// to Task and forgotten in taskRec or taskText fails here); equal rests
// are kept once.
func TestRecKeepsTheTask(t *testing.T) {
	var tk Task
	v := reflect.ValueOf(&tk).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		n := i + 1
		switch f.Interface().(type) {
		case int64:
			f.SetInt(int64(1000 + n))
		case int:
			f.SetInt(int64(n))
		case string, Schedule, Class:
			f.SetString("text " + v.Type().Field(i).Name)
		case bool:
			f.SetBool(true)
		case day.Day:
			f.Set(reflect.ValueOf(day.Of(2025, 1, n)))
		case time.Time:
			f.Set(reflect.ValueOf(time.Date(2025, 2, n, 3, 4, 5, 6, time.UTC)))
		case []int64:
			f.Set(reflect.ValueOf([]int64{int64(n), int64(n + 1)}))
		default:
			t.Fatalf("Task.%s: a field of a type this test does not fill", v.Type().Field(i).Name)
		}
	}
	texts := map[taskText]*taskText{}
	r := recOf(tk, texts)
	if got := r.task(); !reflect.DeepEqual(got, tk) {
		t.Errorf("kept and made again:\n%+v\nwas\n%+v", got, tk)
	}
	other := tk
	other.ID, other.LeadUnitID, other.SupportIDs = 7, 8, []int64{9}
	if o := recOf(other, texts); o.taskText != r.taskText || len(texts) != 1 {
		t.Errorf("two tasks with the same texts keep %d copies", len(texts))
	}
}

// TestDeadlineKeepsTheOccurrence: a deadline kept in memory is the same
// Occurrence again, every field of it.
func TestDeadlineKeepsTheOccurrence(t *testing.T) {
	o := Occurrence{ID: 1, TaskID: 2, DueOn: day.Of(2025, 6, 30), Period: "2025-H1", DoneOn: day.Of(2025, 6, 1), AcceptedOn: day.Of(2025, 6, 2),
		Percent: 70, PercentOn: day.Of(2025, 5, 1), ReportID: 3}
	v := reflect.ValueOf(o)
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsZero() {
			t.Fatalf("Occurrence.%s: set it here", v.Type().Field(i).Name)
		}
	}
	x, err := deadlineOf(&o)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.occurrence(2); !reflect.DeepEqual(got, o) {
		t.Errorf("kept and made again:\n%+v\nwas\n%+v", got, o)
	}
	for _, p := range []string{"2025", "2025-Q2", "2025-Q3", "2025-Q4", "2025-H2", "once", "x-Q1"} {
		y := x
		if y.period, err = periodOf([]byte(p)); err != nil {
			t.Fatal(err)
		}
		for _, plan := range []day.Day{{}, day.Of(2025, 5, 15)} {
			if got, want := y.start(plan), PeriodStart(p, plan); got != want {
				t.Errorf("%s from %s: starts %s, PeriodStart %s", p, plan, got, want)
			}
		}
	}
}
