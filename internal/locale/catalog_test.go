package locale_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template"
)

// readCatalog reads every catalogue file of a language as plain JSON,
// apart from go-i18n: each message with its template texts (one, or one per
// plural form).
func readCatalog(t *testing.T, lang string) map[string][]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("catalog", "*."+lang+".json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no catalogue files for %s: %v", lang, err)
	}
	out := map[string][]string{}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k, raw := range m {
			if _, dup := out[k]; dup {
				t.Errorf("%s: %q is defined in another file too", name, k)
			}
			var one string
			var forms map[string]string
			switch {
			case json.Unmarshal(raw, &one) == nil:
				out[k] = []string{one}
			case json.Unmarshal(raw, &forms) == nil && forms["other"] != "":
				for _, f := range forms {
					out[k] = append(out[k], f)
				}
			default:
				t.Errorf("%s: %q is neither a text nor plural forms with \"other\": %s", name, k, raw)
				out[k] = nil
			}
		}
	}
	return out
}

var templateField = regexp.MustCompile(`\{\{\s*\.(\w+)`)

// fields lists the data a message's templates use.
func fields(forms []string) string {
	set := map[string]bool{}
	for _, f := range forms {
		for _, m := range templateField.FindAllStringSubmatch(f, -1) {
			set[m[1]] = true
		}
	}
	var out []string
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestCatalogues(t *testing.T) {
	vi, en := readCatalog(t, "vi"), readCatalog(t, "en")
	for _, c := range []struct {
		lang string
		this map[string][]string
		that map[string][]string
	}{{"vi", vi, en}, {"en", en, vi}} {
		if len(c.this) == 0 {
			t.Fatalf("%s: empty catalogue", c.lang)
		}
		for k, forms := range c.this {
			if _, ok := c.that[k]; !ok {
				t.Errorf("%q is in %s only", k, c.lang)
			}
			for _, v := range forms {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s: %q is empty", c.lang, k)
				}
				if _, err := template.New(k).Parse(v); err != nil {
					t.Errorf("%s: %q does not parse: %v", c.lang, k, err)
				}
			}
		}
	}
	// both languages fill in the same blanks, so no argument is lost in
	// translation
	for k, v := range vi {
		if w, ok := en[k]; ok && fields(v) != fields(w) {
			t.Errorf("%q uses {%s} in vi but {%s} in en", k, fields(v), fields(w))
		}
	}
	// the loaded catalogue agrees with the files
	for _, lang := range []string{"vi", "en"} {
		if got, want := len(catalog.Keys(lang)), len(readCatalog(t, lang)); got != want {
			t.Errorf("%s: %d keys loaded, %d in the file", lang, got, want)
		}
	}
}

// keyUses find message keys written as literals: in Go, the first string
// argument of errs.Invalidf, errs.New (after the kind), errs.List and
// Printer.T/TData, when the literal is the whole argument; in templates, .L.T "key". Keys built at run time
// (printf "action.%s") are not checked here.
var (
	goKeyUses = []*regexp.Regexp{
		regexp.MustCompile(`errs\.Invalidf\(\s*"([^"]+)"\s*[,)]`),
		regexp.MustCompile(`errs\.New\(\s*[\w.]+\s*,\s*"([^"]+)"\s*[,)]`),
		regexp.MustCompile(`errs\.List\(\s*"([^"]+)"\s*[,)]`),
		regexp.MustCompile(`\.(?:T|TData|N)\(\s*"([^"]+)"\s*[,)]`),
	}
	templateKeyUses = regexp.MustCompile(`\.[TN]\s+"([^"]+)"`)
)

func TestEveryKeyUsedExists(t *testing.T) {
	vi := readCatalog(t, "vi")
	root := filepath.Join("..") // internal/
	checked := 0
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if e.Name() == "testdata" || e.Name() == "vendor" {
				return filepath.SkipDir
			}
			return nil
		}
		var uses []*regexp.Regexp
		switch {
		case strings.HasSuffix(path, "_test.go"):
			return nil
		case strings.HasSuffix(path, ".go"):
			uses = goKeyUses
		case strings.HasSuffix(path, ".html") && strings.Contains(filepath.ToSlash(path), "/templates/"):
			uses = []*regexp.Regexp{templateKeyUses}
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range uses {
			for _, m := range re.FindAllSubmatchIndex(data, -1) {
				key := string(data[m[2]:m[3]])
				checked++
				if _, ok := vi[key]; !ok {
					line := 1 + strings.Count(string(data[:m[0]]), "\n")
					t.Errorf("%s:%d: message key %q is not in the catalogue", path, line, key)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Errorf("only %d key uses found: the scan is not looking where the code is", checked)
	}
	t.Logf("%d key uses checked", checked)
}
