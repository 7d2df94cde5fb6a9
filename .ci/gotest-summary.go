//go:build ignore

// gotest-summary reads `go test -json` on standard input, as it runs, and
// prints what a person reading the CI log needs: go test's own lines for
// each package (ok, FAIL, build errors), the whole output of every test that
// failed, the tests that were skipped although CI requires them, and as its
// last line the count that CI reads:
//
//	tests: 412 passed, 0 failed, 3 skipped
//
// It exits 1 if a test failed, a package failed (build error, panic,
// timeout), or a required test was skipped. .ci/run builds and runs it:
//
//	go test -json ./... | gotest-summary -since $(date +%s)
//
// -since is when CI started, to print how long it took.
//
// The build tag keeps it out of ./... (so out of go vet and go test).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string // on build-output and build-fail events
}

// required says which tests CI must never skip: the PostgreSQL half of the
// suite and the browser tests. A skip there means CI tested less than it
// claims (with MANGLUOI_TEST_REQUIRE_ALL such tests fail instead of
// skipping; this catches a test that forgets to honour it).
func required(e event) bool {
	return strings.Contains(strings.ToLower(e.Test), "postgres") || strings.HasSuffix(e.Package, "/internal/e2e")
}

func main() {
	since := flag.Int64("since", 0, "Unix time CI started, to print how long it took")
	flag.Parse()
	var (
		passed, failed, skipped int
		badPackages             []string
		skippedRequired         []string
		out                     = bufio.NewWriter(os.Stdout)
		// the output of each running test, printed only if it fails
		buf = map[string]*strings.Builder{}
	)
	// Flush as we go so the CI log shows progress on a long run.
	defer out.Flush()
	key := func(e event) string { return e.Package + "\x00" + e.Test }

	dec := json.NewDecoder(bufio.NewReaderSize(os.Stdin, 1<<20))
	for {
		var e event
		if err := dec.Decode(&e); err == io.EOF {
			break
		} else if err != nil {
			// Not JSON (go itself failed before running anything): show the
			// rest as it is.
			fmt.Fprintf(out, "gotest-summary: %v\n", err)
			rest, _ := io.ReadAll(dec.Buffered())
			out.Write(rest)
			io.Copy(out, os.Stdin)
			badPackages = append(badPackages, "(unreadable go test output)")
			break
		}
		switch {
		case e.Action == "build-output":
			fmt.Fprint(out, e.Output)
		case e.Action == "build-fail":
			badPackages = append(badPackages, e.ImportPath)
		case e.Test == "":
			// Package-level lines: "ok  pkg 1.2s", "FAIL pkg", "?  pkg [no
			// test files]", and a panic or timeout outside any test.
			switch e.Action {
			case "output":
				fmt.Fprint(out, e.Output)
				out.Flush()
			case "fail":
				badPackages = append(badPackages, e.Package)
			}
		default:
			k := key(e)
			switch e.Action {
			case "run":
				buf[k] = &strings.Builder{}
			case "output":
				if b := buf[k]; b != nil {
					b.WriteString(e.Output)
				}
			case "pass":
				passed++
				delete(buf, k)
			case "skip":
				skipped++
				if required(e) {
					reason := lastLine(buf[k])
					skippedRequired = append(skippedRequired, fmt.Sprintf("%s %s: %s", e.Package, e.Test, reason))
				}
				delete(buf, k)
			case "fail":
				failed++
				if b := buf[k]; b != nil {
					fmt.Fprint(out, b.String())
				}
				delete(buf, k)
			}
		}
	}

	status := 0
	if len(skippedRequired) > 0 {
		sort.Strings(skippedRequired)
		fmt.Fprintf(out, "\nCI requires these tests but they were skipped:\n  %s\n", strings.Join(skippedRequired, "\n  "))
		status = 1
	}
	if len(badPackages) > 0 {
		fmt.Fprintf(out, "\nfailed packages: %s\n", strings.Join(badPackages, " "))
		status = 1
	}
	if failed > 0 {
		status = 1
	}
	if *since > 0 {
		d := time.Since(time.Unix(*since, 0)).Round(time.Second)
		fmt.Fprintf(out, "\nCI took %s\n", d)
	}
	fmt.Fprintf(out, "\ntests: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
	out.Flush()
	os.Exit(status)
}

var skipLine = regexp.MustCompile(`^\s+\S+\.go:\d+: `)

// lastLine is the reason a test gave for skipping: its last log line.
func lastLine(b *strings.Builder) string {
	if b == nil {
		return "(no output)"
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if skipLine.MatchString(lines[i]) {
			return strings.TrimSpace(lines[i])
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}
