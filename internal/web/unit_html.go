package web

import (
	"html/template"
	"strconv"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/org"
)

// The unit page written in Go. A unit page is made again after each write
// that moves what it shows (the tree, the apparatus, the registers, the
// audit), and its template — the history, the lineage, the apparatus and
// the change forms, each field and method a reflective call — was most of
// a rebuilt province page's CPU (issue 14). These functions write the bytes
// the template wrote (testdata/unit_template.html: unit.html and
// _unit_forms.html as they were), escaped as html/template escapes them in
// each place: TestUnitHTML holds them to it.

// unitHTML writes the unit page's content (the template "content" of
// unit.html before) into a buffer of pageBufs (as dashboardHTML).
func unitHTML(p *unitPage) template.HTML {
	L := p.L
	u := p.Unit
	w := pooledHW()
	w.raw("\n<nav class=\"crumbs\" aria-label=\"").text(L.T("unit.crumbs")).raw("\">\n  ")
	for _, c := range p.Crumbs {
		if c.Openable {
			w.raw("<a href=\"").url(p.U("/units/" + strconv.FormatInt(c.V.UnitID, 10))).raw("\">").text(c.V.Name).raw("</a>")
		} else {
			w.raw("<span>").text(c.V.Name).raw("</span>")
		}
		w.raw(" › ")
	}
	w.raw("\n</nav>\n<section class=\"card\">\n  <h1>").text(u.Name).raw("</h1>\n  <p class=\"facts\">\n    <span class=\"tag\">").
		text(p.LevelName(u.Level)).raw("</span>\n    ")
	if u.Kind != "" {
		w.raw("<span>").text(u.Kind).raw("</span>")
	}
	w.raw("\n    ")
	if u.Code != "" {
		w.raw("<span>").text(L.T("unit.code")).raw(" <b class=\"code\">").text(u.Code).raw("</b></span>")
	}
	w.raw("\n    <span>")
	if u.To.IsForever() {
		w.text(L.T("unit.valid_from", "From", L.Date(u.From)))
	} else {
		w.text(L.T("unit.valid", "From", L.Date(u.From), "To", L.Date(u.To.AddDays(-1))))
	}
	w.raw("</span>\n    ")
	if !p.Since.IsZero() {
		w.raw("<span class=\"muted\">").text(L.T("unit.exists_since", "Date", L.Date(p.Since))).raw("</span>")
	}
	w.raw("\n  </p>\n  ")
	if !p.InForce {
		w.raw("<p class=\"warn\">")
		if p.AsOf.Before(u.From) {
			w.text(L.T("unit.not_yet", "Date", L.Date(p.AsOf), "From", L.Date(u.From)))
		} else {
			w.text(L.T("unit.ended", "Date", L.Date(p.AsOf), "Last", L.Date(u.To.AddDays(-1))))
		}
		w.raw("</p>")
	}
	w.raw("\n  ")
	if len(p.Counts) > 0 {
		w.raw("<p class=\"counts\">")
		for i, c := range p.Counts {
			if i > 0 {
				w.raw(", ")
			}
			w.raw("<a href=\"").url(p.U("/units", "level", c.Level, "unit", u.UnitID)).raw("\">").text(keptLevelCount(&p.Page, c.Level, c.Count)).raw("</a>")
		}
		w.raw("</p>")
	}
	w.raw("\n  ")
	registersHTML(w, &p.Page, p.Registers)
	w.raw("\n</section>\n\n")
	if a := p.Apparatus; a != nil {
		w.raw("\n<section class=\"card\">\n  <h2>").text(L.T("apparatus.summary")).raw("</h2>\n  <ul class=\"checks\">\n    <li class=\"")
		if len(a.Committees) > 0 {
			w.raw("ok\">").text(a.Committees[0].Name).raw(" <span class=\"muted\">· ").text(a.Committees[0].DecisionNumber).raw("</span>")
		} else {
			w.raw("no\">").text(L.T("apparatus.no_committee"))
		}
		w.raw("</li>\n    <li class=\"")
		if len(a.FocalUnits) > 0 {
			w.raw("ok\">")
			for i := range a.FocalUnits {
				f := &a.FocalUnits[i]
				if i > 0 {
					w.raw("; ")
				}
				w.text(L.T("focal." + string(f.Kind))).raw(": ").text(f.HolderName)
			}
		} else {
			w.raw("no\">").text(L.T("apparatus.no_focal_unit"))
		}
		w.raw("</li>\n    <li class=\"")
		if len(a.Roles) > 0 {
			w.raw("ok\">")
			for i := range a.Roles {
				r := &a.Roles[i]
				if i > 0 {
					w.raw("; ")
				}
				if r.Vacant() {
					w.raw("<b>").text(L.T("apparatus.vacancy")).raw("</b>")
				} else {
					w.text(r.Name)
				}
				w.raw(" (").text(L.T("role.kind." + string(r.Role.Role))).raw(", ").text(L.T("mode." + string(r.Mode))).raw(")")
			}
		} else {
			w.raw("no\">").text(L.T("apparatus.no_people"))
		}
		id := strconv.FormatInt(u.UnitID, 10)
		w.raw("</li>\n  </ul>\n  <p><a href=\"").url(p.U("/units/" + id + "/apparatus")).raw("\">")
		if a.Writable {
			w.text(L.T("apparatus.manage"))
		} else {
			w.text(L.T("apparatus.view"))
		}
		w.raw("</a>\n   · <a href=\"").url(p.U("/compliance", "unit", u.UnitID)).raw("\">").text(L.T("nav.compliance")).
			raw("</a>\n   · <a href=\"").url(p.U("/people", "unit", u.UnitID)).raw("\">").text(L.T("nav.people")).
			raw("</a>\n   · <a href=\"/periodic-reports?unit=").query(id).raw("\">").text(L.T("report.unit_link")).raw("</a></p>\n</section>\n")
	}
	w.raw("\n\n")
	if p.InForce {
		w.raw("\n<section class=\"card\">\n  <h2>").text(L.T("unit.children")).raw(" <span class=\"muted\">(").text(L.Int(p.ChildCount)).raw(")</span></h2>\n  ")
		for _, g := range p.Groups {
			w.raw("\n  <h3>").text(p.LevelName(g.Level)).raw(" <span class=\"muted\">(").text(L.Int(len(g.Rows))).
				raw(")</span></h3>\n  <table class=\"list\">\n    <tbody>\n    ")
			writeChildRows(w, &p.Page, g.Rows)
			w.raw("\n    </tbody>\n  </table>\n  ")
		}
		if len(p.Groups) == 0 {
			w.raw("<p class=\"muted\">").text(L.T("unit.no_children")).raw("</p>")
		}
		w.raw("\n</section>\n")
	}
	w.raw("\n\n<section class=\"card\">\n  <h2>").text(L.T("unit.history")).raw("</h2>\n  <ol class=\"timeline\">\n  ")
	for _, h := range p.History {
		w.raw("\n    <li>\n      <time>").text(L.Date(h.V.From)).raw("</time>\n      <div>\n        <b>").text(h.V.Name).raw("</b>")
		if h.V.Code != "" {
			w.raw(" <span class=\"code\">").text(h.V.Code).raw("</span>")
		}
		w.raw("\n        ")
		if h.Event != nil {
			w.raw("<span class=\"muted\">· ").text(L.T("event." + string(h.Event.Kind)))
			if h.Event.LegalBasis != "" {
				w.raw(" · ").text(h.Event.LegalBasis)
			}
			w.raw("</span>")
		}
		w.raw("\n        ")
		if h.Parent != nil {
			w.raw("<div class=\"muted\">").text(L.T("unit.under", "Name", h.Parent.Name)).raw("</div>")
		}
		w.raw("\n        ")
		if !h.V.To.IsForever() {
			w.raw("<div class=\"muted\">").text(L.T("unit.until", "Date", L.Date(h.V.To.AddDays(-1)))).raw("</div>")
		}
		w.raw("\n      </div>\n    </li>\n  ")
	}
	w.raw("\n  </ol>\n  ")
	if len(p.Preds) > 0 || len(p.Succs) > 0 {
		w.raw("\n  <div class=\"lineage\">\n    ")
		if len(p.Preds) > 0 {
			w.raw("<h3>").text(L.T("unit.preds")).raw("</h3><ul>")
			for i := range p.Preds {
				l := &p.Preds[i]
				lineageItem(w, p, l, l.PredecessorID, l.Event.Effective.AddDays(-1))
			}
			w.raw("</ul>")
		}
		w.raw("\n    ")
		if len(p.Succs) > 0 {
			w.raw("<h3>").text(L.T("unit.succs")).raw("</h3><ul>")
			for i := range p.Succs {
				l := &p.Succs[i]
				lineageItem(w, p, l, l.SuccessorID, l.Event.Effective)
			}
			w.raw("</ul>")
		}
		w.raw("\n  </div>\n  ")
	}
	w.raw("\n</section>\n\n")
	if p.CanEdit || len(p.ChildLevels) > 0 {
		unitForms(w, p)
	}
	w.raw("\n\n")
	if len(p.Audit) > 0 {
		w.raw("\n<section class=\"card\">\n  <h2>").text(L.T("unit.changes")).raw("</h2>\n  <ul class=\"audit\">")
		for i := range p.Audit {
			a := &p.Audit[i]
			at, _ := time.Parse(audit.TimeLayout, a.At)
			w.raw("<li><time>").text(L.DateTime(at)).raw("</time> <b>").text(a.Actor).raw("</b> ").text(L.T("action." + a.Action)).raw("</li>")
		}
		w.raw("</ul>\n  <p><a href=\"/audit?unit=").query(strconv.FormatInt(u.UnitID, 10)).raw("\">").text(L.T("unit.all_changes")).raw("</a></p>\n</section>\n")
	}
	w.raw("\n")
	return p.set(w)
}

