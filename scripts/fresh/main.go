// Command fresh measures how soon a value saved through one app server is
// in another's national figure (issue 14, item 5). Two servers on one
// database: it saves a value of an indicator for a commune through server
// A (POST /api/v1/values, as the account it signs in with), asks server B
// for the national figure at once, reads A's (A patched its own copy: the
// truth), and asks B again until its figure equals A's; it
// records the time from A's answer to B's first answer showing the change
// and B's own time for that answer (its Server-Timing: the catch-up). n
// writes, each to one of the communes in turn, so that B has the cell
// cached before each; the percentiles at the end.
//
// It only talks to servers on this machine (loopback), and every run is
// bounded in writes and time. From the project root:
//
//	go run ./cmd/mangluoi serve --db /tmp/x.db --addr 127.0.0.1:18160 --insecure-cookies &
//	go run ./cmd/mangluoi serve --db /tmp/x.db --addr 127.0.0.1:18161 --insecure-cookies &
//	go run ./scripts/fresh --a http://127.0.0.1:18160 --b http://127.0.0.1:18161 --n 200
//
// With -tasks it writes task reports instead (the plans' change feed):
// progress on overdue tasks through A, 50 % and 0 % in turn, so each flips
// the task in and out of REG_TASKS_STARTED, each report returned after
// the round (a task takes one pending report at a time):
//
//	go run ./scripts/fresh -tasks -indicator REG_TASKS_STARTED -period 2026-12 --n 200
//
// The writes are real (audited, in the commune's draft report, or the
// tasks' reports): run it on a database made for measuring.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/scripts/internal/signin"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "fresh:", err)
		os.Exit(1)
	}
}

type server struct {
	base    string
	http    *http.Client
	token   string
	tokenID int64
}

