package app_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
)

// BenchmarkPeopleImport20000 times a 20.000-row people import through the
// page, from the upload to the result page (following the import job's
// page while it runs): BENCHMARKS.md, "Issue 12: import progress".
//
//	go test ./internal/app/ -run '^$' -bench PeopleImport20000 -benchtime 1x
//
// with MANGLUOI_BENCH_ENGINE=postgres (and MANGLUOI_TEST_POSTGRES), on
// PostgreSQL (a schema of its own).
func BenchmarkPeopleImport20000(b *testing.B) {
	dsn := "" // a fresh SQLite file
	if os.Getenv("MANGLUOI_BENCH_ENGINE") == "postgres" {
		dsn = dbtest.PostgresDSN(b)
	}
	s := apptest.Start(b, dsn)
	c := s.Login(b, "pleiku")
	code := s.UnitNamed(b, "Phường Pleiku").Code
	const n = 20000
	for i := 0; b.Loop(); i++ {
		var sheet bytes.Buffer
		sheet.WriteString("full_name,gender,unit,role,mode\n")
		for j := 1; j <= n; j++ {
			fmt.Fprintf(&sheet, "Lê Văn Đo %d-%d,male,%s,staff,concurrent\n", i, j, code)
		}
		resp, body := send(b, c, "POST", "/people/import", request{files: map[string]file{"file": {"can-bo.csv", sheet.Bytes()}}})
		if resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/imports/") {
			loc := resp.Header.Get("Location")
			for {
				resp, body = c.Get(loc)
				if !bytes.Contains(body, []byte(`id="job-bar"`)) {
					break
				}
				time.Sleep(time.Second) // as the page polls
			}
		}
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(fmt.Sprintf("%d.000", n/1000))) {
			b.Fatalf("import: %d %.500s", resp.StatusCode, body)
		}
	}
}