// lineageItem is a predecessor's or a successor's item of the lineage.
func lineageItem(w *hw, p *unitPage, l *org.Lineage, other int64, d any) {
	L := p.L
	w.raw("<li>")
	if l.Visible {
		w.raw("<a href=\"").url(p.U("/units/"+strconv.FormatInt(other, 10), "d", d)).raw("\">").text(l.Other.Name).raw("</a>")
	} else {
		w.text(l.Other.Name)
	}
	w.raw("\n      <span class=\"tag ").text(string(l.Share)).raw("\">").text(L.T("share." + string(l.Share)))
	if l.Fraction != nil {
		w.raw(" ").text(L.Pct(*l.Fraction))
	}
	w.raw("</span>\n      <span class=\"muted\">").text(L.Date(l.Event.Effective))
	if l.Event.LegalBasis != "" {
		w.raw(" · ").text(l.Event.LegalBasis)
	}
	w.raw("</span></li>")
}

// registersHTML is the template "registers" (_unitlink.html).
func registersHTML(w *hw, p *Page, regs []regFigure) {
	if len(regs) == 0 {
		return
	}
	L := p.L
	w.raw("<ul class=\"registers\" aria-label=\"").text(L.T("provenance.registers")).raw("\">")
	for i := range regs {
		r := &regs[i]
		w.raw("<li><a class=\"prov\" href=\"").url(r.URL).raw("\" title=\"").text(L.T("provenance.show")).raw("\"><b>").
			text(L.Dec(r.N, 0)).raw("</b></a> ").text(r.Name).raw("</li>")
	}
	w.raw("</ul>")
}

