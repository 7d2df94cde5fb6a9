package main

// The mixed workload (issue 14, item 3): realistic sessions of each role
// — a leader (read only), a coordinator of a province, focal persons of a
// commune and of a department — each a signed-in browser (pages, with the
// cookie) and a script (API, with a token), sending 70 % page reads, 20 %
// API reads and 10 % writes overall: values saved (POST /api/v1/values
// into the unit's report), activities logged (POST /api/v1/activities),
// task progress reported (POST /api/v1/tasks/{id}/reports), each where the
// session's unit has one (checked once at the start). The leader cannot
// write, so the writers write more than 10 % of their requests, so that
// all together write 10 %; every session reads pages and the API 7 to 2.
//
// For each number of connections in --conns, it runs --duration with that
// many workers (each one keep-alive connection, each playing one of the
// sessions in turn) and prints the requests a second, the latency
// percentiles seen here, the errors, and the server's CPU per request.
//
// That loop is closed, with no think time: each worker sends its next
// request as soon as the last is answered, so it measures a saturated
// server, and at N connections the latency is N / throughput whatever the
// server does (Little's law). With --rate R1,R2… it is open instead, as
// sessions that think between requests are: R requests a second in all,
// each of the N workers sending its share at even intervals (arrivals
// spread over the second), each request's latency taken from the time it
// was due, not sent (wrk2's way: a server that stalls delays the requests
// due meanwhile, and their wait counts, with no coordinated omission). It
// runs every rate at every number of connections and reports the rate
// offered and achieved, the requests still unsent at the end (in the
// percentiles with the time they had waited) and the same columns.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type mixConfig struct {
	accounts  string
	conns     string
	duration  time.Duration
	indicator string
	period    string
	pids      string
	rates     string       // --rate: requests a second, one run each (open loop); "" = closed loop
	allocs    *allocReader // --pprof: the servers' allocation a request (the first server's only)
}

// kinds of request
const (
	kPage = iota
	kAPI
	kWrite
)

var kindNames = []string{"page", "API", "write"}

type mixReq struct {
	label string
	// build makes the request (n counts the requests, for varying writes);
	// nil when it cannot be sent now (no task free to report on)
	build func(c *client, n int) *http.Request
	want  int
	after func(req *http.Request, status int, body []byte) // optional
	// get: the request is a GET whose bytes each worker makes once and
	// sends again: the tool shares the server's 2 cores, so its own CPU
	// counts
	get  bool
	keys [3]string // by kind, the label to report it under (made once)
}

// reviews pairs the task reports with their review: a task with a report
// waiting for review takes no other (409), so a focal person reports on a
// task that has none waiting, and the coordinator returns a waiting report
// with a comment, which frees its task.
var reviews = struct {
	sync.Mutex
	free    []int64 // tasks with no report waiting
	waiting []int64 // reports waiting, with their task
	taskOf  map[int64]int64
}{taskOf: map[int64]int64{}}

func takeFree(mine map[int64]bool) int64 {
	reviews.Lock()
	defer reviews.Unlock()
	for i, t := range reviews.free {
		if mine[t] {
			reviews.free = slices.Delete(reviews.free, i, i+1)
			return t
		}
	}
	return 0
}

func release(task int64) {
	reviews.Lock()
	reviews.free = append(reviews.free, task)
	reviews.Unlock()
}

func reported(task int64, body []byte) {
	var r struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal(body, &r) != nil || r.ID == 0 {
		release(task)
		return
	}
	reviews.Lock()
	reviews.waiting = append(reviews.waiting, r.ID)
	reviews.taskOf[r.ID] = task
	reviews.Unlock()
}

func takeWaiting() int64 {
	reviews.Lock()
	defer reviews.Unlock()
	if len(reviews.waiting) == 0 {
		return 0
	}
	id := reviews.waiting[0]
	reviews.waiting = reviews.waiting[1:]
	return id
}

func reviewed(report int64) {
	reviews.Lock()
	task := reviews.taskOf[report]
	delete(reviews.taskOf, report)
	reviews.Unlock()
	release(task)
}

type session struct {
	login, role string
	scope       int64
	cl          *client
	pages, apis []mixReq
	writes      []mixReq
	share       [3]float64 // page, API, write
}

