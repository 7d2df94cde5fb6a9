// Command load measures a running mangluoi server: it signs in, makes an
// API token, finds the province with the most communes, then requests each
// page of a fixed list n times with c concurrent workers and reports, per
// URL, the percentiles of the server's own time (the Server-Timing header
// the server sets) and of the latency seen here. It also reports the
// server's resident memory.
//
// It only talks to a server on this machine (loopback), and every run is
// bounded in requests and time. Start the server first, e.g. from the
// project root:
//
//	go run ./cmd/mangluoi demo --addr 127.0.0.1:8080
//	go run ./scripts/load --base http://127.0.0.1:8080 --n 500 --c 1
//
// The figures in BENCHMARKS.md were made with it.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/mangluoi/mangluoi/scripts/internal/signin"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

type config struct {
	base      *url.URL
	login     string
	password  string
	n, c      int
	warm      int
	perURL    time.Duration
	pid       int
	provinces string
	before    string
	paths     string
	allocs    *allocReader // --pprof: the server's allocation a request
}

func run() error {
	var cfg config
	base := flag.String("base", "http://127.0.0.1:8080", "the server (loopback only)")
	flag.StringVar(&cfg.login, "login", "admin", "account to sign in with")
	flag.StringVar(&cfg.password, "password", "demo-mangluoi", "its password")
	flag.IntVar(&cfg.n, "n", 300, "requests per URL (at most 100000)")
	flag.IntVar(&cfg.c, "c", 1, "concurrent workers (at most 64)")
	flag.IntVar(&cfg.warm, "warm", 10, "unmeasured requests per URL first")
	flag.DurationVar(&cfg.perURL, "max-time", time.Minute, "stop measuring a URL after this long (at most 10m)")
	flag.IntVar(&cfg.pid, "pid", 0, "the server's process id, for its memory (default: the process listening on the port)")
	flag.StringVar(&cfg.provinces, "provinces", "auto", "comma-separated province codes to measure (auto: the one with the most communes today)")
	flag.StringVar(&cfg.before, "before", "2025-06-30", "the historical date to view the provinces and the nation as of")
	flag.StringVar(&cfg.paths, "paths", "", "comma-separated paths to measure instead of the unit pages (those under /api/ with the token)")
	var mc mixConfig
	mix := flag.Bool("mix", false, "the mixed workload of each role's sessions (70 % pages, 20 % API reads, 10 % writes) at each of --conns (see mix.go)")
	flag.StringVar(&mc.accounts, "accounts", "lanhdao,gialai,pleiku,sokhcn", "--mix: the sessions' accounts, comma-separated (a leader, a coordinator, a focal person…)")
	flag.StringVar(&mc.conns, "conns", "10,50,200,500,1000", "--mix: the numbers of connections, one run each")
	flag.DurationVar(&mc.duration, "duration", 20*time.Second, "--mix: how long each run lasts")
	flag.StringVar(&mc.indicator, "indicator", "HS_ALL", "--mix: the indicator read and written")
	flag.StringVar(&mc.period, "period", "", "--mix: its period (default: last month)")
	flag.StringVar(&mc.rates, "rate", "", "--mix: open loop: requests a second in all, comma-separated, one run each at each of --conns (a request's latency counts from when it was due); empty: closed loop, each connection sending as soon as answered")
	flag.StringVar(&mc.pids, "pids", "", "--mix: the servers' process ids, comma-separated, for their CPU (default: the process listening on the port)")
	pathsFile := flag.String("paths-file", "", "a file of paths to measure, one a line (added to -paths)")
	settle := flag.Duration("settle", 0, "wait this long after signing in before measuring (at most 1m): the sign-in's password hash allocates 64 MB, and the collection and the returning of memory to the system that follow land in the first URLs' CPU otherwise")
	pprofAddr := flag.String("pprof", "", "the server's --pprof address (http://127.0.0.1:PORT): report the bytes and objects it allocates a request (its /debug/memstats, else /debug/pprof/heap?debug=1's TotalAlloc), before and after each URL or level")
	cpuProfile := flag.String("cpuprofile", "", "write this tool's own CPU profile to this file (to see what the tool costs)")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	if *pprofAddr != "" {
		if !strings.Contains(*pprofAddr, "://") {
			*pprofAddr = "http://" + *pprofAddr
		}
		u, err := url.Parse(*pprofAddr)
		if err != nil || u.Scheme != "http" || u.Host == "" {
			return fmt.Errorf("bad --pprof %q: want http://host:port", *pprofAddr)
		}
		if err := loopbackOnly(u.Hostname()); err != nil {
			return err
		}
		cfg.allocs = newAllocReader("http://" + u.Host)
		mc.allocs = cfg.allocs
	}
	if *mix {
		u, err := url.Parse(*base)
		if err != nil || u.Scheme != "http" || u.Host == "" {
			return fmt.Errorf("bad -base %q: want http://host:port", *base)
		}
		if err := loopbackOnly(u.Hostname()); err != nil {
			return err
		}
		return runMix(u, cfg.password, mc)
	}
	if cfg.n < 1 || cfg.n > 100000 || cfg.c < 1 || cfg.c > 64 || cfg.perURL <= 0 || cfg.perURL > 10*time.Minute || cfg.warm < 0 || cfg.warm > 1000 {
		return errors.New("bad -n, -c, -warm or -max-time")
	}
	u, err := url.Parse(*base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("bad -base %q: want http://host:port", *base)
	}
	if err := loopbackOnly(u.Hostname()); err != nil {
		return err
	}
	cfg.base = u

	cl := newClient(cfg.base)
	if err := cl.signIn(cfg.login, cfg.password); err != nil {
		return err
	}
	defer cl.signOut()
	if err := cl.makeToken(); err != nil {
		return err
	}
	defer cl.revokeToken()
	if *settle < 0 || *settle > time.Minute {
		return errors.New("bad -settle")
	}
	time.Sleep(*settle)

	if *pathsFile != "" {
		b, err := os.ReadFile(*pathsFile)
		if err != nil {
			return err
		}
		if len(b) > 16<<20 {
			return fmt.Errorf("-paths-file %s: more than 16 MB", *pathsFile)
		}
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				lines = append(lines, l)
			}
		}
		if cfg.paths != "" {
			lines = append(strings.Split(cfg.paths, ","), lines...)
		}
		cfg.paths = strings.Join(lines, ",")
	}
	var targets []target
	if cfg.paths != "" {
		for _, p := range strings.Split(cfg.paths, ",") {
			p = strings.TrimSpace(p)
			targets = append(targets, target{label: p, path: p, api: strings.HasPrefix(p, "/api/")})
		}
	} else if targets, err = cl.targets(cfg); err != nil {
		return err
	}
	pid := cfg.pid
	if pid == 0 {
		pid = listenerPID(cfg.base)
	}
	fmt.Printf("server %s  pid %d  load tool: n=%d c=%d warm=%d max-time=%s  GOMAXPROCS=%d\n",
		cfg.base, pid, cfg.n, cfg.c, cfg.warm, cfg.perURL, runtime.GOMAXPROCS(0))
	if pid > 0 {
		fmt.Printf("server memory before: %s\n", memOf(pid))
	}
	var results []*result
	fmt.Printf("load average before: %s\n", loadavg())
	for _, t := range targets {
		self0 := cpuTicks(os.Getpid())
		span := cfg.allocs.begin()
		cpu0 := cpuTicks(pid)
		r := cl.measure(t, cfg)
		if cpu0 >= 0 {
			r.cpuTicks = cpuTicks(pid) - cpu0
		}
		r.allocB, r.allocO, r.allocOK = span.end(r.requests)
		r.selfTicks = cpuTicks(os.Getpid()) - self0
		results = append(results, r)
	}
	fmt.Printf("load average after: %s\n", loadavg())
	report(os.Stdout, results)
	if pid > 0 {
		fmt.Printf("server memory after: %s\n", memOf(pid))
	}
	for _, r := range results {
		if r.errors > 0 {
			return fmt.Errorf("%d URL(s) had errors; first: %s", countErr(results), firstErr(results))
		}
	}
	return nil
}

