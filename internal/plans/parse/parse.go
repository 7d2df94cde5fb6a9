// Package parse turns the pasted text of a Vietnamese administrative plan
// into a draft: groups of tasks, each with the lead and supporting units
// recognised from phrases like "Sở Khoa học và Công nghệ chủ trì, phối hợp
// với…" and a deadline from "Thời gian thực hiện: năm 2025", "hằng năm",
// "thường xuyên", "Quý II/2025" or "trước ngày 30/6/2025".
//
// The structure of such documents is a convention, not a grammar: roman
// numerals for sections (I., II.), numbers for items (1., 2. or 1.1.),
// letters for points (a), b)) and dashes for the rest. The parser reads
// what it can, says what it could not (warnings with the line), and never
// fails on odd text: only text that is empty, too large, or has no numbered
// structure at all is refused. Nothing is stored here; the coordinator
// corrects and confirms the draft.
package parse

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// MaxBytes is the largest text accepted: a 50-page plan is about 150 KB.
const MaxBytes = 2 << 20

// MaxTasks bounds a draft; a plan with more is cut with a warning.
const MaxTasks = 3000

// Schedules of a task's deadline.
const (
	Once       = "once"        // a date
	Yearly     = "yearly"      // hằng năm, by 31/12
	Quarterly  = "quarterly"   // hằng quý
	HalfYearly = "half_yearly" // 6 tháng một lần
	Regular    = "regular"     // thường xuyên, liên tục
)

// Deadline is when a task is due.
type Deadline struct {
	Schedule string  `json:"schedule"`        // one of the schedules, "" when none was found
	Due      day.Day `json:"due_on,omitzero"` // for Once: the first date
	// Dates are every date the words name, in order: "trước ngày 15/6 và
	// 15/12 hằng năm" is two dates of every year (Year 0), "30/6/2025 và
	// 31/12/2025" two dates of a year.
	Dates []Date `json:"dates,omitempty"`
	Text  string `json:"text"` // the words it was read from
}

// Date is a day of a month, of one year or (Year 0) of every year.
type Date struct {
	Day   int `json:"day"`
	Month int `json:"month"`
	Year  int `json:"year,omitempty"`
}

// String is the date as written: 15/6, or 15/6/2025.
func (d Date) String() string {
	if d.Year == 0 {
		return strconv.Itoa(d.Day) + "/" + strconv.Itoa(d.Month)
	}
	return strconv.Itoa(d.Day) + "/" + strconv.Itoa(d.Month) + "/" + strconv.Itoa(d.Year)
}

// Unit is a unit the parser may recognise.
type Unit struct {
	ID      int64
	Name    string
	Aliases []string // other names, e.g. "UBND tỉnh" for the province
	// ReplacedBy is set for a unit that no longer exists: a task given to
	// it goes to its successor, with a warning.
	ReplacedBy     int64
	ReplacedByName string
}

// Task is a task of the draft.
type Task struct {
	Line        int    `json:"line"`
	Code        string `json:"code"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Lead        string `json:"lead"` // the unit's name as recognised, or the words when not
	LeadID      int64  `json:"lead_unit_id,omitempty"`
	// LeadClass is set when the lead is a class of units ("UBND các xã,
	// phường" → communes, "các sở, ban, ngành" → departments, both →
	// departments_and_communes); Lead keeps the words.
	LeadClass  string   `json:"lead_class,omitempty"`
	Support    []string `json:"support"`
	SupportIDs []int64  `json:"support_unit_ids"`
	// SupportWords are the supporting units the reader could not resolve,
	// kept as the text said them (each with a warning on the task's line).
	SupportWords []string `json:"support_words"`
	Deadline     Deadline `json:"deadline"`
	Output       string   `json:"output"`
}

// Group is a group of tasks. Where headings nest ("1. Pillar" then
// "1.1. Group" over its tasks), the inner heading is a group of its own
// under the outer one: Parent is the outer group's position in the
// draft's Groups, from 1 (0: a pillar, under nothing).
type Group struct {
	Line   int    `json:"line"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Parent int    `json:"parent,omitempty"`
	Tasks  []Task `json:"tasks"`
}

// Warning is something the coordinator should look at, with its line.
type Warning struct {
	Line int            `json:"line"`
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}

// Meta is what the text says about the document itself.
type Meta struct {
	Number     string  `json:"number"`
	Type       string  `json:"type"` // the word: "Kế hoạch", "Quyết định"…
	Title      string  `json:"title"`
	Issued     day.Day `json:"issued_on,omitzero"`
	Implements string  `json:"implements"` // the number of the document it implements ("thực hiện…", "Căn cứ…")
	Issuer     string  `json:"issuer"`     // the issuing body from the heading: "Ủy ban nhân dân tỉnh Gia Lai"
	Signer     string  `json:"signer"`     // the name under the signature block
}

// Target is a measurable target of the plan, due by the end of the year
// its heading names ("Đến năm 2030") or, failing that, its own words.
type Target struct {
	Line  int     `json:"line"`
	Title string  `json:"title"`
	Due   day.Day `json:"due_on"`
}