func runMix(base *url.URL, password string, mc mixConfig) error {
	var levels []int
	for _, s := range strings.Split(mc.conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 2000 {
			return fmt.Errorf("bad --conns %q (1 to 2000 each)", mc.conns)
		}
		levels = append(levels, n)
	}
	var rates []float64
	if mc.rates != "" {
		for _, s := range strings.Split(mc.rates, ",") {
			r, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || r <= 0 || r > 20000 {
				return fmt.Errorf("bad --rate %q (above 0, at most 20000 each)", mc.rates)
			}
			rates = append(rates, r)
		}
	}
	if mc.duration <= 0 || mc.duration > 5*time.Minute {
		return errors.New("bad --duration (at most 5m)")
	}
	if mc.period == "" {
		mc.period = time.Now().AddDate(0, 0, -time.Now().Day()).Format("2006-01")
	}
	maxC := slices.Max(levels)
	tr := &http.Transport{MaxIdleConns: maxC + 16, MaxIdleConnsPerHost: maxC + 16, IdleConnTimeout: time.Minute, DisableCompression: true}
	hc := &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var sessions []*session
	for _, login := range strings.Split(mc.accounts, ",") {
		login = strings.TrimSpace(login)
		cl := newClient(base)
		cl.http = hc
		if err := cl.signIn(login, password); err != nil {
			return err
		}
		defer cl.signOut()
		if err := cl.makeToken(); err != nil {
			return err
		}
		defer cl.revokeToken()
		s, err := setUp(cl, login, mc)
		if err != nil {
			return fmt.Errorf("%s: %w", login, err)
		}
		sessions = append(sessions, s)
	}
	// the writers write 10 % of all requests between them; every session
	// reads pages and the API 7 to 2
	writers := 0
	for _, s := range sessions {
		if len(s.writes) > 0 {
			writers++
		}
	}
	for _, s := range sessions {
		w := 0.0
		if len(s.writes) > 0 {
			w = 0.1 * float64(len(sessions)) / float64(writers)
		}
		s.share = [3]float64{(1 - w) * 7 / 9, (1 - w) * 2 / 9, w}
	}
	for _, s := range sessions {
		var names []string
		for _, r := range slices.Concat(s.pages, s.apis, s.writes) {
			names = append(names, r.label)
		}
		fmt.Printf("session %s (%s, unit %d): %.0f/%.0f/%.0f %%: %s\n", s.login, s.role, s.scope, s.share[0]*100, s.share[1]*100, s.share[2]*100, strings.Join(names, " "))
	}
	var pids []int
	for _, p := range strings.Split(mc.pids, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil && n > 0 {
			pids = append(pids, n)
		}
	}
	if len(pids) == 0 {
		if p := listenerPID(base); p > 0 {
			pids = []int{p}
		}
	}
	fmt.Printf("server %s  pids %v  duration %s each  GOMAXPROCS(load tool)=%d\n", base, pids, mc.duration, runtime.GOMAXPROCS(0))
	const row = "%6s %9s %7s %7s %8s %8s %8s %8s %9s %9s %9s %16s %8s %8s %8s %9s  %s\n"
	const rateRow = "%6s %7s %8s %9s %7s %7s %8s %8s %8s %8s %9s %9s %9s %16s %8s %8s %8s %9s  %s\n"
	if rates == nil {
		fmt.Printf(row, "conns", "requests", "req/s", "errors", "p50", "p95", "p99", "max", "page p99", "API p99", "write p99", "page/API/write %", "CPU/req", "KB/req", "objs/req", "tool CPU", "load avg")
	} else {
		fmt.Printf(rateRow, "conns", "offered", "achieved", "requests", "errors", "unsent", "p50", "p95", "p99", "max", "page p99", "API p99", "write p99", "page/API/write %", "CPU/req", "KB/req", "objs/req", "tool CPU", "load avg")
	}
	var firstErr string
	var byLabel map[string][]float64
	type level struct {
		c    int
		rate float64 // 0: closed loop
	}
	var runs []level
	for _, c := range levels {
		if rates == nil {
			runs = append(runs, level{c, 0})
		}
		for _, r := range rates {
			runs = append(runs, level{c, r})
		}
	}
	for i, l := range runs {
		c := l.c
		self0 := cpuTicks(os.Getpid())
		span := mc.allocs.begin()
		r := mixLevel(sessions, c, l.rate, mc.duration, pids)
		allocKB, objs := "?", "?"
		if b, o, ok := span.end(r.n); ok {
			allocKB, objs = fmt.Sprintf("%.1f", b/1024), fmt.Sprintf("%.0f", o)
		}
		self := float64(cpuTicks(os.Getpid())-self0) * 1000 / clockTicks / float64(max(r.n, 1))
		cpu := "?"
		if r.cpu >= 0 && r.n > 0 {
			cpu = fmt.Sprintf("%.2f", float64(r.cpu)*1000/clockTicks/float64(r.n))
		}
		// the requests never sent count in the percentiles with the time
		// they had waited when the level ended (a floor of their latency)
		all := slices.Concat(r.lat[0], r.lat[1], r.lat[2], r.unsent)
		for i := range r.lat {
			slices.Sort(r.lat[i])
		}
		slices.Sort(all)
		n := float64(r.n)
		f := func(v float64) string { return fmt.Sprintf("%.1f", v) }
		shares := fmt.Sprintf("%.0f/%.0f/%.0f", float64(len(r.lat[0]))/n*100, float64(len(r.lat[1]))/n*100, float64(len(r.lat[2]))/n*100)
		if l.rate == 0 {
			fmt.Printf(row, strconv.Itoa(c), strconv.Itoa(r.n), fmt.Sprintf("%.0f", float64(r.n)/r.elapsed.Seconds()), strconv.Itoa(r.errors),
				f(pct(all, 50)), f(pct(all, 95)), f(pct(all, 99)), f(pct(all, 100)), f(pct(r.lat[0], 99)), f(pct(r.lat[1], 99)), f(pct(r.lat[2], 99)),
				shares, cpu, allocKB, objs, fmt.Sprintf("%.2f", self), loadavg())
		} else {
			fmt.Printf(rateRow, strconv.Itoa(c), fmt.Sprintf("%.0f", float64(r.due)/mc.duration.Seconds()), fmt.Sprintf("%.0f", float64(r.n)/r.elapsed.Seconds()),
				strconv.Itoa(r.n), strconv.Itoa(r.errors), strconv.Itoa(len(r.unsent)),
				f(pct(all, 50)), f(pct(all, 95)), f(pct(all, 99)), f(pct(all, 100)), f(pct(r.lat[0], 99)), f(pct(r.lat[1], 99)), f(pct(r.lat[2], 99)),
				shares, cpu, allocKB, objs, fmt.Sprintf("%.2f", self), loadavg())
		}
		if i == 0 {
			byLabel = r.byLabel
		}
		if firstErr == "" && r.firstErr != "" {
			firstErr = fmt.Sprintf("%d conns: %s", c, r.firstErr)
			if l.rate > 0 {
				firstErr = fmt.Sprintf("%d conns at %.0f/s: %s", c, l.rate, r.firstErr)
			}
		}
		time.Sleep(2 * time.Second) // let the server settle between levels
	}
	if rates != nil {
		fmt.Println("(open loop: --rate requests a second in all, each connection sending its share at even intervals; a request's latency is from the time it was due,\n" +
			" so a request due while its connection is busy waits and the wait counts; offered = due within the duration, achieved = sent and answered a second;\n" +
			" unsent = due but not yet sent when the duration ended, counted in the percentiles with the time they had waited)")
	}
	fmt.Println("(latency in ms, seen here until the body is read, errors included; CPU/req = the servers' user+system CPU over the level's requests, 10 ms ticks;\n KB/req, objs/req = what the server allocated a request (--pprof; the first server's over all requests with --pids of several);\n tool CPU = this tool's own per request, on the same machine; PostgreSQL's own processes are in neither)")
	if firstErr != "" {
		fmt.Println("first error:", firstErr)
	}
	// where the time goes, at the first level (the least queueing)
	labels := make([]string, 0, len(byLabel))
	for l := range byLabel {
		labels = append(labels, l)
		slices.Sort(byLabel[l])
	}
	sum := func(v []float64) (t float64) {
		for _, x := range v {
			t += x
		}
		return t
	}
	slices.SortFunc(labels, func(a, b string) int { return cmp.Compare(sum(byLabel[b]), sum(byLabel[a])) })
	if rates == nil {
		fmt.Printf("at %d connections, by request (the most total time first):\n", levels[0])
	} else {
		fmt.Printf("at %d connections and %.0f requests a second, by request (the most total time first):\n", levels[0], rates[0])
	}
	for _, l := range labels {
		v := byLabel[l]
		fmt.Printf("  %-28s %6d  p50 %8.1f  p99 %8.1f  ms\n", l, len(v), pct(v, 50), pct(v, 99))
	}
	for _, pid := range pids {
		fmt.Printf("server %d memory after: %s\n", pid, memOf(pid))
	}
	return nil
}