// loopbackOnly refuses any host that is not this machine: the tool is for
// measuring one's own server, not for loading anyone else's.
func loopbackOnly(host string) error {
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing %q: only a server on loopback (127.0.0.1, ::1, localhost) is measured", host)
	}
	return nil
}

type client struct {
	base    *url.URL
	http    *http.Client
	ss      *signin.Session
	cookies []*http.Cookie
	token   string
	wires   []*wire // the measuring workers' connections
}

func newClient(base *url.URL) *client {
	tr := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, IdleConnTimeout: time.Minute, DisableCompression: true}
	return &client{base: base, http: signin.Client(tr)}
}

func (c *client) url(path string) string { return c.base.String() + path }

// signIn signs in and makes an API token (scripts/internal/signin).
func (c *client) signIn(login, password string) error {
	ss, err := signin.In(c.http, c.base.String(), login, password)
	if err != nil {
		return err
	}
	c.ss, c.cookies = ss, ss.Cookies
	return nil
}

func (c *client) signOut() { c.ss.Out() }

func (c *client) session(req *http.Request) { c.ss.AddCookies(req) }

func (c *client) makeToken() error {
	if err := c.ss.MakeToken("load test"); err != nil {
		return err
	}
	c.token = c.ss.Token
	return nil
}

