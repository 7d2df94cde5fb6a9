package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// Field is a figure the prose may name, as {its label}: while the report
// is a draft the label stands for the live figure; issuing puts the frozen
// figure in its place. A list field stands for several lines (the units
// that fail a target, the overdue tasks…): alone on its line it becomes one
// paragraph per item, inside a sentence its items joined by semicolons.
type Field struct {
	Key     string   `json:"key"`
	Label   string   `json:"label"` // Vietnamese: the report is written in Vietnamese
	Section string   `json:"section"`
	Value   string   `json:"value"`
	List    []string `json:"list,omitempty"`
	IsList  bool     `json:"is_list"`
}

// none is what an empty list says.
const none = "Không có."

// Text is the field as one string.
func (f *Field) Text() string {
	if !f.IsList {
		return f.Value
	}
	if len(f.List) == 0 {
		return "không có"
	}
	items := make([]string, len(f.List))
	for i, it := range f.List {
		items[i] = strings.TrimSuffix(strings.TrimPrefix(it, "- "), ".")
	}
	return strings.Join(items, "; ")
}

// fieldSet is a report's fields, found by their folded label.
type fieldSet struct {
	list    []Field
	byLabel map[string]*Field
}

func newFieldSet(fs []Field) *fieldSet {
	s := &fieldSet{list: fs, byLabel: map[string]*Field{}}
	for i := range s.list {
		s.byLabel[locale.Fold(s.list[i].Label)] = &s.list[i]
	}
	return s
}

// numbers writes figures as a Vietnamese report does: 1.234, 87,5 %.
type numbers struct{ p *locale.Printer }

func (n numbers) int(v int) string { return n.p.Int(v) }

func (n numbers) pct(r float64) string { return n.p.Pct(r) }

// value writes an indicator's figure with its measure, "—" for none.
func (n numbers) value(v *float64, row *IndicatorFig) string {
	if v == nil {
		return "—"
	}
	dec := row.Decimals
	if *v != math.Trunc(*v) && dec == 0 {
		dec = 1
	}
	if row.Percent {
		return n.p.Dec(*v, max(dec, 1)) + " %"
	}
	s := n.p.Dec(*v, dec)
	if row.Measure != "" && row.Measure != "%" {
		s += " " + row.Measure
	}
	return s
}

// ratio is passing/total with its share: "120/135 (88,9 %)".
func (n numbers) ratio(a, b int) string {
	if b == 0 {
		return n.int(a) + "/" + n.int(b)
	}
	return fmt.Sprintf("%s/%s (%s)", n.int(a), n.int(b), n.pct(float64(a)/float64(b)))
}

// statusText names a task's status as the report writes it.
var statusText = map[string]string{
	"overdue": "quá hạn", "at_risk": "có nguy cơ chậm", "on_track": "đúng tiến độ", "not_due": "chưa đến hạn",
	"done_late": "hoàn thành muộn", "done_on_time": "hoàn thành đúng hạn",
}

