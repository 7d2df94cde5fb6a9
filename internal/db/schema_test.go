package db_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
)

// schema is a database's tables as both dialects can say them: every
// column with its type class (mapped between dialects) and whether it
// may be null, the primary key, the foreign keys with their ON DELETE,
// and the indexes (their columns, uniqueness and whether partial).
type schema map[string]*table

type table struct {
	Columns map[string]string // name → "class null|not null"
	Primary string
	Foreign []string
	Indexes []string
}

// The type classes: what a value is on both engines. SQLite keeps a
// boolean as an INTEGER and a date as ISO TEXT (see docs/CONVENTIONS.md).
func sqliteClass(decl string) string {
	switch d := strings.ToUpper(decl); {
	case strings.Contains(d, "INT"):
		return "integer"
	case d == "REAL" || strings.Contains(d, "DOUBLE") || strings.Contains(d, "FLOAT"):
		return "real"
	case d == "BLOB":
		return "blob"
	case strings.Contains(d, "TIMESTAMP"):
		return "timestamp"
	case strings.Contains(d, "TEXT") || strings.Contains(d, "CHAR"):
		return "text"
	}
	return "unknown " + decl
}

func postgresClass(t string) string {
	switch t {
	case "bigint", "integer", "smallint", "boolean":
		return "integer"
	case "double precision", "real", "numeric":
		return "real"
	case "bytea":
		return "blob"
	case "timestamp with time zone", "timestamp without time zone":
		return "timestamp"
	case "text", "character varying", "date":
		return "text"
	}
	return "unknown " + t
}

var onDelete = map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

func rows(t *testing.T, d *db.DB, q string, args ...any) [][]string {
	t.Helper()
	rs, err := d.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out [][]string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			if v == nil {
				v = ""
			}
			row[i] = fmt.Sprint(v)
		}
		out = append(out, row)
	}
	return out
}

func readSQLite(t *testing.T, d *db.DB) schema {
	s := schema{}
	for _, r := range rows(t, d, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`) {
		name := r[0]
		tb := &table{Columns: map[string]string{}}
		var pk []string
		for _, c := range rows(t, d, `SELECT name, type, "notnull", pk FROM pragma_table_info($1) ORDER BY pk`, name) {
			null := "null"
			if c[2] == "1" || c[3] != "0" {
				null = "not null"
			}
			tb.Columns[c[0]] = sqliteClass(c[1]) + " " + null
			if c[3] != "0" {
				pk = append(pk, c[0])
			}
		}
		tb.Primary = strings.Join(pk, ",")
		fks := map[string][]string{}
		for _, f := range rows(t, d, `SELECT id, "table", "from", "to", on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq`, name) {
			fks[f[0]] = append(fks[f[0]], f[1]+"|"+f[2]+"|"+f[3]+"|"+f[4])
		}
		for _, parts := range fks {
			var from, to []string
			var ref, del string
			for _, p := range parts {
				x := strings.Split(p, "|")
				ref, del = x[0], x[3]
				from, to = append(from, x[1]), append(to, x[2])
			}
			if to[0] == "" { // REFERENCES t without columns: its primary key
				to = []string{"(primary key)"}
			}
			tb.Foreign = append(tb.Foreign, fmt.Sprintf("(%s) → %s(%s) on delete %s", strings.Join(from, ","), ref, strings.Join(to, ","), del))
		}
		for _, ix := range rows(t, d, `SELECT name, "unique", origin, partial FROM pragma_index_list($1)`, name) {
			if ix[2] == "pk" {
				continue
			}
			var cols []string
			for _, c := range rows(t, d, `SELECT name FROM pragma_index_info($1) ORDER BY seqno`, ix[0]) {
				cols = append(cols, c[0])
			}
			tb.Indexes = append(tb.Indexes, indexString(cols, ix[1] == "1", ix[3] == "1"))
		}
		s[name] = tb
	}
	return s
}

func indexString(cols []string, unique, partial bool) string {
	s := "(" + strings.Join(cols, ",") + ")"
	if unique {
		s = "unique " + s
	}
	if partial {
		s += " partial"
	}
	return s
}

func readPostgres(t *testing.T, d *db.DB) schema {
	s := schema{}
	for _, r := range rows(t, d, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
		AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'`) {
		name := r[0]
		tb := &table{Columns: map[string]string{}}
		for _, c := range rows(t, d, `SELECT column_name, data_type, is_nullable FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1`, name) {
			null := "null"
			if c[2] == "NO" {
				null = "not null"
			}
			tb.Columns[c[0]] = postgresClass(c[1]) + " " + null
		}
		rel := `(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = $1)`
		for _, k := range rows(t, d, `SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM pg_index i
			CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
			WHERE i.indrelid = `+rel+` AND i.indisprimary`, name) {
			tb.Primary = k[0]
		}
		for _, f := range rows(t, d, `SELECT con.oid,
			(SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
			ref.relname,
			(SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum),
			con.confdeltype,
			(SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM pg_index pi
				CROSS JOIN LATERAL unnest(pi.indkey) WITH ORDINALITY AS k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = pi.indrelid AND a.attnum = k.attnum
				WHERE pi.indrelid = con.confrelid AND pi.indisprimary)
			FROM pg_constraint con JOIN pg_class ref ON ref.oid = con.confrelid
			WHERE con.contype = 'f' AND con.conrelid = `+rel, name) {
			to := f[3]
			if to == f[5] { // the referenced table's primary key, as SQLite may leave it unnamed
				to = "(primary key)"
			}
			tb.Foreign = append(tb.Foreign, fmt.Sprintf("(%s) → %s(%s) on delete %s", f[1], f[2], to, onDelete[f[4]]))
		}
		for _, ix := range rows(t, d, `SELECT i.indisunique, i.indpred IS NOT NULL,
			(SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)
			FROM pg_index i WHERE i.indrelid = `+rel+` AND NOT i.indisprimary`, name) {
			tb.Indexes = append(tb.Indexes, indexString(strings.Split(ix[2], ","), ix[0] == "true", ix[1] == "true"))
		}
		s[name] = tb
	}
	return s
}