// unitForms is the template "unit_forms" (_unit_forms.html before).
func unitForms(w *hw, p *unitPage) {
	L := p.L
	id := strconv.FormatInt(p.Unit.UnitID, 10)
	f := func(k string) string { return p.Form[k] }
	open := func(op string) {
		w.raw("<details ")
		if p.Op == op {
			w.raw("open")
		}
		w.raw(">\n    <summary>").text(L.T("op." + op)).raw("</summary>\n    <form method=\"post\" action=\"/units/").urlPath(id).raw("/" + op + "\" class=\"stack\">\n")
	}
	w.raw("\n<section class=\"card\">\n  <h2>").text(L.T("unit.change")).raw("</h2>\n  <p class=\"muted\">").text(L.T("unit.change_help")).raw("</p>\n\n  ")
	if len(p.ChildLevels) > 0 {
		w.raw("<details ")
		if p.Op == "establish" {
			w.raw("open")
		}
		w.raw(">\n    <summary>").text(L.T("op.establish")).raw("</summary>\n    <form method=\"post\" action=\"/units/").urlPath(id).
			raw("/children\" class=\"stack\">\n      <div class=\"row\">\n        <label>").text(L.T("unit.name")).raw(" <input name=\"name\" value=\"").text(f("name")).
			raw("\" required></label>\n        <label>").text(L.T("unit.level")).raw(" <select name=\"level\">")
		for _, l := range p.ChildLevels {
			w.raw("<option value=\"").text(string(l)).raw("\" ")
			if string(l) == f("level") {
				w.raw("selected")
			}
			w.raw(">").text(p.LevelName(l)).raw("</option>")
		}
		w.raw("</select></label>\n      </div>\n      <div class=\"row\">\n        <label>").text(L.T("unit.code")).raw(" <input name=\"code\" value=\"").text(f("code")).
			raw("\"></label>\n        <label>").text(L.T("unit.kind")).raw(" <input name=\"kind\" value=\"").text(f("kind")).raw("\" placeholder=\"").text(L.T("unit.kind_example")).
			raw("\"></label>\n      </div>\n      ")
		changeFields(w, p)
		w.raw("\n      <button class=\"primary\">").text(L.T("op.establish")).raw("</button>\n    </form>\n  </details>")
	}
	w.raw("\n  ")
	if p.CanEdit {
		w.raw("\n\n  ")
		open("rename")
		or := func(k, def string) string {
			if v := f(k); v != "" {
				return v
			}
			return def
		}
		ifOp := func(op, k, def string) string {
			if p.Op == op {
				return f(k)
			}
			return def
		}
		w.raw("      <div class=\"row\">\n        <label>").text(L.T("unit.name")).raw(" <input name=\"name\" value=\"").text(or("name", p.Unit.Name)).
			raw("\" required></label>\n        <label>").text(L.T("unit.code")).raw(" <input name=\"code\" value=\"").text(ifOp("rename", "code", p.Unit.Code)).
			raw("\"></label>\n        <label>").text(L.T("unit.kind")).raw(" <input name=\"kind\" value=\"").text(ifOp("rename", "kind", p.Unit.Kind)).
			raw("\"></label>\n      </div>\n      ")
		changeFields(w, p)
		w.raw("\n      <button class=\"primary\">").text(L.T("op.rename")).raw("</button>\n    </form>\n  </details>\n\n  ")

		open("move")
		w.raw("      <label>").text(L.T("form.new_parent")).raw("</label>\n      ")
		pickerHTML(w, &p.Page, "parent_id", f("parent_id"), L.T("form.new_parent"), "")
		w.raw("\n      ")
		changeFields(w, p)
		w.raw("\n      <button class=\"primary\">").text(L.T("op.move")).raw("</button>\n    </form>\n  </details>\n\n  ")

		open("merge")
		w.raw("      <label>").text(L.T("form.merge_with")).raw("</label>\n      ")
		pickerHTML(w, &p.Page, "other_id", f("other_id"), L.T("form.merge_with"), "")
		w.raw("\n      <fieldset>\n        <legend>").text(L.T("form.merge_into")).raw("</legend>\n        <label class=\"check\"><input type=\"radio\" name=\"into\" value=\"new\" ")
		if f("into") == "new" || f("into") == "" {
			w.raw("checked")
		}
		w.raw("> ").text(L.T("form.merge_new")).raw("</label>\n        <label class=\"check\"><input type=\"radio\" name=\"into\" value=\"this\" ")
		if f("into") == "this" {
			w.raw("checked")
		}
		w.raw("> ").text(L.T("form.merge_this", "Name", p.Unit.Name)).raw("</label>\n        <label class=\"check\"><input type=\"radio\" name=\"into\" value=\"other\" ")
		if f("into") == "other" {
			w.raw("checked")
		}
		w.raw("> ").text(L.T("form.merge_other")).raw("</label>\n      </fieldset>\n      <div class=\"row\">\n        <label>").text(L.T("form.new_name")).
			raw(" <input name=\"new_name\" value=\"").text(f("new_name")).raw("\"></label>\n        <label>").text(L.T("unit.code")).
			raw(" <input name=\"new_code\" value=\"").text(f("new_code")).raw("\"></label>\n        <label>").text(L.T("unit.kind")).
			raw(" <input name=\"new_kind\" value=\"").text(or("new_kind", p.Unit.Kind)).raw("\"></label>\n      </div>\n      ")
		changeFields(w, p)
		w.raw("\n      <button class=\"primary\">").text(L.T("op.merge")).raw("</button>\n    </form>\n  </details>\n\n  ")

		open("split")
		w.raw("      <p class=\"muted\">").text(L.T("form.split_help")).raw("</p>\n      ")
		for i := 1; i <= 4; i++ {
			n := strconv.Itoa(i)
			w.raw("\n      <div class=\"row part\">\n        <label>").text(L.T("form.part", "N", i)).raw(" <input name=\"part").raw(n).raw("_name\" value=\"").text(f("part" + n + "_name")).
				raw("\"></label>\n        <label>").text(L.T("unit.code")).raw(" <input name=\"part").raw(n).raw("_code\" value=\"").text(f("part" + n + "_code")).
				raw("\"></label>\n        <label>").text(L.T("form.percent")).raw(" <input name=\"part").raw(n).raw("_percent\" inputmode=\"decimal\" value=\"").text(f("part" + n + "_percent")).
				raw("\"></label>\n        <input type=\"hidden\" name=\"part").raw(n).raw("_kind\" value=\"").text(p.Unit.Kind).raw("\">\n      </div>\n      ")
		}
		w.raw("\n      <label class=\"check\"><input type=\"checkbox\" name=\"keep\" ")
		if f("keep") != "" {
			w.raw("checked")
		}
		w.raw("> ").text(L.T("form.split_keep")).raw("</label>\n      ")
		changeFields(w, p)
		w.raw("\n      <button class=\"primary\">").text(L.T("op.split")).raw("</button>\n    </form>\n  </details>\n\n  ")

		open("dissolve")
		w.raw("      <p class=\"muted\">").text(L.T("form.dissolve_help")).raw("</p>\n      ")
		changeFields(w, p)
		w.raw("\n      <button class=\"danger\">").text(L.T("op.dissolve")).raw("</button>\n    </form>\n  </details>\n  ")
	}
	w.raw("\n</section>\n")
}