// Draft is the parsed text.
type Draft struct {
	Meta     Meta      `json:"meta"`
	Groups   []Group   `json:"groups"`
	Targets  []Target  `json:"targets"`
	Warnings []Warning `json:"warnings"`
	Lines    int       `json:"lines"`
}

// TaskCount is the number of tasks in the draft.
func (d *Draft) TaskCount() int {
	n := 0
	for _, g := range d.Groups {
		n += len(g.Tasks)
	}
	return n
}

func (d *Draft) warn(line int, key string, kv ...any) {
	w := Warning{Line: line, Key: key}
	if len(kv) > 0 {
		w.Args = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			w.Args[kv[i].(string)] = kv[i+1]
		}
	}
	d.Warnings = append(d.Warnings, w)
}

// marker kinds, in rank order: a node's parent is the nearest earlier node
// of a smaller rank.
const (
	kRoot = iota
	kRoman
	kNumber  // 1.
	kNumber2 // 1.1.
	kNumber3 // 1.1.1.
	kLetter  // a)
	kDash    // - + •
	kText
)

type node struct {
	kind     int
	label    string // "II", "3", "1.2", "b"
	title    string
	line     int
	parent   *node
	children []*node
	text     []string // continuation paragraphs
}

var (
	reRoman   = regexp.MustCompile(`^([IVX]{1,6})\s*[.)/:]\s*(.*)$`)
	reNumber  = regexp.MustCompile(`^(\d{1,3}(?:\.\d{1,3}){0,2})\s*[.)]\s*(.*)$`)
	reNumber2 = regexp.MustCompile(`^(\d{1,3}(?:\.\d{1,3}){1,2})\s+(\S.*)$`)
	reLetter  = regexp.MustCompile(`^([a-zđ])\s*[).]\s+(.*)$`)
	reDash    = regexp.MustCompile(`^[-–—•+*·∙○◦▪]\s*(.*)$`)
)

var romanValues = map[string]int{}

func init() {
	ones := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}
	tens := []string{"", "X", "XX", "XXX"}
	for t := 0; t < len(tens); t++ {
		for o := 0; o < len(ones); o++ {
			if n := t*10 + o; n > 0 {
				romanValues[tens[t]+ones[o]] = n
			}
		}
	}
}

// classify reads a line's marker.
func classify(line string) (kind int, label, rest string) {
	if m := reRoman.FindStringSubmatch(line); m != nil && romanValues[m[1]] > 0 && m[2] != "" {
		return kRoman, m[1], m[2]
	}
	if m := reNumber.FindStringSubmatch(line); m != nil && m[2] != "" {
		return numberKind(m[1]), m[1], m[2]
	}
	if m := reNumber2.FindStringSubmatch(line); m != nil {
		return numberKind(m[1]), m[1], m[2]
	}
	if m := reLetter.FindStringSubmatch(line); m != nil && m[2] != "" {
		return kLetter, m[1], m[2]
	}
	if m := reDash.FindStringSubmatch(line); m != nil && m[1] != "" {
		return kDash, "", m[1]
	}
	return kText, "", line
}

func numberKind(label string) int {
	switch strings.Count(label, ".") {
	case 0:
		return kNumber
	case 1:
		return kNumber2
	}
	return kNumber3
}

// Parse reads a plan's text against the units it may name. It refuses
// (with an *errs.Error) only text that is empty, too large or has no
// numbered items; everything else gives a draft, with warnings.
func Parse(text string, units []Unit) (*Draft, error) {
	if len(text) > MaxBytes {
		return nil, errs.Invalidf("plans.err.text_too_large", "KB", MaxBytes>>10).At(0, "text")
	}
	text = strings.ToValidUTF8(text, "")
	if strings.TrimSpace(text) == "" {
		return nil, errs.Invalidf("plans.err.text_empty").At(0, "text")
	}
	m := NewMatcher(units)
	d := &Draft{}
	root := &node{kind: kRoot}
	stack := []*node{root}
	var last *node
	lines := strings.Split(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(text), "\n")
	d.Lines = len(lines)
	structured := 0
	for i, raw := range lines {
		line := locale.CleanString(raw)
		if line == "" {
			continue
		}
		if utf8.RuneCountInString(line) > 4000 { // a paragraph, not a title
			line = string([]rune(line)[:4000])
		}
		kind, label, rest := classify(line)
		if kind == kText {
			if last != nil {
				last.text = append(last.text, line)
			} else {
				root.text = append(root.text, line)
			}
			continue
		}
		structured++
		for len(stack) > 1 && stack[len(stack)-1].kind >= kind {
			stack = stack[:len(stack)-1]
		}
		parent := stack[len(stack)-1]
		n := &node{kind: kind, label: label, title: rest, line: i + 1, parent: parent}
		parent.children = append(parent.children, n)
		stack = append(stack, n)
		last = n
	}
	readMeta(d, lines)
	if structured == 0 {
		return nil, errs.Invalidf("plans.err.not_a_plan").At(0, "text")
	}
	checkNumbering(d, root)
	sections := taskSections(root)
	if len(sections) == 0 {
		d.warn(0, "plans.warn.no_task_section")
		sections = []*node{root}
	}
	for _, n := range root.children {
		if f := locale.Fold(n.title); n.kind == kRoman && (strings.Contains(f, "chi tieu") || strings.Contains(f, "muc tieu")) {
			collectTargets(d, n)
		}
	}
	for _, sec := range sections {
		readSection(d, m, sec)
	}
	if d.TaskCount() == 0 {
		d.warn(0, "plans.warn.no_tasks")
	}
	return d, nil
}

