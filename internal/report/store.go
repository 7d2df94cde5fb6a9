package report

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
)

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("report: %T does not marshal: %v", v, err)) // our own types always do
	}
	return string(b)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func insertReport(ctx context.Context, tx *sql.Tx, r *Report) error {
	return tx.QueryRowContext(ctx, `INSERT INTO periodic_reports (unit_id, kind, period_type, period_key, cutoff, period_from, period_to,
		period_year, period_n, title, heading_json, sections_json, status, supersedes_id, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		r.UnitID, r.Kind, r.Period.Type, r.Period.Key(), r.Period.Cutoff, r.Period.From, r.Period.To, r.Period.Year, r.Period.N,
		r.Title, mustJSON(r.Heading), mustJSON(r.Sections), r.Status, nullID(r.Supersedes), nullID(r.CreatedBy), r.CreatedAt, r.UpdatedAt).Scan(&r.ID)
}

const reportColumns = `id, unit_id, kind, period_type, cutoff, period_from, period_to, period_year, period_n, title, heading_json, sections_json,
	status, COALESCE(number, 0), issued_on, COALESCE(supersedes_id, 0), COALESCE(superseded_by, 0), content_sha256, COALESCE(audit_seq, 0),
	audit_hash, COALESCE(created_by, 0), created_at, updated_at, COALESCE(issued_by, 0), issued_at`

func scanReport(row interface{ Scan(...any) error }) (*Report, error) {
	r := &Report{}
	var heading, sections string
	var issuedAt sql.NullTime
	err := row.Scan(&r.ID, &r.UnitID, &r.Kind, &r.Period.Type, &r.Period.Cutoff, &r.Period.From, &r.Period.To, &r.Period.Year, &r.Period.N,
		&r.Title, &heading, &sections, &r.Status, &r.Number, &r.IssuedOn, &r.Supersedes, &r.SupersededBy, &r.ContentSHA256, &r.AuditSeq,
		&r.AuditHash, &r.CreatedBy, &r.CreatedAt, &r.UpdatedAt, &r.IssuedBy, &issuedAt)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(heading), &r.Heading); err != nil {
		return nil, fmt.Errorf("report %d heading: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(sections), &r.Sections); err != nil {
		return nil, fmt.Errorf("report %d sections: %w", r.ID, err)
	}
	if issuedAt.Valid {
		t := issuedAt.Time.UTC()
		r.IssuedAt = &t
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.Files = []FileInfo{}
	return r, nil
}

// load reads one report with the list of its files.
func (s *Service) load(ctx context.Context, q db.Querier, id int64) (*Report, error) {
	r, err := scanReport(q.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM periodic_reports WHERE id = $1`, id))
	if db.IsNoRows(err) {
		return nil, errs.NotFoundErr()
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT kind, name, content_type, size, sha256 FROM periodic_report_files WHERE report_id = $1 ORDER BY kind`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f FileInfo
		if err := rows.Scan(&f.Kind, &f.Name, &f.ContentType, &f.Size, &f.SHA256); err != nil {
			return nil, err
		}
		r.Files = append(r.Files, f)
	}
	return r, rows.Err()
}

// query reads the reports matching where (without their files).
func (s *Service) query(ctx context.Context, q db.Querier, where string, args ...any) ([]*Report, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reportColumns+` FROM periodic_reports WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// frozen reads an issued report's stored figures and document.
func (s *Service) frozen(ctx context.Context, id int64) (*Figures, *Doc, error) {
	var figs, doc sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT figures_json, document_json FROM periodic_reports WHERE id = $1`, id).Scan(&figs, &doc); err != nil {
		return nil, nil, err
	}
	f, d := &Figures{}, &Doc{}
	if err := json.Unmarshal([]byte(figs.String), f); err != nil {
		return nil, nil, fmt.Errorf("report %d figures: %w", id, err)
	}
	if err := json.Unmarshal([]byte(doc.String), d); err != nil {
		return nil, nil, fmt.Errorf("report %d document: %w", id, err)
	}
	return f, d, nil
}

// periodReports finds, for each of units, its report of a kind and period:
// the issued one if there is one, else a draft.
func (s *Service) periodReports(ctx context.Context, units []int64, kind Kind, key string) (map[int64]*Report, error) {
	want := map[int64]bool{}
	for _, u := range units {
		want[u] = true
	}
	all, err := s.query(ctx, s.db, `kind = $1 AND period_key = $2 ORDER BY id`, kind, key)
	if err != nil {
		return nil, err
	}
	out := map[int64]*Report{}
	for _, r := range all {
		if !want[r.UnitID] {
			continue
		}
		if cur := out[r.UnitID]; cur == nil || r.Status == Issued || !cur.Frozen() && r.Frozen() {
			out[r.UnitID] = r
		}
	}
	return out, nil
}

func insertFile(ctx context.Context, tx *sql.Tx, report int64, kind, base string, data []byte, now time.Time) (FileInfo, error) {
	sum := sha256.Sum256(data)
	f := FileInfo{Kind: kind, Name: base + "." + kind, ContentType: ContentTypes[kind], Size: len(data), SHA256: hex.EncodeToString(sum[:])}
	if kind == FileXLSX {
		f.Name = base + "-phu-luc.xlsx"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO periodic_report_files (report_id, kind, name, content_type, size, sha256, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, report, f.Kind, f.Name, f.ContentType, f.Size, f.SHA256, data, now)
	return f, err
}

func loadFile(ctx context.Context, q db.Querier, report int64, kind string) (string, []byte, error) {
	var name string
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT name, data FROM periodic_report_files WHERE report_id = $1 AND kind = $2`, report, kind).Scan(&name, &data)
	if db.IsNoRows(err) {
		return "", nil, errs.NotFoundErr()
	}
	return name, data, err
}