func (c *client) revokeToken() { c.ss.RevokeToken() }

func (c *client) api(path string, out any) error {
	req, _ := http.NewRequest("GET", c.url(path), nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	return c.doJSON(req, http.StatusOK, out)
}

func (c *client) doJSON(req *http.Request, want int, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d: %.200s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return json.Unmarshal(body, out)
}

type unit struct {
	ID    int64  `json:"id"`
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

type unitDetail struct {
	unit
	InForce bool           `json:"in_force"`
	Counts  map[string]int `json:"counts"`
}

type unitList struct {
	Total int    `json:"total"`
	Units []unit `json:"units"`
}

// target is one URL to measure.
type target struct {
	label string
	path  string
	api   bool // bearer token instead of the session cookie
}

// targets finds the units to measure through the API and builds the list.
func (c *client) targets(cfg config) ([]target, error) {
	var me struct {
		ScopeUnitID int64 `json:"scope_unit_id"`
	}
	if err := c.api("/api/v1/me", &me); err != nil {
		return nil, err
	}
	var provs unitList
	if err := c.api("/api/v1/units?level=province&limit=1000", &provs); err != nil {
		return nil, err
	}
	if len(provs.Units) == 0 {
		return nil, errors.New("no provinces today: is the country loaded?")
	}
	communes := func(id int64, d string) (unitDetail, error) {
		var u unitDetail
		path := "/api/v1/units/" + strconv.FormatInt(id, 10)
		if d != "" {
			path += "?d=" + d
		}
		err := c.api(path, &u)
		return u, err
	}
	var chosen []unitDetail
	if cfg.provinces == "auto" {
		var best unitDetail
		for _, p := range provs.Units {
			u, err := communes(p.ID, "")
			if err != nil {
				return nil, err
			}
			if u.Counts["commune"] > best.Counts["commune"] {
				best = u
			}
		}
		chosen = append(chosen, best)
	} else {
		for _, code := range strings.Split(cfg.provinces, ",") {
			i := slices.IndexFunc(provs.Units, func(u unit) bool { return u.Code == strings.TrimSpace(code) })
			if i < 0 {
				return nil, fmt.Errorf("no province with code %q today", code)
			}
			u, err := communes(provs.Units[i].ID, "")
			if err != nil {
				return nil, err
			}
			chosen = append(chosen, u)
		}
	}
	nation := strconv.FormatInt(me.ScopeUnitID, 10)
	var out []target
	for _, p := range chosen {
		id := strconv.FormatInt(p.ID, 10)
		name := fmt.Sprintf("%s (%s, %d communes)", p.Name, p.Code, p.Counts["commune"])
		out = append(out, target{label: "unit page: " + name, path: "/units/" + id})
		// The same province as of the historical date: the same unit when
		// it went on unchanged, else the province that had its code then
		// (the new Hồ Chí Minh City is a new unit; the old one had code 79).
		then, err := communes(p.ID, cfg.before)
		if err != nil {
			return nil, err
		}
		if then.InForce {
			out = append(out, target{label: fmt.Sprintf("unit page %s: same unit (%d districts, %d communes)", cfg.before,
				then.Counts["district"], then.Counts["commune"]), path: "/units/" + id + "?d=" + cfg.before})
		} else {
			var old unitList
			if err := c.api("/api/v1/units?level=province&d="+cfg.before+"&q="+url.QueryEscape(p.Code), &old); err != nil {
				return nil, err
			}
			for _, o := range old.Units {
				if o.Code != p.Code {
					continue
				}
				od, err := communes(o.ID, cfg.before)
				if err != nil {
					return nil, err
				}
				out = append(out, target{label: fmt.Sprintf("unit page %s: %s then (%d districts, %d communes)", cfg.before,
					o.Name, od.Counts["district"], od.Counts["commune"]), path: "/units/" + strconv.FormatInt(o.ID, 10) + "?d=" + cfg.before})
			}
		}
		out = append(out, target{label: "API children: " + name, path: "/api/v1/units/" + id + "/children", api: true})
	}
	out = append(out,
		target{label: "unit page: the nation", path: "/units/" + nation},
		target{label: "unit page: the nation " + cfg.before, path: "/units/" + nation + "?d=" + cfg.before},
		target{label: "search page: dak lak", path: "/search?q=dak+lak"},
		target{label: "list page: communes", path: "/units?level=commune"},
		target{label: "API search: dak lak", path: "/api/v1/search?q=dak+lak", api: true},
	)
	return out, nil
}

type result struct {
	target
	status           map[int]int
	errors           int
	firstErr         string
	server, latency  []float64 // milliseconds
	bytes            int64
	requests         int // sent, warm-up included
	elapsed          time.Duration
	noTiming, capped int
	cpuTicks         int64   // server CPU (user+system) over the measured and warm-up requests; -1 unknown
	selfTicks        int64   // this tool's own
	allocB, allocO   float64 // --pprof: the server's bytes and objects allocated a request
	allocOK          bool
}

// measure requests t.path cfg.n times (after cfg.warm unmeasured ones)
// with cfg.c workers, stopping early after cfg.perURL.
func (c *client) measure(t target, cfg config) *result {
	r := &result{target: t, status: map[int]int{}, cpuTicks: -1}
	raw := c.encode(t)
	for len(c.wires) < cfg.c { // kept from one URL to the next
		c.wires = append(c.wires, newWire(c.base.Host, 30*time.Second))
	}
	for range cfg.warm {
		c.get(c.wires[0], raw)
	}
	r.requests = cfg.warm
	var next atomic.Int64
	var mu sync.Mutex
	deadline := time.Now().Add(cfg.perURL)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range cfg.c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := c.wires[i]
			for next.Add(1) <= int64(cfg.n) {
				if time.Now().After(deadline) {
					mu.Lock()
					r.capped++
					mu.Unlock()
					return
				}
				s := c.get(w, raw)
				mu.Lock()
				r.add(s)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	return r
}

type sample struct {
	status  int
	err     error
	server  float64 // ms; <0 when the header was missing
	latency float64 // ms, until the whole body is read
	bytes   int64
}

// encode makes a target's GET once (its bytes are sent again).
func (c *client) encode(t target) []byte {
	req, _ := http.NewRequest("GET", c.url(t.path), nil)
	if t.api {
		req.Header.Set("Authorization", "Bearer "+c.token)
	} else {
		c.session(req)
	}
	return encode(req)
}

func (c *client) get(w *wire, raw []byte) sample {
	start := time.Now()
	rp, err := w.do(raw, true, false, true)
	if err != nil {
		return sample{err: err}
	}
	s := sample{status: rp.status, bytes: rp.n, server: -1,
		latency: float64(time.Since(start).Microseconds()) / 1000}
	if v, ok := serverTiming(rp.timing); ok {
		s.server = v
	}
	return s
}

// serverTiming reads "app;dur=12.34" (among other metrics) in milliseconds.
func serverTiming(h string) (float64, bool) {
	for _, m := range strings.Split(h, ",") {
		parts := strings.Split(strings.TrimSpace(m), ";")
		if parts[0] != "app" {
			continue
		}
		for _, p := range parts[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "dur="); ok {
				f, err := strconv.ParseFloat(v, 64)
				return f, err == nil
			}
		}
	}
	return 0, false
}

func (r *result) add(s sample) {
	r.requests++
	r.status[s.status]++
	switch {
	case s.err != nil:
		r.errors++
		if r.firstErr == "" {
			r.firstErr = s.err.Error()
		}
		return
	case s.status != http.StatusOK:
		r.errors++
		if r.firstErr == "" {
			r.firstErr = fmt.Sprintf("%s: status %d", r.path, s.status)
		}
		return
	}
	r.latency = append(r.latency, s.latency)
	r.bytes += s.bytes
	if s.server < 0 {
		r.noTiming++
		return
	}
	r.server = append(r.server, s.server)
}

// pct is the nearest-rank percentile of sorted values.
func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func report(w io.Writer, results []*result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "url\tok\terr\tserver p50\tp95\tp99\tmax\tclient p50\tp95\tp99\tmax\tKB\treq/s\tCPU/req\talloc KB/req\tobjs/req\ttool CPU\t")
	for _, r := range results {
		slices.Sort(r.server)
		slices.Sort(r.latency)
		kb := 0.0
		if len(r.latency) > 0 {
			kb = float64(r.bytes) / float64(len(r.latency)) / 1024
		}
		cpu := "?"
		if r.cpuTicks >= 0 && r.requests > 0 {
			cpu = fmt.Sprintf("%.2f", float64(r.cpuTicks)*1000/clockTicks/float64(r.requests))
		}
		allocKB, objs := "?", "?"
		if r.allocOK {
			allocKB, objs = fmt.Sprintf("%.1f", r.allocB/1024), fmt.Sprintf("%.0f", r.allocO)
		}
		self := "?"
		if r.requests > 0 {
			self = fmt.Sprintf("%.3f", float64(r.selfTicks)*1000/clockTicks/float64(r.requests))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\t%.0f\t%s\t%s\t%s\t%s\t\n", r.path, len(r.latency), r.errors,
			pct(r.server, 50), pct(r.server, 95), pct(r.server, 99), pct(r.server, 100),
			pct(r.latency, 50), pct(r.latency, 95), pct(r.latency, 99), pct(r.latency, 100),
			kb, float64(len(r.latency))/r.elapsed.Seconds(), cpu, allocKB, objs, self)
	}
	tw.Flush()
	if len(results) > 1 { // all the URLs together (a page's misses, one address each)
		var n, ticks, self int64
		var allocB, allocO float64
		cpuOK, allocOK := true, true
		for _, r := range results {
			n += int64(r.requests)
			ticks += r.cpuTicks
			self += r.selfTicks
			cpuOK = cpuOK && r.cpuTicks >= 0
			allocOK = allocOK && r.allocOK
			allocB += r.allocB * float64(r.requests)
			allocO += r.allocO * float64(r.requests)
		}
		if n > 0 {
			fmt.Fprintf(w, "all %d URLs: %d requests", len(results), n)
			if cpuOK {
				fmt.Fprintf(w, ", CPU/req %.3f ms", float64(ticks)*1000/clockTicks/float64(n))
			}
			if allocOK {
				fmt.Fprintf(w, ", alloc %.1f KB/req, %.0f objs/req", allocB/1024/float64(n), allocO/float64(n))
			}
			fmt.Fprintf(w, ", tool CPU %.3f ms/req\n", float64(self)*1000/clockTicks/float64(n))
		}
	}
	fmt.Fprintln(w, "(times in ms; server = Server-Timing app;dur, client = until the body is read;")
	fmt.Fprintln(w, " CPU/req = the server process's user+system CPU over the URL's requests, warm-up included, 10 ms ticks;")
	fmt.Fprintln(w, " alloc KB/req, objs/req = what the server allocated over them (--pprof), warm-up included; tool CPU = this tool's own a request)")
	for _, r := range results {
		fmt.Fprintf(w, "  %-32s %s", r.path, r.label)
		if r.noTiming > 0 {
			fmt.Fprintf(w, "  [%d responses without Server-Timing]", r.noTiming)
		}
		if r.capped > 0 {
			fmt.Fprintf(w, "  [stopped by -max-time]")
		}
		fmt.Fprintln(w)
	}
}

func countErr(rs []*result) int {
	n := 0
	for _, r := range rs {
		if r.errors > 0 {
			n++
		}
	}
	return n
}

func firstErr(rs []*result) string {
	for _, r := range rs {
		if r.firstErr != "" {
			return r.firstErr
		}
	}
	return ""
}

// memOf reads a process's resident memory (now and at its peak).
func memOf(pid int) string {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var parts []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && (k == "VmRSS" || k == "VmHWM") {
			parts = append(parts, k+" "+strings.Join(strings.Fields(v), " "))
		}
	}
	return strings.Join(parts, ", ")
}

