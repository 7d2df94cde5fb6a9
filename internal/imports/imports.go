// Package imports runs a sheet import as a job in the server (issue 12):
// the request that uploads the file starts the job and answers at once
// with the job's page, which shows its progress until it ends on the
// import's result. The job's progress is kept in the import_jobs table,
// so a page served by any of the servers behind a load balancer shows it.
//
// The import itself stays all or nothing: the feature's service checks
// every row first and writes in one transaction with its audit entries,
// reporting its phase and rows through internal/progress. A job that a
// stopped server left running wrote nothing (its transaction never
// committed); it is marked failed at the next start, or when a page finds
// its heartbeat stale.
package imports

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/progress"
)

// Status is where a job is.
type Status string

// The statuses of a job.
const (
	Running Status = "running"
	Done    Status = "done"
	Failed  Status = "failed"
)

// Enum lists the statuses.
func (Status) Enum() []string { return []string{string(Running), string(Done), string(Failed)} }

// Languages are those the messages of a finished job are kept in: the
// catalogue's, so that whoever reads the page reads it in their own.
var Languages = []string{"vi", "en"}

// Job is one import.
type Job struct {
	ID       int64          `json:"id"`
	Kind     string         `json:"kind"`
	UnitID   int64          `json:"unit_id"`
	UserID   int64          `json:"user_id"`
	FileName string         `json:"file_name"`
	Phase    progress.Phase `json:"phase"`
	Done     int            `json:"rows_done"`
	Total    int            `json:"rows_total"`
	Status   Status         `json:"status"`
	// Result is the import's own result (counts), as the kind's page reads it.
	Result json.RawMessage `json:"result"`
	// Errors are what the import's page lists when it failed, by language.
	Errors   map[string][]string `json:"errors"`
	Created  time.Time           `json:"created_at"`
	Finished *time.Time          `json:"finished_at"`
}

// Outcome is what an import's work gives: its result, and when it failed
// the problems its page lists (by language).
type Outcome struct {
	Result any
	Errors map[string][]string
}

// Work is an import: it reports its progress on ctx (internal/progress).
// An error it returns is not the user's to fix (an outage, a bug): the job
// fails with Service.Broken.
type Work func(ctx context.Context) (Outcome, error)

// Service starts and reads import jobs.
type Service struct {
	db  *db.DB
	org *org.Service
	now func() time.Time
	log *slog.Logger
	// Interrupted and Broken are said by a job that a stopped server cut
	// short and by one that failed for a reason not the user's, by language.
	Interrupted, Broken map[string][]string
	// Every is how often a running job's progress is written (and at
	// most how stale another server's page is); Stale is how old a
	// running job's heartbeat may be before the job is taken for dead.
	Every, Stale time.Duration

	mu   sync.Mutex
	live map[int64]*tracker
	wg   sync.WaitGroup
	stop context.CancelFunc
	ctx  context.Context
}

// NewService makes the service; messages gives a catalogue key's text in
// a language (the catalogue's printer).
func NewService(d *db.DB, o *org.Service, now func() time.Time, log *slog.Logger, messages func(lang, key string) string) *Service {
	s := &Service{db: d, org: o, now: now, log: log, Every: 250 * time.Millisecond, Stale: 30 * time.Second,
		live: map[int64]*tracker{}, Interrupted: map[string][]string{}, Broken: map[string][]string{}}
	for _, l := range Languages {
		s.Interrupted[l] = []string{messages(l, "imports.interrupted")}
		s.Broken[l] = []string{messages(l, "imports.broken")}
	}
	s.ctx, s.stop = context.WithCancel(context.Background())
	return s
}

// tracker is a running job's progress in this server: the work reports to
// it row by row, and it is written to the table every Every.
type tracker struct {
	mu          sync.Mutex
	phase       progress.Phase
	done, total int
	changed     bool
	finished    chan struct{}
}

func (t *tracker) Report(phase progress.Phase, done, total int) {
	t.mu.Lock()
	t.phase, t.done, t.total, t.changed = phase, done, total, true
	t.mu.Unlock()
}

func (t *tracker) read() (progress.Phase, int, int, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ch := t.changed
	t.changed = false
	return t.phase, t.done, t.total, ch
}

