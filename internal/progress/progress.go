// Package progress lets a long piece of work (a sheet import) say how far
// it is without knowing who listens: the work calls Begin and Step on its
// context, and an import job (internal/imports) that put a Reporter there
// records it. Without a Reporter the calls cost a nil check.
package progress

import "context"

// Phase is a step of an import, in the order they come.
type Phase string

// The phases of an import.
const (
	Reading  Phase = "reading"  // the file is being read
	Checking Phase = "checking" // every row is being checked
	Writing  Phase = "writing"  // the rows are being written, in one transaction
)

// Enum lists the phases.
func (Phase) Enum() []string { return []string{string(Reading), string(Checking), string(Writing)} }

// Reporter receives the progress of a piece of work. Report is called often
// (once a row): it must be cheap and must not block.
type Reporter interface {
	Report(phase Phase, done, total int)
}

type key struct{}

// With returns a context whose work reports to r.
func With(ctx context.Context, r Reporter) context.Context {
	return context.WithValue(ctx, key{}, r)
}

// Counter counts the rows of one phase.
type Counter struct {
	r     Reporter
	phase Phase
	total int
}

// Begin starts a phase of total rows (0 when not known) and reports it.
func Begin(ctx context.Context, phase Phase, total int) Counter {
	r, _ := ctx.Value(key{}).(Reporter)
	if r != nil {
		r.Report(phase, 0, total)
	}
	return Counter{r: r, phase: phase, total: total}
}

// Step says that done rows of the phase are finished.
func (c Counter) Step(done int) {
	if c.r != nil {
		c.r.Report(c.phase, done, c.total)
	}
}

// Finish says that the whole phase is finished.
func (c Counter) Finish() { c.Step(c.total) }