// taskSections are the sections that hold the tasks: "NHIỆM VỤ, GIẢI
// PHÁP", "NHIỆM VỤ TRỌNG TÂM"… (not "MỤC ĐÍCH, YÊU CẦU" nor "TỔ CHỨC THỰC
// HIỆN").
func taskSections(root *node) []*node {
	var out []*node
	for _, n := range root.children {
		if n.kind != kRoman {
			continue
		}
		f := locale.Fold(n.title)
		if (strings.Contains(f, "nhiem vu") || strings.Contains(f, "giai phap")) && !strings.Contains(f, "to chuc thuc hien") && !strings.Contains(f, "muc dich") {
			out = append(out, n)
		}
	}
	return out
}

var reFigure = regexp.MustCompile(`\d`)

var reTargetYear = regexp.MustCompile(`(?:den|trong|vao|nam)\s+(?:nam\s+)?(\d{4})`)

// targetYear is the year a heading or a target's words name ("Đến năm
// 2030", "trong năm 2025"), 0 when none.
func targetYear(s string) int {
	m := reTargetYear.FindAllStringSubmatch(locale.Fold(s), -1)
	if m == nil {
		return 0
	}
	y, _ := year(m[len(m)-1][1])
	return y
}

func collectTargets(d *Draft, sec *node) {
	var walk func(n *node, y int)
	walk = func(n *node, y int) {
		for _, c := range n.children {
			if len(c.children) == 0 && reFigure.MatchString(c.title) {
				t := Target{Line: c.line, Title: strings.TrimSuffix(c.title, ";")}
				ty := y
				if ty == 0 {
					ty = targetYear(c.title)
				}
				if ty != 0 {
					t.Due = day.Of(ty, 12, 31)
				}
				d.Targets = append(d.Targets, t)
			}
			cy := y
			if hy := targetYear(c.title); hy != 0 && len(c.children) > 0 {
				cy = hy
			}
			walk(c, cy)
		}
	}
	walk(sec, targetYear(sec.title))
}

// checkNumbering warns where a list skips or repeats a number or letter.
func checkNumbering(d *Draft, n *node) {
	prev := map[int]int{}
	for _, c := range n.children {
		if v := ordinal(c); v > 0 {
			if p, ok := prev[c.kind]; ok && v != p+1 {
				d.warn(c.line, "plans.warn.numbering", "Got", c.label, "After", labelOf(c.kind, p))
			}
			prev[c.kind] = v
		}
		checkNumbering(d, c)
	}
}

func ordinal(n *node) int {
	switch n.kind {
	case kRoman:
		return romanValues[n.label]
	case kNumber, kNumber2, kNumber3:
		parts := strings.Split(n.label, ".")
		v, _ := strconv.Atoi(parts[len(parts)-1])
		return v
	case kLetter:
		letters := "abcdđefghiklmnopqrstuvxy"
		if i := strings.Index(letters, n.label); i >= 0 {
			return utf8.RuneCountInString(letters[:i]) + 1
		}
	}
	return 0
}

func labelOf(kind, v int) string {
	switch kind {
	case kRoman:
		for k, x := range romanValues {
			if x == v {
				return k
			}
		}
	case kLetter:
		letters := []rune("abcdđefghiklmnopqrstuvxy")
		if v >= 1 && v <= len(letters) {
			return string(letters[v-1])
		}
	}
	return strconv.Itoa(v)
}

// attribute names a labelled line under a task ("Chủ trì: …").
type attribute int

const (
	attrNone attribute = iota
	attrLead
	attrSupport
	attrDeadline
	attrOutput
)

var attrPrefixes = []struct {
	prefix string
	a      attribute
}{
	{"don vi chu tri", attrLead}, {"co quan chu tri", attrLead}, {"chu tri thuc hien", attrLead}, {"chu tri", attrLead},
	{"don vi phoi hop", attrSupport}, {"co quan phoi hop", attrSupport}, {"phoi hop thuc hien", attrSupport}, {"phoi hop", attrSupport},
	{"thoi gian thuc hien", attrDeadline}, {"thoi gian hoan thanh", attrDeadline}, {"thoi han hoan thanh", attrDeadline},
	{"thoi han", attrDeadline}, {"thoi gian", attrDeadline}, {"tien do", attrDeadline},
	{"san pham du kien", attrOutput}, {"san pham", attrOutput}, {"ket qua du kien", attrOutput}, {"ket qua dau ra", attrOutput},
}

// attr reads "Chủ trì: Sở Nội vụ" into (lead, "Sở Nội vụ").
func attr(line string) (attribute, string) {
	f := locale.Fold(line)
	for _, p := range attrPrefixes {
		if strings.HasPrefix(f, p.prefix) {
			rest := f[len(p.prefix):]
			if rest == "" || rest[0] == ':' || rest[0] == ' ' && strings.HasPrefix(strings.TrimSpace(rest), ":") {
				if i := strings.Index(line, ":"); i >= 0 {
					return p.a, strings.TrimSpace(line[i+1:])
				}
				return p.a, ""
			}
		}
	}
	return attrNone, ""
}