// listenerPID finds the process listening on the server's port, through
// /proc (Linux): the socket's inode in /proc/net/tcp{,6}, then the process
// holding a descriptor on it. 0 when not found.
func listenerPID(base *url.URL) int {
	port, err := strconv.Atoi(base.Port())
	if err != nil {
		return 0
	}
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range bytes.Split(data, []byte("\n"))[1:] {
			fs := strings.Fields(string(line))
			if len(fs) < 10 || fs[3] != "0A" { // 0A: LISTEN
				continue
			}
			_, hexPort, _ := strings.Cut(fs[1], ":")
			if p, err := strconv.ParseInt(hexPort, 16, 32); err == nil && int(p) == port {
				inodes["socket:["+fs[9]+"]"] = true
			}
		}
	}
	if len(inodes) == 0 {
		return 0
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/fd")
	for _, dir := range procs {
		fds, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			if link, err := os.Readlink(filepath.Join(dir, fd.Name())); err == nil && inodes[link] {
				pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
				return pid
			}
		}
	}
	return 0
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times (100 on Linux).
const clockTicks = 100

// cpuTicks is a process's user+system CPU time in clock ticks, or -1.
func cpuTicks(pid int) int64 {
	if pid <= 0 {
		return -1
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// the command name (field 2) may hold spaces; fields after it are plain
	_, rest, ok := strings.Cut(string(data), ") ")
	fs := strings.Fields(rest)
	if !ok || len(fs) < 13 {
		return -1
	}
	utime, err1 := strconv.ParseInt(fs[11], 10, 64)
	stime, err2 := strconv.ParseInt(fs[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return utime + stime
}

// loadavg is the machine's 1/5/15-minute load: other work on the machine
// shows in the server times, so every run records it.
func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	fs := strings.Fields(string(data))
	if len(fs) < 3 {
		return "?"
	}
	return strings.Join(fs[:3], " ")
}