// fields lists the figures of a report the prose may name.
func fields(f *Figures, r *Report, p *locale.Printer) []Field {
	n := numbers{p}
	var out []Field
	scalar := func(section, key, label, value string) {
		out = append(out, Field{Key: key, Label: label, Section: section, Value: value})
	}
	list := func(section, key, label string, items []string) {
		if items == nil {
			items = []string{}
		}
		out = append(out, Field{Key: key, Label: label, Section: section, List: items, IsList: true})
	}
	scalar("opening", "unit", "Tên đơn vị", f.Unit.Name)
	scalar("opening", "period", "Kỳ báo cáo", r.Period.Label())
	scalar("opening", "as_of", "Ngày chốt số liệu", f.AsOf.VN())
	scalar("opening", "next", "Kỳ tới", r.Period.NextLabel())
	if a := f.Apparatus; a != nil {
		st := a.Staffing
		for _, x := range []struct {
			key, label string
			v          int
		}{
			{"committees", "Số đơn vị có Ban Chỉ đạo chuyển đổi số", st.Committees},
			{"focal_units", "Số đơn vị có bộ phận đầu mối", st.FocalUnits},
			{"specialised", "Số đơn vị chuyên trách", st.Specialised},
			{"focal_persons", "Số cán bộ đầu mối", st.FocalPersons},
			{"people", "Số người làm công tác chuyển đổi số", st.People},
			{"dedicated", "Số người chuyên trách", st.Dedicated},
			{"concurrent", "Số người kiêm nhiệm", st.Concurrent},
			{"it_qualified", "Số người có chuyên môn công nghệ thông tin", st.ITQualified},
			{"trained", "Số người được bồi dưỡng trong năm", st.Trained},
			{"vacancies", "Số vị trí còn trống", st.Vacancies},
		} {
			scalar("apparatus", "apparatus."+x.key, x.label, n.int(x.v))
		}
		met, applies := 0, 0
		var items []string
		for _, t := range a.Targets {
			if t.Total == 0 {
				continue // no unit of the scope is of the target's level
			}
			applies++
			if t.Met {
				met++
			}
			state := "đã đạt mục tiêu"
			if !t.Met {
				state = fmt.Sprintf("chưa đạt mục tiêu %s (hạn %s)", n.pct(t.Goal), t.Deadline.VN())
			}
			items = append(items, fmt.Sprintf("- %s: %s đơn vị đạt; %s.", t.Title, n.ratio(t.Passing, t.Total), state))
		}
		scalar("apparatus", "apparatus.targets_met", "Số chỉ tiêu đã đạt", n.int(met))
		scalar("apparatus", "apparatus.targets_total", "Tổng số chỉ tiêu", n.int(applies))
		list("apparatus", "apparatus.targets", "Kết quả thực hiện chỉ tiêu Quyết định 1690", items)
		var failing []string
		for _, t := range a.Targets {
			if t.Met || t.Total == 0 {
				continue
			}
			var names []string
			for i, u := range t.Failing {
				if i == 10 {
					names = append(names, fmt.Sprintf("và %s đơn vị khác", n.int(t.Total-t.Passing-10)))
					break
				}
				names = append(names, u.Name)
			}
			line := fmt.Sprintf("- %s: còn %s/%s đơn vị chưa đạt", t.Title, n.int(t.Total-t.Passing), n.int(t.Total))
			if len(names) > 0 {
				line += " (" + strings.Join(names, ", ") + ")"
			}
			failing = append(failing, line+".")
		}
		list("issues", "issues.failing", "Chỉ tiêu chưa đạt", failing)
	}
	if nw := f.Network; nw != nil {
		c := nw.Total
		for _, x := range []struct {
			key, label string
			v          int
		}{
			{"communes_covered", "Số xã có Tổ công nghệ số cộng đồng", c.CommunesCovered},
			{"communes", "Tổng số xã", c.Communes},
			{"villages_covered", "Số thôn, tổ dân phố có Tổ công nghệ số cộng đồng", c.VillagesCovered},
			{"villages", "Tổng số thôn, tổ dân phố", c.Villages},
			{"teams", "Số Tổ công nghệ số cộng đồng", c.Teams},
			{"suspended", "Số Tổ tạm dừng hoạt động", c.Suspended},
			{"members", "Số thành viên Tổ công nghệ số cộng đồng", c.Members},
			{"trained", "Số thành viên được bồi dưỡng trong năm", c.Trained},
			{"idle", "Số Tổ chưa có hoạt động trong 60 ngày", c.Idle},
			{"activities", "Số hoạt động từ đầu năm", c.Activities},
			{"helped", "Số lượt người dân được hỗ trợ", c.Helped},
		} {
			scalar("network", "network."+x.key, x.label, n.int(x.v))
		}
	}
	if pl := f.Plans; pl != nil {
		c := pl.Total
		scalar("plans", "plans.count", "Số kế hoạch", n.int(len(pl.Docs)))
		scalar("plans", "plans.total", "Tổng số nhiệm vụ", n.int(c.Total))
		scalar("plans", "plans.started", "Số nhiệm vụ đã triển khai", n.int(c.Started))
		scalar("plans", "plans.done", "Số nhiệm vụ đã hoàn thành", n.int(c.Done))
		scalar("plans", "plans.done_late", "Số nhiệm vụ hoàn thành muộn", n.int(c.DoneLate))
		scalar("plans", "plans.overdue", "Số nhiệm vụ quá hạn", n.int(c.Overdue))
		rate := "—"
		if c.Total > 0 {
			rate = n.pct(float64(c.Done) / float64(c.Total))
		}
		scalar("plans", "plans.rate", "Tỷ lệ nhiệm vụ hoàn thành", rate)
		var docs, groups []string
		for _, d := range pl.Docs {
			docs = append(docs, fmt.Sprintf("- Kế hoạch số %s: đã triển khai %s nhiệm vụ, hoàn thành %s, quá hạn %s.",
				d.Number, n.ratio(d.Counts.Started, d.Counts.Total), n.int(d.Counts.Done), n.int(d.Counts.Overdue)))
			for _, g := range d.Groups {
				title := g.Title
				if title == "" {
					title = "Nhiệm vụ khác"
				}
				dash := "-"
				if g.Depth > 0 {
					dash = "  +"
				}
				groups = append(groups, fmt.Sprintf("%s %s (%s): đã triển khai %s/%s nhiệm vụ, hoàn thành %s, quá hạn %s.",
					dash, title, d.Number, n.int(g.Counts.Started), n.int(g.Counts.Total), n.int(g.Counts.Done), n.int(g.Counts.Overdue)))
			}
		}
		list("plans", "plans.list", "Kết quả theo kế hoạch", docs)
		list("plans", "plans.groups", "Kết quả theo nhóm nhiệm vụ", groups)
		var overdue []string
		for _, t := range pl.Overdue {
			overdue = append(overdue, fmt.Sprintf("- %s (%s; chủ trì: %s; quá hạn %s ngày).", t.Title, t.Plan, t.Lead, n.int(t.DaysLate)))
		}
		if more := pl.OverdueTotal - len(pl.Overdue); more > 0 {
			overdue = append(overdue, fmt.Sprintf("- Và %s nhiệm vụ quá hạn khác.", n.int(more)))
		}
		list("issues", "issues.overdue", "Nhiệm vụ quá hạn", overdue)
		var next []string
		for _, t := range pl.Next {
			next = append(next, fmt.Sprintf("- %s (%s; chủ trì: %s; hạn %s).", t.Title, t.Plan, t.Lead, t.Due.VN()))
		}
		if more := pl.NextTotal - len(pl.Next); more > 0 {
			next = append(next, fmt.Sprintf("- Và %s nhiệm vụ khác.", n.int(more)))
		}
		list("directions", "directions.next", "Nhiệm vụ đến hạn trong kỳ tới", next)
	}
	var missing []string
	if ind := f.Indicators; ind != nil {
		var rows, forms []string
		for i := range ind.Rows {
			r := &ind.Rows[i]
			line := fmt.Sprintf("- %s: %s (%s: %s; cùng kỳ năm trước: %s", r.Name, n.value(r.Value, r), ind.PrevLabel,
				n.value(r.Prev, r), n.value(r.LastYear, r))
			if r.Target != nil {
				line += "; chỉ tiêu năm: " + n.value(r.Target, r)
			}
			rows = append(rows, line+").")
		}
		list("indicators", "indicators.list", "Kết quả các chỉ số chủ yếu", rows)
		for _, fm := range ind.Forms {
			forms = append(forms, fmt.Sprintf("- %s (%s): %s đơn vị đã gửi.", fm.Name, fm.Period, n.ratio(fm.Submitted, fm.Expected)))
			if len(fm.Missing) > 0 {
				line := fmt.Sprintf("- %s (%s): %s", fm.Name, fm.Period, strings.Join(fm.Missing, ", "))
				if more := fm.Expected - fm.Submitted - len(fm.Missing); more > 0 {
					line += fmt.Sprintf(" và %s đơn vị khác", n.int(more))
				}
				missing = append(missing, line+".")
			}
		}
		list("indicators", "indicators.forms", "Tình hình gửi báo cáo số liệu", forms)
	}
	if as := f.Assessment; as != nil {
		scalar("assessment", "assessment.round", "Đợt đánh giá", as.Round)
		if as.Own != nil {
			scalar("assessment", "assessment.score", "Điểm đánh giá", p.Dec(as.Own.Total, 1))
			scalar("assessment", "assessment.index", "Chỉ số đánh giá", p.Dec(as.Own.Index, 4))
			scalar("assessment", "assessment.rank", "Thứ hạng", n.int(as.Own.Rank)+"/"+n.int(as.Of))
		}
		scalar("assessment", "assessment.of", "Số đơn vị được đánh giá", n.int(as.Of))
		var ranked []string
		for i, r := range as.Ranked {
			if i >= 5 && i < len(as.Ranked)-5 {
				continue // the five best and the five last
			}
			line := fmt.Sprintf("- %s: %s điểm, xếp thứ %s", r.Name, p.Dec(r.Total, 1), n.int(r.Rank))
			if r.PrevRank > 0 {
				line += fmt.Sprintf(" (năm trước: thứ %s)", n.int(r.PrevRank))
			}
			ranked = append(ranked, line+".")
		}
		list("assessment", "assessment.ranked", "Kết quả đánh giá các đơn vị", ranked)
	}
	if rp := f.Reporting; rp != nil && len(rp.Lower) > 0 {
		scalar("issues", "reporting.sent", "Số đơn vị đã gửi báo cáo kỳ này", n.ratio(rp.Sent, len(rp.Lower)))
		var names []string
		for _, l := range rp.Lower {
			if l.Status != string(Issued) {
				names = append(names, l.Name)
			}
		}
		if len(names) > 0 {
			if len(names) > MaxListed {
				names = append(names[:MaxListed], fmt.Sprintf("và %s đơn vị khác", n.int(len(names)-MaxListed)))
			}
			missing = append([]string{fmt.Sprintf("- Báo cáo %s: %s.", r.Period.Label(), strings.Join(names, ", "))}, missing...)
		}
	}
	list("issues", "issues.missing", "Đơn vị chưa gửi báo cáo", missing)
	var obstacles, proposals []string
	for _, m := range f.Remarks {
		if m.Obstacles != "" {
			obstacles = append(obstacles, fmt.Sprintf("- %s (%s): %s", m.Unit, m.Task, oneLine(m.Obstacles)))
		}
		if m.Proposals != "" {
			proposals = append(proposals, fmt.Sprintf("- %s (%s): %s", m.Unit, m.Task, oneLine(m.Proposals)))
		}
	}
	list("issues", "issues.obstacles", "Khó khăn, vướng mắc của các đơn vị", obstacles)
	list("proposals", "proposals.units", "Kiến nghị của các đơn vị", proposals)
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// resolve writes prose with its fields filled: one string per paragraph.
// A list field alone on its line gives a paragraph per item; an unknown
// {name} is an error naming it and the section.
func (fs *fieldSet) resolve(text, section string) ([]string, error) {
	var out []string
	var bad []*errs.Error
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if f := fs.alone(line); f != nil && f.IsList {
			if len(f.List) == 0 {
				out = append(out, "- "+none)
			}
			out = append(out, f.List...)
			continue
		}
		var b strings.Builder
		rest := line
		for rest != "" {
			i := strings.IndexAny(rest, "{}")
			if i < 0 {
				b.WriteString(rest)
				break
			}
			b.WriteString(rest[:i])
			if strings.HasPrefix(rest[i:], "{{") || strings.HasPrefix(rest[i:], "}}") {
				b.WriteByte(rest[i]) // doubled: the brace itself
				rest = rest[i+2:]
				continue
			}
			if rest[i] == '}' {
				b.WriteByte('}')
				rest = rest[i+1:]
				continue
			}
			j := strings.IndexByte(rest[i:], '}')
			if j < 0 {
				bad = append(bad, errs.Invalidf("report.err.unclosed", "Text", clip(rest[i:], 40)).At(0, section))
				b.WriteString(rest[i:])
				break
			}
			name := rest[i+1 : i+j]
			f := fs.byLabel[locale.Fold(name)]
			if f == nil {
				bad = append(bad, errs.Invalidf("report.err.unknown_field", "Name", name).At(0, section))
				b.WriteString(rest[i : i+j+1])
			} else {
				b.WriteString(f.Text())
			}
			rest = rest[i+j+1:]
		}
		out = append(out, b.String())
	}
	if len(bad) == 1 {
		return out, bad[0]
	}
	if len(bad) > 1 {
		return out, errs.List("err.form", bad)
	}
	return out, nil
}

// alone is the field a line consists of, if it is just {a field}.
func (fs *fieldSet) alone(line string) *Field {
	if !strings.HasPrefix(line, "{") || !strings.HasSuffix(line, "}") || strings.HasPrefix(line, "{{") {
		return nil
	}
	inner := line[1 : len(line)-1]
	if strings.ContainsAny(inner, "{}") {
		return nil
	}
	return fs.byLabel[locale.Fold(inner)]
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// token is how the prose names a field.
func token(label string) string { return "{" + label + "}" }