// raw is a task before its phrases are read.
type raw struct {
	n     *node
	code  string
	title string
	body  []string
	attrs map[attribute][]string
}

func newRaw(n *node, code string) *raw {
	r := &raw{n: n, code: code, title: n.title, attrs: map[attribute][]string{}}
	r.body = append(r.body, n.text...)
	return r
}

// hasAssignment reports whether text names a lead unit.
func hasAssignment(s string) bool {
	f := locale.Fold(s)
	return strings.Contains(f, "chu tri")
}

func nodeAssigns(n *node) bool {
	if hasAssignment(n.title) {
		return true
	}
	for _, t := range n.text {
		if hasAssignment(t) {
			return true
		}
	}
	for _, c := range n.children {
		if a, _ := attr(c.title); a == attrLead {
			return true
		}
	}
	return false
}

func code(parent, label string) string {
	if parent == "" {
		return label
	}
	if label == "" {
		return parent
	}
	return parent + "." + label
}

// readSection makes the groups and tasks of a task section: its items are
// groups, their points are tasks; an item without points is a task of a
// group named after the section.
func readSection(d *Draft, m *Matcher, sec *node) {
	var loose *Group
	for _, item := range sec.children {
		if d.TaskCount() >= MaxTasks {
			d.warn(item.line, "plans.warn.too_many_tasks", "Max", MaxTasks)
			return
		}
		structural := structuralChildren(item)
		if len(structural) == 0 || nodeAssigns(item) && !anyAssigns(structural) {
			if loose == nil {
				title := sec.title
				if sec.kind == kRoot {
					title = "Nhiệm vụ"
				}
				d.Groups = append(d.Groups, Group{Line: sec.line, Code: sec.label, Title: title})
				loose = &d.Groups[len(d.Groups)-1]
			}
			r := newRaw(item, item.label)
			foldChildren(r, item)
			loose.Tasks = append(loose.Tasks, finish(d, m, r))
			continue
		}
		// the item is a group; a point that is a heading over tasks of its
		// own is a group under it, the item then being a pillar
		d.Groups = append(d.Groups, Group{Line: item.line, Code: item.label, Title: strings.TrimSuffix(item.title, ":")})
		pillar := len(d.Groups) // position from 1
		for _, t := range structural {
			sub := structuralChildren(t)
			if len(sub) > 0 && !nodeAssigns(t) && anyAssigns(sub) {
				sg := Group{Line: t.line, Code: code(item.label, t.label), Title: strings.TrimSuffix(t.title, ":"), Parent: pillar}
				for _, sn := range sub {
					r := newRaw(sn, code(code(item.label, t.label), sn.label))
					foldChildren(r, sn)
					sg.Tasks = append(sg.Tasks, finish(d, m, r))
				}
				d.Groups = append(d.Groups, sg)
				continue
			}
			r := newRaw(t, code(item.label, t.label))
			foldChildren(r, t)
			d.Groups[pillar-1].Tasks = append(d.Groups[pillar-1].Tasks, finish(d, m, r))
			if d.TaskCount() >= MaxTasks {
				break
			}
		}
	}
}

// structuralChildren are a node's children that are not attribute lines.
func structuralChildren(n *node) []*node {
	var out []*node
	for _, c := range n.children {
		if a, _ := attr(c.title); a == attrNone {
			out = append(out, c)
		}
	}
	return out
}

func anyAssigns(ns []*node) bool {
	for _, n := range ns {
		if nodeAssigns(n) {
			return true
		}
	}
	return false
}

// foldChildren puts a task's sub-lines into its body and attributes.
func foldChildren(r *raw, n *node) {
	foldInto(r, n)
	// "Thời gian thực hiện: năm 2025" may also be a plain paragraph (once
	// for the whole body: doing it at every level was quadratic)
	var keep []string
	for _, t := range r.body {
		if a, v := attr(strings.TrimPrefix(t, "- ")); a != attrNone {
			r.attrs[a] = append(r.attrs[a], v)
			continue
		}
		keep = append(keep, t)
	}
	r.body = keep
}

func foldInto(r *raw, n *node) {
	for _, c := range n.children {
		if a, v := attr(c.title); a != attrNone {
			r.attrs[a] = append(r.attrs[a], v)
			r.attrs[a] = append(r.attrs[a], c.text...)
			continue
		}
		r.body = append(r.body, "- "+c.title)
		r.body = append(r.body, c.text...)
		foldInto(r, c)
	}
}

var reParenAssign = regexp.MustCompile(`\s*\(([^()]*(?:chủ trì|Chủ trì|CHỦ TRÌ)[^()]*)\)\s*[.;:]?\s*$`)

