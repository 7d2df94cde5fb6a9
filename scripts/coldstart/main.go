// Command coldstart measures how long a mangluoi server takes from exec to
// a signed-in user's first page: it starts the server command given after
// "--" (with MANGLUOI_DEBUG=1, so the server logs each step of its start),
// polls /login until it answers, signs in, then asks the account's home
// and its unit's page, and prints each moment since exec. The server is
// stopped at the end (or after --max-time). Loopback only, like
// scripts/load.
//
//	go build -o /tmp/mlserve ./cmd/mangluoi
//	go run ./scripts/coldstart --base http://127.0.0.1:18140 --login tinh-52 -- \
//	  /tmp/mlserve serve --db nation.db --addr 127.0.0.1:18140 --insecure-cookies
//
// The figures of issue 14 (item 7) in BENCHMARKS.md were made with it.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mangluoi/mangluoi/scripts/internal/signin"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart:", err)
		os.Exit(1)
	}
}

func run() error {
	base := flag.String("base", "http://127.0.0.1:18140", "where the server will listen (loopback only)")
	login := flag.String("login", "tinh-52", "account to sign in with")
	password := flag.String("password", "demo-mangluoi", "its password")
	maxTime := flag.Duration("max-time", 2*time.Minute, "give up after this long (at most 10m)")
	flag.Parse()
	if flag.NArg() == 0 {
		return errors.New("give the server command after --")
	}
	if *maxTime <= 0 || *maxTime > 10*time.Minute {
		return errors.New("bad -max-time")
	}
	u, err := url.Parse(*base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("bad -base %q", *base)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("refusing %q: only a server on loopback is measured", u.Hostname())
	}
	if c, err := net.DialTimeout("tcp", u.Host, 200*time.Millisecond); err == nil {
		c.Close()
		return fmt.Errorf("something already listens on %s", u.Host)
	}

	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Env = append(os.Environ(), "MANGLUOI_DEBUG=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
	}()
	// the server's own account of its start: the debug lines naming steps
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			l := sc.Text()
			if strings.Contains(l, `msg=start`) || strings.Contains(l, `msg="handler built"`) || strings.Contains(l, "level=ERROR") ||
				strings.Contains(l, "warm") {
				fmt.Printf("%8.3fs  server: %s\n", time.Since(began).Seconds(), l)
			}
		}
	}()
	pid := cmd.Process.Pid
	// the server's CPU (user + system) so far: on a shared machine the wall
	// time is mostly waiting for a core, this is what the start costs
	mark := func(what string) {
		fmt.Printf("%8.3fs  cpu %5.2fs  %s\n", time.Since(began).Seconds(), cpuSeconds(pid), what)
	}
	deadline := began.Add(*maxTime)

	cl := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string, cookies []*http.Cookie) (int, []byte, error) {
		req, _ := http.NewRequest("GET", u.String()+path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		resp, err := cl.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	for {
		if time.Now().After(deadline) {
			return errors.New("the server did not answer /login in time")
		}
		if st, _, err := get("/login", nil); err == nil && st == http.StatusOK {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	listening := time.Since(began)
	mark("GET /login answered 200")

	ss, err := signin.In(cl, u.String(), *login, *password)
	if err != nil {
		return err
	}
	cookies, home := ss.Cookies, ss.Location
	mark("signed in as " + *login + ", sent to " + home)
	t0 := time.Now()
	st, body, err := get("/api/v1/me", cookies)
	if err != nil || st != http.StatusOK {
		return fmt.Errorf("/api/v1/me: %d %v", st, err)
	}
	var me struct {
		ScopeUnitID int64 `json:"scope_unit_id"`
	}
	if err := json.Unmarshal(body, &me); err != nil {
		return fmt.Errorf("/api/v1/me: %w", err)
	}
	mark(fmt.Sprintf("GET /api/v1/me %d (%.0f ms)", st, ms(time.Since(t0))))
	var first time.Duration
	for _, p := range []string{fmt.Sprintf("/units/%d", me.ScopeUnitID), home} {
		if p == "" {
			continue
		}
		t0 = time.Now()
		st, body, err := get(p, cookies)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if st != http.StatusOK {
			return fmt.Errorf("%s: status %d", p, st)
		}
		if first == 0 {
			first = time.Since(began)
		}
		mark(fmt.Sprintf("GET %s %d, %d KB (%.0f ms)", p, st, len(body)/1024, ms(time.Since(t0))))
	}
	fmt.Printf("listening after %.3f s; first unit page after %.3f s (%.0f ms after listening); server CPU %.2f s; load average %s\n",
		listening.Seconds(), first.Seconds(), ms(first-listening), cpuSeconds(pid), loadavg())
	return nil
}

// cpuSeconds is the user and system time of a process (Linux /proc; 0
// elsewhere), clock ticks at 100 Hz.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// the fields after the command name, which is in parentheses
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (u + st) / 100
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
