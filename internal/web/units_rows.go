package web

import (
	"html/template"
	"strconv"
	"sync"

	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// The repeated rows of the unit page, the coverage page, the people list
// and the compliance page, written in Go (see hw) as the templates they
// replace wrote them.

// childRows are the unit page's rows of units below: template "unitlink"
// and "counts" (in _unitlink.html) for each.
func childRows(pd pager, rows []childRow) template.HTML {
	w := newHW(160 * len(rows))
	writeChildRows(w, pd.base(), rows)
	return w.owned()
}

// writeChildRows writes childRows into w.
func writeChildRows(w *hw, p *Page, rows []childRow) {
	for i := range rows {
		r := &rows[i]
		w.raw("<tr>\n      <td><a href=\"").url(p.U("/units/" + strconv.FormatInt(r.V.UnitID, 10))).raw("\">").text(r.V.Name).raw("</a>")
		if r.V.Code != "" {
			w.raw(" <span class=\"code\">").text(r.V.Code).raw("</span>")
		}
		w.raw("</td>\n      <td class=\"num\">")
		for j, c := range r.Counts {
			if j > 0 {
				w.raw(", ")
			}
			w.text(keptLevelCount(p, c.Level, c.Count))
		}
		w.raw("</td>\n    </tr>")
	}
}

// levelCounts keeps "12 villages" by language, level and count: a
// province's unit page says it for each of its 135 communes, and a
// message with a count is a go-i18n template executed with a map each
// time. Bound: levelCountsMax strings, then it starts again empty.
var levelCounts struct {
	mu sync.Mutex
	m  map[levelCountKey]string
}

type levelCountKey struct {
	lang  string
	level org.Level
	n     int
}

const levelCountsMax = 4096

// keptLevelCount is p.LevelCount, kept.
func keptLevelCount(p *Page, l org.Level, n int) string {
	k := levelCountKey{p.L.Lang, l, n}
	levelCounts.mu.Lock()
	s, ok := levelCounts.m[k]
	levelCounts.mu.Unlock()
	if ok {
		return s
	}
	s = p.LevelCount(l, n)
	levelCounts.mu.Lock()
	if levelCounts.m == nil || len(levelCounts.m) >= levelCountsMax {
		levelCounts.m = map[levelCountKey]string{}
	}
	levelCounts.m[k] = s
	levelCounts.mu.Unlock()
	return s
}

// coverageRows are the coverage page's rows, a part of the unit each.
func coverageRows(p *coveragePage) template.HTML {
	L := p.L
	communes := p.ShowCommunes()
	w := newHW(400 * len(p.Rows))
	for i := range p.Rows {
		r := &p.Rows[i]
		w.raw("<tr>\n      <td><a href=\"")
		if r.Drill {
			w.url(p.U("/network", "unit", r.UnitID))
		} else {
			w.url(p.U("/network/teams", "unit", r.UnitID))
		}
		w.raw("\">").text(r.Name).raw("</a></td>\n      ")
		if communes {
			w.raw("<td class=\"num\">").text(L.Int(r.CommunesCovered)).raw("/").text(L.Int(r.Communes)).raw("</td>")
		}
		w.raw("\n      <td class=\"num\">")
		if r.Level == "village" {
			switch {
			case r.VillagesCovered != 0:
				w.raw("<span class=\"tag full\">").text(L.T("network.has_team")).raw("</span>")
			case r.Suspended != 0:
				w.raw("<span class=\"tag partial\">").text(L.T("teamstatus.suspended")).raw("</span>")
			default:
				w.raw("<span class=\"tag bad\">").text(L.T("network.no_team")).raw("</span>")
			}
		} else {
			w.text(L.Int(r.VillagesCovered)).raw("/").text(L.Int(r.Villages))
		}
		w.raw("</td>\n      <td class=\"num\">").text(L.Int(r.Teams)).raw("</td>\n      <td class=\"num hide-sm\">").text(L.Int(r.Members)).
			raw("</td><td class=\"num hide-sm\">").text(L.Int(r.Trained)).raw("</td>\n      <td class=\"num\">")
		if r.Idle != 0 {
			w.raw("<b class=\"bad\">").text(L.Int(r.Idle)).raw("</b>")
		} else {
			w.raw("0")
		}
		w.raw("</td>\n    </tr>")
	}
	return w.owned()
}

// peopleRows are the people list's rows.
func peopleRows(pd pager, rows []people.PersonRow) template.HTML {
	w := newHW(400 * len(rows))
	writePeopleRows(w, pd.base(), rows)
	return w.owned()
}

// writePeopleRows writes peopleRows into w.
func writePeopleRows(w *hw, p *Page, rows []people.PersonRow) {
	L := p.L
	for i := range rows {
		r := &rows[i]
		w.raw("<tr>\n    <td><a href=\"").url(p.U("/people/" + strconv.FormatInt(r.Person.ID, 10))).raw("\">").text(r.Person.FullName).
			raw("</a><div class=\"muted small\">").text(r.Person.Title).raw("</div></td>\n    <td class=\"hide-sm\">").text(r.Unit).raw("</td>\n    <td>")
		for _, ro := range r.Roles {
			w.raw("<span class=\"tag\">").text(L.T("role.kind." + string(ro.Role))).raw(" · ").text(L.T("mode." + string(ro.Mode))).raw("</span> ")
		}
		if len(r.Roles) == 0 {
			w.raw("<span class=\"muted\">—</span>")
		}
		w.raw("</td>\n    <td>")
		if r.Trained {
			w.raw("<span class=\"tag full\">").text(L.T("people.trained_short")).raw("</span>")
		} else {
			w.raw("<span class=\"tag partial\">").text(L.T("people.untrained_short")).raw("</span>")
		}
		w.raw("</td>\n  </tr>")
	}
}

// complianceGroups are a target's rows by part of the unit.
func complianceGroups(pd pager, groups []people.GroupResult) template.HTML {
	p := pd.base()
	L := p.L
	w := newHW(200 * len(groups))
	for i := range groups {
		g := &groups[i]
		w.raw("<tr><td><a href=\"").url(p.U("/compliance", "unit", g.UnitID)).raw("\">").text(g.Name).raw("</a></td><td class=\"num\">").
			text(L.Int(g.Passing)).raw("/").text(L.Int(g.Total)).raw(" · ").text(L.Pct(g.Rate)).raw("</td></tr>")
	}
	return w.owned()
}