// finish reads a raw task's units, deadline and output.
func finish(d *Draft, m *Matcher, r *raw) Task {
	t := Task{Line: r.n.line, Code: r.code}
	title := r.title
	var assign string
	if p := reParenAssign.FindStringSubmatchIndex(title); p != nil {
		assign = title[p[2]:p[3]]
		title = title[:p[0]]
	}
	title = strings.TrimRight(strings.TrimSpace(title), ":;,.")
	t.Title = title
	if t.Title == "" {
		t.Title = r.code
	}
	t.Description = strings.Join(r.body, "\n")
	all := strings.Join(append([]string{r.title}, r.body...), "\n")

	leadPhrase := strings.Join(r.attrs[attrLead], "; ")
	supportPhrase := strings.Join(r.attrs[attrSupport], "; ")
	if leadPhrase == "" {
		src := assign
		if src == "" {
			src = all
		}
		leadPhrase, supportPhrase = assignment(src, supportPhrase)
	}
	if leadPhrase != "" {
		units := m.Find(leadPhrase)
		if class := ClassOf(leadPhrase); class != "" {
			t.LeadClass, t.Lead = class, strings.TrimRight(leadPhrase, ".;:, ")
		} else if len(units) > 0 {
			t.LeadID, t.Lead = units[0].ID, units[0].Name
			if units[0].ReplacedBy != 0 {
				d.warn(t.Line, "plans.warn.successor", "Old", units[0].Name, "New", units[0].ReplacedByName)
				t.LeadID, t.Lead = units[0].ReplacedBy, units[0].ReplacedByName
			}
			supportPhrase = strings.TrimSpace(supportPhrase + "; " + strings.Join(names(units[1:]), "; "))
		} else {
			t.Lead = strings.TrimRight(leadPhrase, ".;:, ")
			d.warn(t.Line, "plans.warn.lead_unknown", "Phrase", clip(t.Lead, 80))
		}
	} else {
		d.warn(t.Line, "plans.warn.no_lead", "Title", clip(t.Title, 80))
	}
	seen := map[int64]bool{t.LeadID: true}
	found, unknown := m.FindAll(supportPhrase)
	t.SupportWords = []string{}
	for _, w := range unknown {
		if t.Lead != "" && t.LeadID == 0 && locale.Fold(w) == locale.Fold(t.Lead) {
			continue
		}
		t.SupportWords = append(t.SupportWords, w)
		d.warn(t.Line, "plans.warn.support_unknown", "Phrase", clip(w, 80))
	}
	for _, u := range found {
		id, name := u.ID, u.Name
		if u.ReplacedBy != 0 {
			id, name = u.ReplacedBy, u.ReplacedByName
		}
		if !seen[id] {
			seen[id] = true
			t.SupportIDs = append(t.SupportIDs, id)
			t.Support = append(t.Support, name)
		}
	}
	if t.SupportIDs == nil {
		t.SupportIDs = []int64{}
	}

	dl := strings.Join(r.attrs[attrDeadline], "; ")
	var ok bool
	if dl != "" {
		t.Deadline, ok = ParseDeadline(dl)
	}
	if !ok {
		if assign != "" {
			t.Deadline, ok = ParseDeadline(deadlinePhrase(assign))
			// "(Sở Nội vụ chủ trì; năm 2025)": a clause that names no unit
			for _, c := range strings.Split(assign, ";") {
				if f := locale.Fold(c); !ok && !strings.Contains(f, "chu tri") && !strings.Contains(f, "phoi hop") {
					t.Deadline, ok = ParseDeadline(c)
				}
			}
		}
		if !ok {
			t.Deadline, ok = ParseDeadline(deadlinePhrase(all))
		}
	}
	if !ok {
		d.warn(t.Line, "plans.warn.no_deadline", "Title", clip(t.Title, 80))
	}
	t.Output = strings.Join(r.attrs[attrOutput], "; ")
	return t
}

func names(us []Unit) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Name
	}
	return out
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// assignment finds "X chủ trì, phối hợp với Y" in a text: the lead phrase
// (the words before "chủ trì", back to the start of the clause) and the
// supporting phrase (after "phối hợp").
func assignment(s, support string) (lead, sup string) {
	sup = support
	rs := []rune(s)
	f := []rune(locale.Fold(s))
	if len(f) != len(rs) { // folding changed the length (rare symbols): work on the folded text only
		rs = f
	}
	fs := string(f)
	i := strings.Index(fs, "chu tri")
	if i < 0 {
		return "", sup
	}
	ri := utf8.RuneCountInString(fs[:i])
	start := ri
	for start > 0 {
		c := rs[start-1]
		if c == '.' || c == ';' || c == ':' || c == '(' || c == '\n' {
			break
		}
		start--
	}
	lead = strings.TrimSpace(string(rs[start:ri]))
	lead = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(lead, "Giao "), "giao "))
	after := fs[i+len("chu tri"):]
	j := strings.Index(after, "phoi hop")
	between := strings.Trim(after[:max(j, 0)], " ,;")
	if k := strings.LastIndex(between, ";"); k >= 0 {
		between = strings.TrimSpace(between[k+1:])
	}
	if j >= 0 && j < 80 && between != "" && !strings.Contains(between, ".") &&
		!strings.HasPrefix(strings.TrimSpace(after[j+len("phoi hop"):]), "voi") {
		// "Sở Nội vụ chủ trì; các sở, ban, ngành phối hợp": the units
		// before "phối hợp"
		from := utf8.RuneCountInString(fs[:i+len("chu tri")+strings.Index(after, between)])
		sup = strings.TrimSpace(sup + "; " + string(rs[from:from+utf8.RuneCountInString(between)]))
		return lead, sup
	}
	if j >= 0 && j < 40 {
		rj := utf8.RuneCountInString(fs[:i+len("chu tri")+j+len("phoi hop")])
		end := rj
		for end < len(rs) {
			c := rs[end]
			if c == '.' || c == ';' || c == ')' || c == '\n' {
				break
			}
			end++
		}
		sup = strings.TrimSpace(sup + "; " + string(rs[rj:end]))
	}
	return lead, sup
}

