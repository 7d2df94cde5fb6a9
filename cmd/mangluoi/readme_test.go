package main

import (
	"os"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
)

// TestReadmeShowsTheDemoAccounts: README.md shows the demo's accounts as
// the demo prints them — every line (login, role in Vietnamese, scope) and
// how many there are.
func TestReadmeShowsTheDemoAccounts(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := apptest.StartSQLite(t)
	lines := accountLines(s.Logins, s.Catalog.Printer("vi"))
	if len(lines) == 0 {
		t.Fatal("the demo made no accounts")
	}
	for _, l := range lines {
		if !strings.Contains(string(readme), "\n"+l+"\n") {
			t.Errorf("README.md does not show the demo's account line %q", l)
		}
	}
	words := []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	if len(lines) < len(words) && !strings.Contains(string(readme), "prints its address and "+words[len(lines)]+" accounts") {
		t.Errorf("README.md does not say the demo prints %s accounts", words[len(lines)])
	}
}
