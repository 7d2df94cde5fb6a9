// Command writes measures the mixed workload's writes (scripts/load --mix)
// one at a time: a value pushed (POST /api/v1/values) into a commune of the
// coordinator's province, an activity logged for one of its teams, progress
// reported on the focal person's tasks and each report returned by the
// coordinator — each -n times, with the server's CPU (user+system from
// /proc/<pid>/stat, 10 ms ticks) per write and the median time until the
// answer. For BENCHMARKS.md (issue 14, h15api); loopback servers only.
//
//	go run ./scripts/writes -base http://127.0.0.1:18258 -pid <pid> -n 100
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/scripts/internal/signin"
)

var base string
var hc = &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

type cl struct{ token string }

func login(l string) *cl {
	ss, err := signin.In(hc, base, l, "demo-mangluoi")
	if err == nil {
		err = ss.MakeToken("writes bench")
	}
	if err != nil {
		panic(err)
	}
	return &cl{ss.Token}
}

func do(req *http.Request) (int, []byte) {
	resp, err := hc.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (c *cl) req(method, path, ct string, body []byte) *http.Request {
	req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	return req
}

func (c *cl) get(path string, out any) {
	st, b := do(c.req("GET", path, "", nil))
	if st != 200 {
		panic(fmt.Sprintf("%s: %d %.300s", path, st, b))
	}
	if err := json.Unmarshal(b, out); err != nil {
		panic(err)
	}
}

var pid int

func ticks() int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		panic(err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return u + k
}

type meas struct {
	name  string
	n     int
	ticks int64
	wall  []time.Duration
	bad   int
}

func (m *meas) send(req *http.Request, want int) []byte {
	t0 := ticks()
	start := time.Now()
	st, b := do(req)
	m.wall = append(m.wall, time.Since(start))
	m.ticks += ticks() - t0
	m.n++
	if st != want {
		m.bad++
		if m.bad < 3 {
			fmt.Printf("  %s: %d %.200s\n", m.name, st, b)
		}
	}
	return b
}

func (m *meas) print() {
	sort.Slice(m.wall, func(i, j int) bool { return m.wall[i] < m.wall[j] })
	p50 := time.Duration(0)
	if len(m.wall) > 0 {
		p50 = m.wall[len(m.wall)/2]
	}
	fmt.Printf("%-12s n=%4d bad=%d CPU/req %.2f ms  wall p50 %.1f ms\n", m.name, m.n, m.bad, float64(m.ticks)*10/float64(max(m.n, 1)), float64(p50.Microseconds())/1000)
}

func main() {
	flag.StringVar(&base, "base", "http://127.0.0.1:18252", "")
	flag.IntVar(&pid, "pid", 0, "")
	n := flag.Int("n", 100, "")
	coordL := flag.String("coord", "tinh-52", "")
	focalL := flag.String("focal", "xa-23614", "")
	unit := flag.String("unit", "11815", "")
	ind := flag.String("ind", "4", "")
	code := flag.String("code", "HS_ALL", "")
	period := flag.String("period", "2026-11", "")
	only := flag.String("only", "value,activity,report", "")
	flag.Parse()
	if u, err := url.Parse(base); err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" && u.Hostname() != "::1") {
		fmt.Fprintln(os.Stderr, "writes: -base must be a server on loopback")
		os.Exit(2)
	}
	if pid == 0 {
		fmt.Fprintln(os.Stderr, "writes: give the server's -pid")
		os.Exit(2)
	}
	coord, focal := login(*coordL), login(*focalL)
	var f struct {
		Children []struct {
			UnitID int64    `json:"unit_id"`
			Value  *float64 `json:"value"`
		} `json:"children"`
	}
	coord.get("/api/v1/indicators/"+*ind+"/figures?unit="+*unit+"&period="+*period+"&basis=all", &f)
	target := f.Children[len(f.Children)-1].UnitID
	basev := 0.0
	if v := f.Children[len(f.Children)-1].Value; v != nil {
		basev = *v
	}
	if strings.Contains(*only, "value") {
		m := &meas{name: "value"}
		for i := 0; i < *n; i++ {
			b, _ := json.Marshal(map[string]any{"values": []map[string]any{{"indicator": *code, "unit_id": target, "period": *period,
				"value": basev + float64(i%50) + 1, "comment": "Thử tải: số liệu cập nhật"}}})
			m.send(coord.req("POST", "/api/v1/values", "application/json", b), 200)
		}
		m.print()
	}
	if strings.Contains(*only, "activity") {
		var teams struct {
			Teams []struct {
				ID int64 `json:"id"`
			} `json:"teams"`
		}
		coord.get("/api/v1/teams?unit="+*unit+"&status=active&limit=1", &teams)
		m := &meas{name: "activity"}
		today := time.Now().Format("2006-01-02")
		for i := 0; i < *n; i++ {
			b, _ := json.Marshal(map[string]any{"team_id": teams.Teams[0].ID, "date": today, "kind": "vneid", "place": "Nhà văn hóa thôn",
				"people_helped": 1 + i%30, "note": "Thử tải: hướng dẫn cài VNeID"})
			m.send(coord.req("POST", "/api/v1/activities", "application/json", b), 201)
		}
		m.print()
	}
	if strings.Contains(*only, "report") {
		var tasks struct {
			Tasks []struct {
				ID    int64 `json:"id"`
				Mine  int   `json:"mine"`
				State struct {
					Status string `json:"status"`
				} `json:"state"`
			} `json:"tasks"`
		}
		focal.get("/api/v1/tasks", &tasks)
		var free []int64
		for _, t := range tasks.Tasks {
			st := t.State.Status
			if t.Mine != 0 || strings.HasPrefix(st, "done") || st == "cancelled" || st == "closed" || st == "carried_over" {
				continue
			}
			free = append(free, t.ID)
		}
		fmt.Printf("  %d tasks free to report on\n", len(free))
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("status", "in_progress")
		w.WriteField("percent", "30")
		w.WriteField("done", "Thử tải: đã triển khai đến các thôn")
		w.Close()
		body, ct := b.Bytes(), w.FormDataContentType()
		rep, rev := &meas{name: "task report"}, &meas{name: "review"}
		for rep.n < *n && len(free) > 0 {
			var ids []int64
			var ok []int64
			for _, t := range free {
				out := rep.send(focal.req("POST", "/api/v1/tasks/"+strconv.FormatInt(t, 10)+"/reports", ct, body), 201)
				var r struct {
					ID int64 `json:"id"`
				}
				if json.Unmarshal(out, &r) == nil && r.ID != 0 {
					ids = append(ids, r.ID)
					ok = append(ok, t)
				}
				if rep.n >= *n {
					break
				}
			}
			for _, id := range ids {
				rev.send(coord.req("POST", "/api/v1/reports/"+strconv.FormatInt(id, 10)+"/review", "application/json",
					[]byte(`{"accept":false,"comment":"Thử tải: đề nghị bổ sung minh chứng"}`)), 200)
			}
			free = ok
		}
		rep.print()
		rev.print()
	}
}