var reDeadlineCtx = regexp.MustCompile(`(thoi gian thuc hien|thoi gian hoan thanh|thoi han hoan thanh|thoi gian|thoi han|hoan thanh truoc|hoan thanh trong|truoc ngay)[^;)\n]*`)

// deadlinePhrase picks the words of a text that say when: after "thời
// gian", "thời hạn", "hoàn thành trước"; or, failing those, the recurring
// words anywhere.
func deadlinePhrase(s string) string {
	f := locale.Fold(s)
	if m := reDeadlineCtx.FindAllString(f, -1); m != nil {
		return strings.Join(m, "; ")
	}
	for _, w := range []string{"hang nam", "hang quy", "dinh ky 6 thang", "6 thang mot lan", "thuong xuyen", "lien tuc"} {
		if strings.Contains(f, w) {
			return w
		}
	}
	return ""
}

var (
	reDMY      = regexp.MustCompile(`(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})`)
	reDMYWords = regexp.MustCompile(`ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})`)
	reQuarter  = regexp.MustCompile(`quy (iv|iii|ii|i|1|2|3|4)\s*(?:/|nam|-)\s*(\d{4})`)
	reHalf     = regexp.MustCompile(`(6|sau) thang (dau|cuoi) nam\s*(\d{4})`)
	reMonth    = regexp.MustCompile(`thang (\d{1,2})\s*(?:/|nam|-)\s*(\d{4})`)
	reRange    = regexp.MustCompile(`(\d{4})\s*[-–—]\s*(\d{4})`)
	reYear     = regexp.MustCompile(`(?:nam|trong nam|den nam)\s*(\d{4})`)
	reBareYear = regexp.MustCompile(`\b(20\d{2})\b`)
	reAnyDate  = regexp.MustCompile(`(\d{1,3})\s*/\s*(\d{1,2})(?:\s*/\s*(\d{4}))?`)
)

// dates are every date a phrase names, dd/mm/yyyy or dd/mm (every year)
// or in words.
func dates(f string) []Date {
	var out []Date
	for _, m := range reAnyDate.FindAllStringSubmatchIndex(f, -1) {
		if m[0] > 0 && f[m[0]-1] >= '0' && f[m[0]-1] <= '9' || m[1] < len(f) && (f[m[1]] >= '0' && f[m[1]] <= '9' || f[m[1]] == '/') {
			continue
		}
		dd, _ := strconv.Atoi(f[m[2]:m[3]])
		mm, _ := strconv.Atoi(f[m[4]:m[5]])
		if m[6] >= 0 {
			if d, ok := dmy(f[m[2]:m[3]], f[m[4]:m[5]], f[m[6]:m[7]]); ok {
				out = append(out, Date{Day: d.Time().Day(), Month: mm, Year: d.Year()})
			}
			continue
		}
		if mm >= 1 && mm <= 12 && dd >= 1 && dd <= endOfMonth(2024, mm).Time().Day() {
			out = append(out, Date{Day: dd, Month: mm})
		}
	}
	for _, m := range reDMYWords.FindAllStringSubmatch(f, -1) {
		if d, ok := dmy(m[1], m[2], m[3]); ok {
			out = append(out, Date{Day: d.Time().Day(), Month: int(d.Time().Month()), Year: d.Year()})
		}
	}
	return out
}

// ParseDeadline reads a deadline phrase: a date, a quarter, a half-year, a
// month, a year or a range of years (due at its end), or a recurring
// schedule. ok is false when it says nothing of when.
func ParseDeadline(s string) (Deadline, bool) {
	dl, ok := parseDeadline(s)
	if ok {
		dl.Dates = dates(locale.Fold(s))
		if len(dl.Dates) < 2 && (dl.Schedule == Once || len(dl.Dates) == 0 || dl.Dates[0].Year != 0) {
			dl.Dates = nil // one date says no more than Due
		}
	}
	return dl, ok
}