// normalise lets an SQLite foreign key that names the referenced columns
// and one that leaves them to the primary key compare equal.
func (s schema) normalise() {
	for _, tb := range s {
		for i, f := range tb.Foreign {
			for ref, rt := range s {
				if rt.Primary != "" {
					f = strings.Replace(f, "→ "+ref+"("+rt.Primary+")", "→ "+ref+"((primary key))", 1)
				}
			}
			tb.Foreign[i] = f
		}
		slices.Sort(tb.Foreign)
		slices.Sort(tb.Indexes)
	}
}

// TestSchemasAlike: the two dialects' migrations, written apart, give the
// same tables — every column with its type (mapped between dialects) and
// nullability, the primary and foreign keys and the indexes — so they
// cannot drift without this test saying where. It also drifts a copy on
// purpose, to show it would see it.
func TestSchemasAlike(t *testing.T) {
	lite := dbtest.OpenSQLite(t)
	pg := readPostgres(t, dbtest.OpenPostgres(t))
	pg.normalise()
	ls := readSQLite(t, lite)
	ls.normalise()
	if len(ls) < 40 {
		t.Fatalf("only %d tables read", len(ls))
	}
	for _, d := range compare(ls, pg) {
		t.Error(d)
	}
	var cols, fks, ixs int
	for _, tb := range pg {
		cols, fks, ixs = cols+len(tb.Columns), fks+len(tb.Foreign), ixs+len(tb.Indexes)
	}
	t.Logf("%d tables, %d columns, %d foreign keys, %d indexes alike", len(pg), cols, fks, ixs)
	if fks < 30 || ixs < 30 {
		t.Errorf("the keys and indexes were not read: %d foreign keys, %d indexes", fks, ixs)
	}
	for _, q := range []string{
		`ALTER TABLE users ADD COLUMN nickname TEXT`,
		`CREATE INDEX users_email ON users(email)`,
		`DROP INDEX audit_log_unit`,
		`CREATE TABLE stray (id INTEGER PRIMARY KEY)`,
	} {
		if _, err := lite.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	drifted := readSQLite(t, lite)
	drifted.normalise()
	if got := compare(drifted, pg); len(got) != 4 {
		t.Errorf("a drifted schema gives %d differences, want 4: %q", len(got), got)
	}
}

// compare lists every difference between the schemas.
func compare(lite, pg schema) []string {
	var out []string
	names := map[string]bool{}
	for k := range lite {
		names[k] = true
	}
	for k := range pg {
		names[k] = true
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		l, p := lite[name], pg[name]
		switch {
		case l == nil:
			out = append(out, fmt.Sprintf("table %s is only in PostgreSQL", name))
			continue
		case p == nil:
			out = append(out, fmt.Sprintf("table %s is only in SQLite", name))
			continue
		}
		for _, col := range slices.Sorted(maps.Keys(l.Columns)) {
			if pc, ok := p.Columns[col]; !ok {
				out = append(out, fmt.Sprintf("%s.%s is only in SQLite", name, col))
			} else if lc := l.Columns[col]; pc != lc {
				out = append(out, fmt.Sprintf("%s.%s is %s in SQLite but %s in PostgreSQL", name, col, lc, pc))
			}
		}
		for _, col := range slices.Sorted(maps.Keys(p.Columns)) {
			if _, ok := l.Columns[col]; !ok {
				out = append(out, fmt.Sprintf("%s.%s is only in PostgreSQL", name, col))
			}
		}
		if l.Primary != p.Primary {
			out = append(out, fmt.Sprintf("%s: primary key (%s) in SQLite, (%s) in PostgreSQL", name, l.Primary, p.Primary))
		}
		if !slices.Equal(l.Foreign, p.Foreign) {
			out = append(out, fmt.Sprintf("%s: foreign keys differ:\n  SQLite     %q\n  PostgreSQL %q", name, l.Foreign, p.Foreign))
		}
		if !slices.Equal(l.Indexes, p.Indexes) {
			out = append(out, fmt.Sprintf("%s: indexes differ:\n  SQLite     %q\n  PostgreSQL %q", name, l.Indexes, p.Indexes))
		}
	}
	return out
}