// Start records a job and runs work in the background; unit is the unit
// whose data the import writes (those whose scope holds it may follow it).
func (s *Service) Start(ctx context.Context, actor *auth.Actor, kind string, unit int64, fileName string, work Work) (int64, error) {
	if actor == nil || actor.UserID == 0 {
		return 0, errs.ForbiddenErr()
	}
	now := s.now().UTC()
	var id int64
	if err := s.db.QueryRowContext(ctx, `INSERT INTO import_jobs (kind, unit_id, user_id, file_name, phase, status, created_at, heartbeat)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, kind, unit, actor.UserID, fileName, string(progress.Reading), string(Running), now, now).Scan(&id); err != nil {
		return 0, fmt.Errorf("import job: %w", err)
	}
	t := &tracker{phase: progress.Reading, finished: make(chan struct{})}
	s.mu.Lock()
	s.live[id] = t
	s.mu.Unlock()
	// the job outlives the request and keeps nothing of it (the services
	// are given the actor; a request's caches are not for writing): it ends
	// with the server
	jctx, cancel := context.WithCancel(context.Background())
	stopWatch := context.AfterFunc(s.ctx, cancel)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer cancel()
		defer stopWatch()
		s.run(progress.With(jctx, t), id, t, work)
	}()
	return id, nil
}

func (s *Service) run(ctx context.Context, id int64, t *tracker, work Work) {
	flushed := make(chan struct{})
	quit := make(chan struct{})
	go func() { // the progress and the heartbeat, written apart from the work
		defer close(flushed)
		tick := time.NewTicker(s.Every)
		defer tick.Stop()
		beat := s.now()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
			}
			phase, done, total, changed := t.read()
			if !changed && s.now().Sub(beat) < s.Stale/10 {
				continue
			}
			if phase == progress.Writing && s.db.Dialect == db.SQLite {
				// SQLite has one writer, the import's own transaction: the
				// row would wait for it (this server's pages read the
				// progress from memory, see read)
				continue
			}
			beat = s.now()
			if _, err := s.db.ExecContext(ctx, `UPDATE import_jobs SET phase = $1, rows_done = $2, rows_total = $3, heartbeat = $4
				WHERE id = $5 AND status = 'running'`, string(phase), done, total, beat.UTC(), id); err != nil && ctx.Err() == nil {
				s.log.Warn("import progress", "job", id, "err", err)
			}
		}
	}()
	out, err := func() (out Outcome, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("import job %d panicked: %v", id, p)
			}
		}()
		return work(ctx)
	}()
	close(quit)
	<-flushed
	status, errors := Done, out.Errors
	switch {
	case err != nil && ctx.Err() != nil:
		status, errors = Failed, s.Interrupted
	case err != nil:
		s.log.Error("import job", "job", id, "err", err)
		status, errors = Failed, s.Broken
	case len(out.Errors) > 0:
		status = Failed
	}
	result, jerr := json.Marshal(out.Result)
	if jerr != nil || out.Result == nil {
		result = []byte("{}")
	}
	if errors == nil {
		errors = map[string][]string{}
	}
	msgs, _ := json.Marshal(errors)
	phase, done, total, _ := t.read()
	if status == Done {
		done = total
	}
	// written even when the server is stopping, so that the page does not
	// wait for the next start to learn it
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := s.now().UTC()
	if _, err := s.db.ExecContext(wctx, `UPDATE import_jobs SET phase = $1, rows_done = $2, rows_total = $3, status = $4, result = $5, errors = $6,
		heartbeat = $7, finished_at = $7 WHERE id = $8`, string(phase), done, total, string(status), string(result), string(msgs), now, id); err != nil {
		s.log.Error("import job end", "job", id, "err", err)
	}
	s.mu.Lock()
	delete(s.live, id)
	s.mu.Unlock()
	close(t.finished)
}

// Wait waits at most d for a job of this server to end: a small sheet's
// page then shows its result at once.
func (s *Service) Wait(id int64, d time.Duration) {
	s.mu.Lock()
	t := s.live[id]
	s.mu.Unlock()
	if t == nil {
		return
	}
	select {
	case <-t.finished:
	case <-time.After(d):
	}
}

// Close interrupts the running jobs (their transactions roll back) and
// waits for them to be marked failed.
func (s *Service) Close() {
	s.stop()
	s.wg.Wait()
}

// Recover marks failed the jobs that a stopped server left running: those
// whose heartbeat is older than Stale. The server calls it as it starts.
func (s *Service) Recover(ctx context.Context) (int, error) {
	msgs, _ := json.Marshal(s.Interrupted)
	now := s.now().UTC()
	res, err := s.db.ExecContext(ctx, `UPDATE import_jobs SET status = 'failed', errors = $1, finished_at = $2
		WHERE status = 'running' AND heartbeat < $3`, string(msgs), now, now.Add(-s.Stale))
	if err != nil {
		return 0, fmt.Errorf("recover import jobs: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Get reads a job: its user, or someone whose scope holds its unit, may
// see it; anyone else is told it does not exist.
func (s *Service) Get(ctx context.Context, actor *auth.Actor, id int64) (*Job, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	j, err := s.read(ctx, id)
	if err != nil {
		return nil, err
	}
	if j.UserID != actor.UserID && !t.InScope(j.UnitID) {
		return nil, errs.NotFoundErr()
	}
	return j, nil
}

func (s *Service) read(ctx context.Context, id int64) (*Job, error) {
	j := &Job{ID: id}
	var phase, status, result, msgs string
	var beat time.Time
	var finished sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT kind, unit_id, user_id, file_name, phase, rows_done, rows_total, status, result, errors,
		created_at, heartbeat, finished_at FROM import_jobs WHERE id = $1`, id).Scan(&j.Kind, &j.UnitID, &j.UserID, &j.FileName,
		&phase, &j.Done, &j.Total, &status, &result, &msgs, &j.Created, &beat, &finished)
	if db.IsNoRows(err) {
		return nil, errs.NotFoundErr()
	}
	if err != nil {
		return nil, fmt.Errorf("read import job: %w", err)
	}
	j.Phase, j.Status, j.Result = progress.Phase(phase), Status(status), json.RawMessage(result)
	if finished.Valid {
		f := finished.Time
		j.Finished = &f
	}
	if err := json.Unmarshal([]byte(msgs), &j.Errors); err != nil {
		return nil, fmt.Errorf("import job %d errors: %w", id, err)
	}
	if j.Status != Running {
		return j, nil
	}
	s.mu.Lock()
	t := s.live[id]
	s.mu.Unlock()
	if t != nil { // run here: what this server knows is newer than the table
		t.mu.Lock()
		j.Phase, j.Done, j.Total = t.phase, t.done, t.total
		t.mu.Unlock()
		return j, nil
	}
	if s.now().Sub(beat) > s.Stale { // its server stopped
		if _, err := s.Recover(ctx); err != nil {
			return nil, err
		}
		return s.read(ctx, id)
	}
	return j, nil
}