func parseDeadline(s string) (Deadline, bool) {
	f := locale.Fold(s)
	text := strings.TrimSpace(s)
	switch {
	case strings.Contains(f, "dinh ky 6 thang") || strings.Contains(f, "6 thang mot lan") || strings.Contains(f, "hang 6 thang") || strings.Contains(f, "nua nam mot lan"):
		return Deadline{Schedule: HalfYearly, Text: text}, true
	case strings.Contains(f, "hang quy") || strings.Contains(f, "moi quy") || strings.Contains(f, "dinh ky hang quy"):
		return Deadline{Schedule: Quarterly, Text: text}, true
	case strings.Contains(f, "hang nam") || strings.Contains(f, "moi nam"):
		return Deadline{Schedule: Yearly, Text: text}, true
	}
	if m := reDMY.FindStringSubmatch(f); m != nil {
		if d, ok := dmy(m[1], m[2], m[3]); ok {
			return Deadline{Schedule: Once, Due: d, Text: text}, true
		}
	}
	if m := reDMYWords.FindStringSubmatch(f); m != nil {
		if d, ok := dmy(m[1], m[2], m[3]); ok {
			return Deadline{Schedule: Once, Due: d, Text: text}, true
		}
	}
	if m := reQuarter.FindStringSubmatch(f); m != nil {
		q := map[string]int{"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}[m[1]]
		if y, ok := year(m[2]); ok {
			return Deadline{Schedule: Once, Due: endOfMonth(y, q*3), Text: text}, true
		}
	}
	if m := reHalf.FindStringSubmatch(f); m != nil {
		if y, ok := year(m[3]); ok {
			month := 6
			if m[2] == "cuoi" {
				month = 12
			}
			return Deadline{Schedule: Once, Due: endOfMonth(y, month), Text: text}, true
		}
	}
	if m := reMonth.FindStringSubmatch(f); m != nil {
		mo, _ := strconv.Atoi(m[1])
		if y, ok := year(m[2]); ok && mo >= 1 && mo <= 12 {
			return Deadline{Schedule: Once, Due: endOfMonth(y, mo), Text: text}, true
		}
	}
	if m := reRange.FindStringSubmatch(f); m != nil {
		if y, ok := year(m[2]); ok {
			return Deadline{Schedule: Once, Due: day.Of(y, 12, 31), Text: text}, true
		}
	}
	if m := reYear.FindStringSubmatch(f); m != nil {
		if y, ok := year(m[1]); ok {
			return Deadline{Schedule: Once, Due: day.Of(y, 12, 31), Text: text}, true
		}
	}
	if strings.Contains(f, "thuong xuyen") || strings.Contains(f, "lien tuc") {
		return Deadline{Schedule: Regular, Text: text}, true
	}
	if m := reBareYear.FindStringSubmatch(f); m != nil {
		if y, ok := year(m[1]); ok {
			return Deadline{Schedule: Once, Due: day.Of(y, 12, 31), Text: text}, true
		}
	}
	return Deadline{}, false
}

func year(s string) (int, bool) {
	y, err := strconv.Atoi(s)
	return y, err == nil && y >= 1990 && y <= 2100
}

func dmy(ds, ms, ys string) (day.Day, bool) {
	dd, _ := strconv.Atoi(ds)
	mm, _ := strconv.Atoi(ms)
	y, ok := year(ys)
	if !ok || mm < 1 || mm > 12 || dd < 1 || dd > endOfMonth(y, mm).Time().Day() {
		return day.Day{}, false
	}
	return day.Of(y, timeMonth(mm), dd), true
}

func endOfMonth(y, m int) day.Day {
	if m == 12 {
		return day.Of(y, 12, 31)
	}
	return day.Of(y, timeMonth(m+1), 1).AddDays(-1)
}

var (
	reNumberSym = regexp.MustCompile(`(?i)^s[ốo]\s*(?:hi[ệe]u)?\s*:?\s*(\d+[\w./Đđ-]*/[\w.Đđ-]+)`)
	reIssued    = regexp.MustCompile(`ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})`)
	reImplement = regexp.MustCompile(`(?:Quyết định|Kế hoạch|Nghị quyết|Chỉ thị|Chương trình|Đề án|Thông báo)\s+(?:số\s+)?(\d+[\w./Đđ-]*/[\wĐđ.-]+)`)
)

var docTypes = []string{"KẾ HOẠCH", "QUYẾT ĐỊNH", "CHỈ THỊ", "NGHỊ QUYẾT", "ĐỀ ÁN", "CÔNG VĂN", "CHƯƠNG TRÌNH", "CHƯƠNG TRÌNH HÀNH ĐỘNG"}

// readMeta reads the number, type, title, date and the implemented
// document from the head of the text.
func readMeta(d *Draft, lines []string) {
	var implementing, basis string
	head := lines
	if len(head) > 80 {
		head = head[:80]
	}
	for i, raw := range head {
		line := locale.CleanString(raw)
		if line == "" {
			continue
		}
		if d.Meta.Number == "" {
			if m := reNumberSym.FindStringSubmatch(line); m != nil {
				d.Meta.Number = m[1]
			}
		}
		if d.Meta.Issued.IsZero() {
			if m := reIssued.FindStringSubmatch(locale.Fold(line)); m != nil {
				if dd, ok := dmy(m[1], m[2], m[3]); ok {
					d.Meta.Issued = dd
				}
			}
		}
		if d.Meta.Type == "" {
			for _, t := range docTypes {
				if line == t {
					d.Meta.Type = upperFirst(strings.ToLower(t))
					for _, next := range head[i+1:] {
						if n := locale.CleanString(next); n != "" {
							d.Meta.Title = n
							break
						}
					}
				}
			}
		}
		f := locale.Fold(line)
		if implementing == "" && strings.Contains(f, "thuc hien") {
			if m := reImplement.FindStringSubmatch(line); m != nil {
				implementing = m[1]
			}
		}
		// "Căn cứ Luật…; Căn cứ Quyết định số 1690/QĐ-TTg…": the last
		// document cited is the one the plan carries out
		if strings.HasPrefix(f, "can cu") {
			if m := reImplement.FindAllStringSubmatch(line, -1); m != nil {
				basis = m[len(m)-1][1]
			}
		}
	}
	d.Meta.Implements = implementing
	if implementing == "" {
		d.Meta.Implements = basis
	}
	d.Meta.Issuer = issuer(lines)
	d.Meta.Signer = signer(lines)
}

// issuer reads the issuing body from the heading's first lines, above
// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (or beside it, on one line):
// "ỦY BAN NHÂN DÂN / TỈNH GIA LAI" is "Ủy ban nhân dân tỉnh Gia Lai".
func issuer(lines []string) string {
	var parts []string
	for i, raw := range lines {
		if i > 12 {
			break
		}
		line := locale.CleanString(raw)
		if j := strings.Index(locale.Fold(line), "cong hoa xa hoi"); j >= 0 {
			if j > 0 { // one line: "ỦY BAN NHÂN DÂN TỈNH GIA LAI    CỘNG HÒA…"
				parts = append(parts, strings.TrimSpace(string([]rune(line)[:utf8.RuneCountInString(locale.Fold(line)[:j])])))
			}
			break
		}
		if line == "" || strings.Trim(line, "-–—_ ") == "" {
			if len(parts) > 0 {
				break
			}
			continue
		}
		if line != strings.ToUpper(line) {
			return ""
		}
		parts = append(parts, line)
	}
	if len(parts) == 0 {
		return ""
	}
	return properCase(strings.Join(parts, " "))
}

// properCase writes an upper-case body's name as a sentence, its place
// name capitalised: "ỦY BAN NHÂN DÂN TỈNH GIA LAI" → "Ủy ban nhân dân tỉnh
// Gia Lai".
func properCase(s string) string {
	kinds := map[string]bool{"tinh": true, "huyen": true, "xa": true, "phuong": true, "thi": true, "thanh": true, "quan": true,
		"pho": true, "tran": true, "dac": true, "khu": true}
	words := strings.Fields(strings.ToLower(s))
	place := -1
	for i, w := range words {
		if i > 0 && kinds[locale.Fold(w)] {
			place = i + 1
			continue
		}
		if place > 0 {
			break
		}
	}
	for i := range words {
		if i == 0 || place > 0 && i >= place {
			words[i] = upperFirst(words[i])
		}
	}
	return strings.Join(words, " ")
}

var reSignTitle = regexp.MustCompile(`^(tm|kt|tl|ttl|q|tuq)\.\s|^(pho )?(chu tich|giam doc|truong ban|bi thu|thu truong|bo truong)$`)

// signer is the name under the signature block: after "TM. ỦY BAN NHÂN
// DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", the first line that is a person's
// name (two to six words, each capitalised).
func signer(lines []string) string {
	from := len(lines) - 60
	if from < 0 {
		from = 0
	}
	in := false
	for _, raw := range lines[from:] {
		line := locale.CleanString(raw)
		if line == "" {
			continue
		}
		f := locale.Fold(line)
		if reSignTitle.MatchString(f) {
			in = true
			continue
		}
		if in && personName(line) {
			return line
		}
	}
	return ""
}

func personName(s string) bool {
	w := strings.Fields(s)
	if len(w) < 2 || len(w) > 6 || s == strings.ToUpper(s) {
		return false
	}
	for _, x := range w {
		r, _ := utf8.DecodeRuneInString(x)
		if !unicode.IsUpper(r) {
			return false
		}
		for _, c := range x {
			if !unicode.IsLetter(c) {
				return false
			}
		}
	}
	return true
}

func upperFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// The classes of units a lead may name.
const (
	ClassCommunes    = "communes"
	ClassDepartments = "departments"
	ClassBoth        = "departments_and_communes"
)

// ClassOf reads a lead that names a class of units rather than one unit:
// "UBND các xã, phường (, đặc khu)", "Ủy ban nhân dân các xã", "các sở,
// ban, ngành", "các sở, ban, ngành, UBND các xã, phường"… with or without
// diacritics; "" for anything else.
func ClassOf(phrase string) string {
	f := locale.Fold(phrase)
	f = strings.NewReplacer(",", " ", ";", " ", ".", " ", "  ", " ").Replace(f)
	f = strings.Join(strings.Fields(f), " ")
	words := " " + f + " "
	// the class must open the phrase: "Sở Nội vụ, các xã" is a unit
	open := strings.HasPrefix(f, "cac ") || strings.HasPrefix(f, "ubnd cac ") || strings.HasPrefix(f, "uy ban nhan dan cac ") ||
		strings.HasPrefix(f, "so ban nganh")
	if !open {
		return ""
	}
	depts := strings.Contains(words, " so ban nganh ") || strings.Contains(words, " cac so ")
	communes := strings.Contains(words, " cac xa ") || strings.Contains(words, " cac phuong ") || strings.Contains(words, " xa phuong ") ||
		strings.Contains(words, " cap xa ")
	switch {
	case depts && communes:
		return ClassBoth
	case depts:
		return ClassDepartments
	case communes:
		return ClassCommunes
	}
	return ""
}