// changeFields is the template "change_fields".
func changeFields(w *hw, p *unitPage) {
	L := p.L
	eff := p.Form["effective_date"]
	if eff == "" {
		eff = L.Date(p.AsOf)
	}
	w.raw("\n<div class=\"row\">\n  <label>").text(L.T("form.effective_date")).raw(" <input name=\"effective_date\" value=\"").text(eff).
		raw("\" placeholder=\"dd/mm/yyyy\" inputmode=\"numeric\" required></label>\n  <label>").text(L.T("form.legal_basis")).
		raw(" <input name=\"legal_basis\" value=\"").text(p.Form["legal_basis"]).raw("\" placeholder=\"1656/NQ-UBTVQH15\"></label>\n</div>\n<label>").
		text(L.T("form.note")).raw(" <input name=\"note\" value=\"").text(p.Form["note"]).raw("\"></label>\n")
}

// pickerHTML is the template "picker" (_unitlink.html).
func pickerHTML(w *hw, p *Page, name, value, label, shown string) {
	w.raw("\n<div class=\"picker\" data-picker>\n  <input type=\"hidden\" name=\"").text(name).raw("\" value=\"").text(value).raw("\" id=\"pick-").text(name).
		raw("\">\n  <input type=\"search\" placeholder=\"").text(p.L.T("pick.placeholder")).raw("\" aria-label=\"").text(label).raw("\" value=\"").text(shown).
		raw("\"\n    name=\"").text(name).raw("_q\" hx-get=\"/pick?target=pick-").text(name).raw("&amp;d=").text(p.AsOf.String()).
		raw("\" hx-trigger=\"input changed delay:300ms, search\"\n    hx-target=\"next .pick-results\" hx-params=\"").text(name).
		raw("_q\" autocomplete=\"off\">\n  <div class=\"pick-results\"></div>\n</div>\n")
}