type levelResult struct {
	n, errors int
	lat       [3][]float64
	byLabel   map[string][]float64 // kind: label → latencies
	firstErr  string
	elapsed   time.Duration
	cpu       int64
	due       int       // open loop: the requests due within the duration
	unsent    []float64 // open loop: those never sent, with how long they had waited (ms)
}

// mixLevel runs c workers for d. Closed loop (rate 0): each sends its next
// request as soon as the last is answered. Open loop: rate requests a second
// in all, worker w's due at start + w/rate + k·c/rate (so that the arrivals
// are spread evenly), each request's latency taken from the time it was due
// (no coordinated omission: a worker that is behind sends at once, and its
// wait counts).
func mixLevel(sessions []*session, c int, rate float64, d time.Duration, pids []int) *levelResult {
	res := &levelResult{cpu: -1, byLabel: map[string][]float64{}}
	cpuOf := func() int64 {
		var t int64
		if len(pids) == 0 {
			return -1
		}
		for _, p := range pids {
			v := cpuTicks(p)
			if v < 0 {
				return -1
			}
			t += v
		}
		return t
	}
	cpu0 := cpuOf()
	var mu sync.Mutex
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	start := time.Now()
	var count atomic.Int64
	if rate > 0 {
		// the first requests are due a little after the workers start
		start = start.Add(50 * time.Millisecond)
		deadline = start.Add(d)
	}
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// each worker plays the sessions in turn, a request each: tied to
			// one session, the leader's workers (reads only, ~1 ms each) sent
			// most of the requests while the writers' waited on their
			// commits, and the writes fell to 2 % of what was sent
			turn := w
			rnd := rand.New(rand.NewPCG(uint64(w), uint64(c)))
			var lat [3][]float64
			byLabel := map[string][]float64{}
			built := map[*mixReq][]byte{}
			wr := newWire(sessions[0].cl.base.Host, 60*time.Second)
			defer wr.close()
			var errs int
			var first string
			var due int
			var late []float64
			var every time.Duration
			next := start
			if rate > 0 {
				every = time.Duration(float64(c) / rate * float64(time.Second))
				next = start.Add(time.Duration(float64(w) / rate * float64(time.Second)))
			}
			for time.Now().Before(deadline) {
				var t0 time.Time
				if rate > 0 {
					if !next.Before(deadline) {
						break
					}
					due++
					if wait := time.Until(next); wait > 0 {
						time.Sleep(wait)
					}
					t0 = next
					next = next.Add(every)
				}
				s := sessions[turn%len(sessions)]
				turn++
				x := rnd.Float64()
				k := kPage
				list := s.pages
				switch {
				case x >= s.share[0]+s.share[1]:
					k, list = kWrite, s.writes
				case x >= s.share[0]:
					k, list = kAPI, s.apis
				}
				var req *http.Request // a write's, for its after
				build := func(r *mixReq) []byte {
					if !r.get {
						if req = r.build(s.cl, int(count.Add(1))); req == nil {
							return nil
						}
						return encode(req)
					}
					if built[r] == nil {
						built[r] = encode(r.build(s.cl, 0))
					}
					return built[r]
				}
				r := &list[rnd.IntN(len(list))]
				raw := build(r)
				for try := 0; raw == nil && try < 4; try++ { // another write, else an API read
					if try == 3 {
						k, list = kAPI, s.apis
					}
					r = &list[rnd.IntN(len(list))]
					raw = build(r)
				}
				if raw == nil {
					if rate > 0 {
						due--
					}
					continue
				}
				if rate == 0 {
					t0 = time.Now()
				}
				rp, err := wr.do(raw, r.get, r.after != nil, false)
				ok := err == nil
				if err == nil {
					if r.after != nil {
						r.after(req, rp.status, rp.body)
					}
					ok = rp.status == r.want
					if !ok && first == "" {
						first = fmt.Sprintf("%s: status %d", r.label, rp.status)
					}
				} else {
					if r.after != nil {
						r.after(req, 0, nil)
					}
					if first == "" {
						first = err.Error()
					}
				}
				ms := float64(time.Since(t0).Microseconds()) / 1000
				lat[k] = append(lat[k], ms)
				byLabel[r.keys[k]] = append(byLabel[r.keys[k]], ms)
				if !ok {
					errs++
				}
			}
			if rate > 0 { // what was due before the deadline and never sent
				end := time.Now()
				for ; next.Before(deadline); next = next.Add(every) {
					due++
					late = append(late, float64(end.Sub(next).Microseconds())/1000)
				}
			}
			mu.Lock()
			res.due += due
			res.unsent = append(res.unsent, late...)
			for i := range lat {
				res.lat[i] = append(res.lat[i], lat[i]...)
				res.n += len(lat[i])
			}
			for l, v := range byLabel {
				res.byLabel[l] = append(res.byLabel[l], v...)
			}
			res.errors += errs
			if res.firstErr == "" {
				res.firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	if cpu0 >= 0 {
		if v := cpuOf(); v >= 0 {
			res.cpu = v - cpu0
		}
	}
	return res
}

// setUp finds, as the session's user, what it reads and writes, and keeps
// only what answers: a request that fails here is left out (and said).
func setUp(cl *client, login string, mc mixConfig) (*session, error) {
	var me struct {
		Role        string `json:"role"`
		ScopeUnitID int64  `json:"scope_unit_id"`
	}
	if err := cl.api("/api/v1/me", &me); err != nil {
		return nil, err
	}
	s := &session{login: login, role: me.Role, scope: me.ScopeUnitID, cl: cl}
	u := strconv.FormatInt(s.scope, 10)
	var inds struct {
		Indicators []struct {
			ID   int64  `json:"id"`
			Code string `json:"code"`
		} `json:"indicators"`
	}
	if err := cl.api("/api/v1/indicators", &inds); err != nil {
		return nil, err
	}
	ind := ""
	for _, i := range inds.Indicators {
		if i.Code == mc.indicator {
			ind = strconv.FormatInt(i.ID, 10)
		}
	}
	get := func(label, path string, api bool) mixReq {
		return mixReq{label: label, want: http.StatusOK, get: true, build: func(c *client, _ int) *http.Request {
			req, _ := http.NewRequest("GET", c.url(path), nil)
			if api {
				req.Header.Set("Authorization", "Bearer "+c.token)
			} else {
				c.session(req)
			}
			return req
		}}
	}
	pages := []mixReq{get("/", "/", false), get("unit", "/units/"+u, false), get("dashboard", "/indicators?unit="+u, false),
		get("tasks", "/tasks", false), get("coverage", "/network?unit="+u, false), get("compliance", "/compliance?unit="+u, false)}
	apis := []mixReq{get("me", "/api/v1/me", true), get("tasks", "/api/v1/tasks", true), get("coverage", "/api/v1/network/coverage?unit="+u, true),
		get("compliance", "/api/v1/compliance?unit="+u, true)}
	if ind != "" {
		pages = append(pages, get("indicator", "/indicators/"+ind+"?unit="+u+"&period="+mc.period, false))
		apis = append(apis, get("figures", "/api/v1/indicators/"+ind+"/figures?unit="+u+"&period="+mc.period, true))
	}
	if s.role != "focal" {
		pages = append(pages, get("plans dashboard", "/plans/dashboard", false), get("people", "/people", false))
		apis = append(apis, get("people", "/api/v1/people?limit=50", true))
	}
	try := func(list []mixReq) []mixReq {
		var out []mixReq
		for _, r := range list {
			req := r.build(cl, 0)
			resp, err := cl.http.Do(req)
			if err != nil {
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == r.want {
				out = append(out, r)
			} else {
				fmt.Printf("  %s: %s left out (status %d)\n", login, req.URL.Path, resp.StatusCode)
			}
		}
		return out
	}
	s.pages, s.apis = labelled(try(pages)), labelled(try(apis))
	if len(s.pages) == 0 || len(s.apis) == 0 {
		return nil, errors.New("no page or API read answers")
	}
	if s.role == "viewer" {
		return s, nil
	}
	s.writes = labelled(writesOf(cl, s, mc, ind))
	if len(s.writes) == 0 {
		return nil, errors.New("no write answers (a locked report, no team, no task of the unit?)")
	}
	return s, nil
}

// writesOf finds the session's writes and checks each once.
func writesOf(cl *client, s *session, mc mixConfig, ind string) []mixReq {
	u := strconv.FormatInt(s.scope, 10)
	post := func(path, ct string, body func(n int) []byte, api bool) func(c *client, n int) *http.Request {
		return func(c *client, n int) *http.Request {
			req, _ := http.NewRequest("POST", c.url(path), bytes.NewReader(body(n)))
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Authorization", "Bearer "+c.token)
			return req
		}
	}
	var out []mixReq
	keep := func(r mixReq) {
		req := r.build(cl, 0)
		resp, err := cl.http.Do(req)
		if err != nil {
			fmt.Printf("  %s: write %s left out: %v\n", s.login, r.label, err)
			return
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 400))
		resp.Body.Close()
		if resp.StatusCode != r.want {
			fmt.Printf("  %s: write %s left out: status %d %s\n", s.login, r.label, resp.StatusCode, b)
			return
		}
		out = append(out, r)
	}
	// a value: the unit's own (a commune) or, for a province, its first
	// commune's, raised a little each time above what it is now (every
	// "not above" rule of the form still holds)
	if ind != "" {
		target := s.scope
		var f struct {
			Unit struct {
				Value *float64 `json:"value"`
			} `json:"unit"`
			Children []struct {
				UnitID int64    `json:"unit_id"`
				Value  *float64 `json:"value"`
			} `json:"children"`
		}
		if err := cl.api("/api/v1/indicators/"+ind+"/figures?unit="+u+"&period="+mc.period+"&basis=all", &f); err == nil {
			base := 0.0
			if f.Unit.Value != nil {
				base = *f.Unit.Value
			}
			if s.role == "coordinator" && len(f.Children) > 0 {
				target, base = f.Children[len(f.Children)-1].UnitID, 0
				if v := f.Children[len(f.Children)-1].Value; v != nil {
					base = *v
				}
			}
			// the body's constant parts made once, the value put between them
			head, _ := json.Marshal(map[string]any{"indicator": mc.indicator, "unit_id": target, "period": mc.period, "comment": "Thử tải: số liệu cập nhật"})
			pre := `{"values":[` + string(head[:len(head)-1]) + `,"value":`
			keep(mixReq{label: "value", want: http.StatusOK, build: post("/api/v1/values", "application/json", func(n int) []byte {
				b := append(make([]byte, 0, len(pre)+24), pre...)
				b = strconv.AppendFloat(b, base+float64(n%50), 'g', -1, 64)
				return append(b, "}]}"...)
			}, true)})
		}
	}
	// an activity of a team under the unit
	var teams struct {
		Teams []struct {
			ID int64 `json:"id"`
		} `json:"teams"`
	}
	if err := cl.api("/api/v1/teams?unit="+u+"&status=active&limit=20", &teams); err == nil && len(teams.Teams) > 0 {
		team := teams.Teams[0].ID
		today := time.Now().Format("2006-01-02")
		head, _ := json.Marshal(map[string]any{"team_id": team, "date": today, "kind": "vneid", "place": "Nhà văn hóa thôn",
			"note": "Thử tải: hướng dẫn cài VNeID"})
		pre := string(head[:len(head)-1]) + `,"people_helped":`
		keep(mixReq{label: "activity", want: http.StatusCreated, build: post("/api/v1/activities", "application/json", func(n int) []byte {
			b := append(make([]byte, 0, len(pre)+8), pre...)
			b = strconv.AppendInt(b, int64(1+n%30), 10)
			return append(b, '}')
		}, true)})
	}
	// progress on the tasks the unit leads: each that takes a report now
	// (none waiting for review) goes into the pool
	var tasks struct {
		Tasks []struct {
			ID    int64 `json:"id"`
			Mine  int   `json:"mine"`
			State struct {
				Status string `json:"status"`
			} `json:"state"`
		} `json:"tasks"`
	}
	mine := map[int64]bool{}
	var ct string
	var bodies [80][]byte // by n%80, made once
	for i := range bodies {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.SetBoundary("mangluoi-load-mix-boundary")
		w.WriteField("status", "in_progress")
		w.WriteField("percent", strconv.Itoa(10+i))
		w.WriteField("done", "Thử tải: đã triển khai đến các thôn")
		w.Close()
		ct = w.FormDataContentType()
		bodies[i] = b.Bytes()
	}
	body := func(n int) []byte { return bodies[n%80] }
	report := func(task int64) *http.Request {
		return post("/api/v1/tasks/"+strconv.FormatInt(task, 10)+"/reports", ct, body, true)(cl, int(task))
	}
	if err := cl.api("/api/v1/tasks", &tasks); err == nil {
		for _, t := range tasks.Tasks {
			if st := t.State.Status; t.Mine != 0 || strings.HasPrefix(st, "done") || st == "cancelled" || st == "closed" || st == "carried_over" {
				continue
			}
			resp, err := cl.http.Do(report(t.ID))
			if err != nil {
				continue
			}
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			switch resp.StatusCode {
			case http.StatusCreated:
				mine[t.ID] = true
				reported(t.ID, b)
			case http.StatusConflict: // a report waiting (an earlier run's): the coordinator reviews it first
				var v struct {
					Reports []struct {
						ID    int64  `json:"id"`
						State string `json:"state"`
					} `json:"reports"`
				}
				if cl.api("/api/v1/tasks/"+strconv.FormatInt(t.ID, 10), &v) == nil {
					for _, r := range v.Reports {
						if r.State == "submitted" {
							mine[t.ID] = true
							reported(t.ID, []byte(fmt.Sprintf(`{"id":%d}`, r.ID)))
							break
						}
					}
				}
			}
		}
	}
	if len(mine) > 0 {
		// the task a request is for travels with it, as a header the
		// server ignores (workers share the session)
		out = append(out, mixReq{label: "task report", want: http.StatusCreated,
			build: func(c *client, n int) *http.Request {
				task := takeFree(mine)
				if task == 0 {
					return nil
				}
				req := post("/api/v1/tasks/"+strconv.FormatInt(task, 10)+"/reports", ct, body, true)(c, n)
				req.Header.Set("X-Load-Task", strconv.FormatInt(task, 10))
				return req
			},
			after: func(req *http.Request, status int, b []byte) {
				task, _ := strconv.ParseInt(req.Header.Get("X-Load-Task"), 10, 64)
				if status == http.StatusCreated {
					reported(task, b)
				} else {
					release(task)
				}
			}})
	}
	if s.role == "coordinator" {
		out = append(out, mixReq{label: "review", want: http.StatusOK, build: func(c *client, n int) *http.Request {
			id := takeWaiting()
			if id == 0 {
				return nil
			}
			req := post("/api/v1/reports/"+strconv.FormatInt(id, 10)+"/review", "application/json", func(int) []byte {
				return []byte(`{"accept":false,"comment":"Thử tải: đề nghị bổ sung minh chứng"}`)
			}, true)(c, n)
			req.Header.Set("X-Load-Report", strconv.FormatInt(id, 10))
			return req
		}, after: func(req *http.Request, _ int, _ []byte) {
			id, _ := strconv.ParseInt(req.Header.Get("X-Load-Report"), 10, 64)
			reviewed(id)
		}})
	}
	return out
}

// labelled makes each request's report labels once (a request may be sent
// as another kind when its own kind has nothing to send).
func labelled(list []mixReq) []mixReq {
	for i := range list {
		for k := range list[i].keys {
			list[i].keys[k] = kindNames[k] + ": " + list[i].label
		}
	}
	return list
}