func run() error {
	a := flag.String("a", "http://127.0.0.1:18160", "the server written through (loopback only)")
	b := flag.String("b", "http://127.0.0.1:18161", "the server read (loopback only), on the same database")
	login := flag.String("login", "admin", "account to sign in with on A (it must be allowed to enter the communes' values)")
	password := flag.String("password", "demo-mangluoi", "its password")
	code := flag.String("indicator", "HS_ALL", "the indicator written (a summed, reported one)")
	period := flag.String("period", "", "the period written (default: last month)")
	n := flag.Int("n", 200, "writes (at most 5000)")
	units := flag.Int("units", 20, "communes written in turn (at most 200)")
	basis := flag.String("basis", "all", "the basis of the figure read (a draft value counts on 'all')")
	reopen := flag.Bool("reopen", false, "return or reopen the communes' reports when they are locked (submitted or approved), so values can be saved")
	register := flag.Bool("register", false, "write a register instead: flip the IT qualification of people holding a DX role (PUT /api/v1/people/{id}); read a measured indicator (-indicator REG_DX_STAFF_IT)")
	tasks := flag.Bool("tasks", false, "write task reports instead: progress on overdue tasks (POST /api/v1/tasks/{id}/reports, 50 and 0 percent in turn), each returned after its round; read a plans' measured indicator (-indicator REG_TASKS_STARTED, -period this month: a report counts from the day it is made)")
	limit := flag.Duration("timeout", 5*time.Second, "give up on one write after this long")
	flag.Parse()
	if *n < 1 || *n > 5000 || *units < 1 || *units > 200 || *limit <= 0 || *limit > time.Minute {
		return errors.New("bad -n, -units or -timeout")
	}
	if *period == "" {
		m := time.Now().AddDate(0, 0, -time.Now().Day()) // the last day of last month
		*period = m.Format("2006-01")
	}
	A, err := dial(*a)
	if err != nil {
		return err
	}
	B, err := dial(*b)
	if err != nil {
		return err
	}
	if err := A.signIn(*login, *password); err != nil {
		return err
	}
	defer A.revokeToken()
	B.token = A.token // one database: the token is good on both

	var me struct {
		ScopeUnitID int64 `json:"scope_unit_id"`
	}
	if err := A.get("/api/v1/me", &me); err != nil {
		return err
	}
	var list struct {
		Indicators []struct {
			ID   int64  `json:"id"`
			Code string `json:"code"`
		} `json:"indicators"`
	}
	if err := A.get("/api/v1/indicators", &list); err != nil {
		return err
	}
	var ind int64
	for _, i := range list.Indicators {
		if i.Code == *code {
			ind = i.ID
		}
	}
	if ind == 0 {
		return fmt.Errorf("no indicator %s", *code)
	}
	figure := func(s *server, unit int64) (fig, error) {
		var f struct {
			Unit     fig   `json:"unit"`
			Children []fig `json:"children"`
		}
		t, err := s.getTimed(fmt.Sprintf("/api/v1/indicators/%d/figures?unit=%d&period=%s&basis=%s", ind, unit, *period, *basis), &f)
		f.Unit.serverMS, f.Unit.children = t, f.Children
		return f.Unit, err
	}
	nation, err := figure(A, me.ScopeUnitID)
	if err != nil {
		return err
	}
	// write is one change through A; units are the communes (or people)
	// written in turn
	var write func(i int, u int64) error
	var open []int64
	if *register {
		var found struct {
			Rows []struct {
				Person struct {
					ID int64 `json:"id"`
				} `json:"person"`
			} `json:"rows"`
		}
		if err := A.get(fmt.Sprintf("/api/v1/people?role=any&limit=%d", *units), &found); err != nil {
			return err
		}
		for _, r := range found.Rows {
			open = append(open, r.Person.ID)
		}
		if len(open) == 0 {
			return errors.New("no people with a DX role")
		}
		write = func(_ int, id int64) error { return A.flipIT(id) }
	}
	var after func() error // undoes what blocks the next write, after its round
	if *tasks {
		var found struct {
			Tasks []struct {
				ID          int64  `json:"id"`
				LeadClass   string `json:"lead_class"`
				CancelledOn string `json:"cancelled_on"`
				State       struct {
					Percent int `json:"percent"`
				} `json:"state"`
			} `json:"tasks"`
		}
		if err := A.get("/api/v1/tasks?status=overdue", &found); err != nil {
			return err
		}
		percent := map[int64]int{}
		for _, t := range found.Tasks {
			if t.LeadClass == "" && t.CancelledOn == "" && len(open) < *units {
				open = append(open, t.ID)
				percent[t.ID] = t.State.Percent
			}
		}
		if len(open) == 0 {
			return errors.New("no overdue task to report on")
		}
		var pending int64
		write = func(_ int, id int64) error {
			p := 50
			if percent[id] > 0 {
				p = 0
			}
			rep, err := A.reportTask(id, p)
			if err != nil {
				return err
			}
			percent[id], pending = p, rep
			return nil
		}
		after = func() error { return A.returnReport(pending) }
	}
	// the communes: those under the provinces, a few of each, in turn
	var communes []int64
	for round := 0; !*register && !*tasks && len(communes) < *units && round < 50; round++ {
		for _, p := range nation.children {
			pf, err := figure(A, p.UnitID)
			if err != nil {
				return err
			}
			if round < len(pf.children) && len(communes) < *units {
				communes = append(communes, pf.children[round].UnitID)
			}
		}
	}
	// keep those A takes a value for (a locked report refuses it)
	var refused error
	for _, u := range communes {
		if *reopen {
			if err := A.unlock(ind, u, *period); err != nil {
				return err
			}
		}
		if err := A.push(ind, *code, u, *period, 1); err == nil {
			open = append(open, u)
		} else if refused == nil {
			refused = err
		}
	}
	if write == nil {
		write = func(i int, u int64) error { return A.push(ind, *code, u, *period, float64(1000+i)) }
	}
	if len(open) == 0 {
		return fmt.Errorf("no commune under %d takes a value of %s for %s; the first refusal: %v", me.ScopeUnitID, *code, *period, refused)
	}
	fmt.Printf("A %s  B %s  indicator %s (%d) %s basis %s  %d communes or people written in turn  n=%d\n", *a, *b, *code, ind, *period, *basis, len(open), *n)
	fmt.Printf("load average before: %s\n", loadavg())
	var lag, bTime, polls []float64
	var stale, moved int
	for i := range *n {
		// B has the cell cached: it answered the last round
		before, err := figure(B, me.ScopeUnitID)
		if err != nil {
			return err
		}
		u := open[i%len(open)]
		if err := write(i, u); err != nil {
			return fmt.Errorf("write %d: %w", i, err)
		}
		done := time.Now()
		first, err := figure(B, me.ScopeUnitID) // B at once, then A's figure to compare with
		if err != nil {
			return err
		}
		firstAt := time.Since(done)
		want, err := figure(A, me.ScopeUnitID)
		if err != nil {
			return err
		}
		since := time.Now()
		k := 0
		for {
			k++
			got := first
			if k > 1 {
				if got, err = figure(B, me.ScopeUnitID); err != nil {
					return err
				}
			}
			if got.same(want) {
				if k == 1 {
					lag = append(lag, float64(firstAt.Microseconds())/1000)
					bTime = append(bTime, got.serverMS)
					polls = append(polls, 1)
					break
				}
				lag = append(lag, float64(time.Since(done).Microseconds())/1000)
				bTime = append(bTime, got.serverMS)
				polls = append(polls, float64(k))
				break
			}
			stale++
			if time.Since(since) > *limit {
				return fmt.Errorf("write %d: B still shows %v after %s, A %v", i, got.Value, *limit, want.Value)
			}
		}
		if !want.same(before) {
			moved++
		}
		if after != nil {
			if err := after(); err != nil {
				return fmt.Errorf("after write %d: %w", i, err)
			}
		}
	}
	fmt.Printf("load average after: %s\n", loadavg())
	for _, s := range [][]float64{lag, bTime, polls} {
		slices.Sort(s)
	}
	fmt.Printf("writes %d, %d of them moved the national figure; B answers still stale: %d\n", len(lag), moved, stale)
	fmt.Printf("from A's answer to B's first fresh answer (ms): p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n",
		pct(lag, 50), pct(lag, 95), pct(lag, 99), pct(lag, 100))
	fmt.Printf("B's server time for that answer (Server-Timing, ms): p50 %.2f  p95 %.2f  p99 %.2f  max %.2f\n",
		pct(bTime, 50), pct(bTime, 95), pct(bTime, 99), pct(bTime, 100))
	fmt.Printf("B requests until fresh: p50 %.0f  max %.0f\n", pct(polls, 50), pct(polls, 100))
	return nil
}

