package web

import (
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

type auditPage struct {
	Page
	Records []audit.Record
	Units   map[int64]*org.Version
	Older   int64 // seq to page back from, 0 if no more
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	if !p.Actor.Can(auth.PermReadAudit) {
		s.fail(w, r, errs.ForbiddenErr())
		return
	}
	snap, err := s.Org.Snapshot(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	q, err := (&org.Scoped{Snapshot: snap, Actor: p.Actor}).AuditQuery(unit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q.BeforeSeq, _ = strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	ap := &auditPage{Page: p, Units: map[int64]*org.Version{}}
	ap.Title, ap.Nav = p.L.T("audit.title"), "audit"
	ap.Records, err = audit.List(r.Context(), s.DB, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, rec := range ap.Records {
		if rec.UnitID != 0 {
			ap.Units[rec.UnitID] = snap.Latest(rec.UnitID)
		}
	}
	if len(ap.Records) == q.Limit {
		ap.Older = ap.Records[len(ap.Records)-1].Seq
	}
	s.render(w, r, "audit", http.StatusOK, ap)
}