type fig struct {
	UnitID   int64    `json:"unit_id"`
	Value    *float64 `json:"value"`
	Units    int      `json:"units"`
	serverMS float64
	children []fig
}

func (f fig) same(g fig) bool {
	return f.Units == g.Units && (f.Value == nil) == (g.Value == nil) && (f.Value == nil || *f.Value == *g.Value)
}

func dial(base string) (*server, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("bad server %q: want http://host:port", base)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("refusing %q: only servers on loopback are measured", base)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: true}
	return &server{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}, nil
}

// signIn signs in and makes an API token (scripts/internal/signin).
func (s *server) signIn(login, password string) error {
	ss, err := signin.In(s.http, s.base, login, password)
	if err != nil {
		return err
	}
	if err := ss.MakeToken("freshness"); err != nil {
		return err
	}
	s.token, s.tokenID = ss.Token, ss.TokenID
	return nil
}

func (s *server) revokeToken() {
	req, _ := http.NewRequest("DELETE", s.base+"/api/v1/tokens/"+strconv.FormatInt(s.tokenID, 10), nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	if resp, err := s.http.Do(req); err == nil {
		resp.Body.Close()
	}
}

func (s *server) get(path string, out any) error {
	_, err := s.getTimed(path, out)
	return err
}

func (s *server) getTimed(path string, out any) (float64, error) {
	req, _ := http.NewRequest("GET", s.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	return s.do(req, http.StatusOK, out)
}

func (s *server) push(ind int64, code string, unit int64, period string, v float64) error {
	body, _ := json.Marshal(map[string]any{"values": []map[string]any{{"indicator": code, "unit_id": unit, "period": period, "value": v,
		"comment": "Đo độ tươi số liệu giữa hai máy chủ"}}})
	req, _ := http.NewRequest("POST", s.base+"/api/v1/values", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	var out map[string]any
	_, err := s.do(req, http.StatusOK, &out)
	return err
}

// flipIT turns a person's IT qualification over, through the API.
func (s *server) flipIT(id int64) error {
	var v struct {
		Person map[string]any `json:"person"`
	}
	if err := s.get(fmt.Sprintf("/api/v1/people/%d", id), &v); err != nil {
		return err
	}
	in := v.Person
	for _, k := range []string{"id", "created_at", "updated_at", "contact_hidden"} {
		delete(in, k)
	}
	it, _ := in["qualification_it"].(bool)
	in["qualification_it"] = !it
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/api/v1/people/%d", s.base, id), bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	var out map[string]any
	_, err := s.do(req, http.StatusOK, &out)
	return err
}

// reportTask reports progress on a task through the API (a multipart form,
// as the page sends it) and returns the report's id.
func (s *server) reportTask(id int64, percent int) (int64, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"status": "in_progress", "percent": strconv.Itoa(percent), "done": "Đo độ tươi số liệu giữa hai máy chủ"} {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/tasks/%d/reports", s.base, id), &body)
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var out struct {
		ID int64 `json:"id"`
	}
	_, err := s.do(req, http.StatusCreated, &out)
	return out.ID, err
}

// returnReport returns a report (which moves no task's figures), so that
// its task takes the next one.
func (s *server) returnReport(id int64) error {
	body, _ := json.Marshal(map[string]any{"accept": false, "comment": "Trả lại sau khi đo độ tươi số liệu"})
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/reports/%d/review", s.base, id), bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	var out map[string]any
	_, err := s.do(req, http.StatusOK, &out)
	return err
}

// unlock returns (submitted) or reopens (approved) the unit's report of the
// form that collects indicator ind, through the review API.
func (s *server) unlock(ind, unit int64, period string) error {
	var forms struct {
		Forms []struct {
			ID    int64 `json:"id"`
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		} `json:"forms"`
	}
	if err := s.get("/api/v1/forms", &forms); err != nil {
		return err
	}
	for _, f := range forms.Forms {
		if len(f.Items) > 0 && !slices.ContainsFunc(f.Items, func(i struct {
			ID int64 `json:"id"`
		}) bool {
			return i.ID == ind
		}) {
			continue // the list may leave the items out: then every form is tried
		}
		var e struct {
			Submission *struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			} `json:"submission"`
		}
		if err := s.get(fmt.Sprintf("/api/v1/units/%d/forms/%d?period=%s", unit, f.ID, period), &e); err != nil {
			continue // not this unit's form
		}
		action := map[string]string{"submitted": "return", "approved": "reopen"}
		if e.Submission == nil || action[e.Submission.Status] == "" {
			continue
		}
		body, _ := json.Marshal(map[string]string{"action": action[e.Submission.Status], "comment": "Mở lại để đo độ tươi số liệu"})
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/submissions/%d/review", s.base, e.Submission.ID), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+s.token)
		req.Header.Set("Content-Type", "application/json")
		var out map[string]any
		if _, err := s.do(req, http.StatusOK, &out); err != nil {
			return fmt.Errorf("unlock %d: %w", unit, err)
		}
	}
	return nil
}

func (s *server) do(req *http.Request, want int, out any) (float64, error) {
	resp, err := s.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != want {
		return 0, fmt.Errorf("%s %s: status %d: %.300s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	return serverTiming(resp.Header.Get("Server-Timing")), json.Unmarshal(body, out)
}

// serverTiming reads "app;dur=12.34" in milliseconds (-1 when absent).
func serverTiming(h string) float64 {
	for _, m := range strings.Split(h, ",") {
		parts := strings.Split(strings.TrimSpace(m), ";")
		if parts[0] != "app" {
			continue
		}
		for _, p := range parts[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(p), "dur="); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					return f
				}
			}
		}
	}
	return -1
}

func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

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
