package app_test

import (
	"context"
	"encoding/json"
	"sort"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
)

// TestAuditFieldsHaveLabels: the audit page shows what a record changed
// field by field, each field by its label (issue 12: "audit details shown
// as readable changes"). Every field that the demo's writes record — the
// tree, people, the network, plans and their reports, indicators, forms,
// targets, assessments, files, accounts — has a label in Vietnamese and in
// English, so none is shown as its stored key.
func TestAuditFieldsHaveLabels(t *testing.T) {
	s := apptest.StartSQLite(t)
	rows, err := s.DB.QueryContext(context.Background(), `SELECT action, before_json, after_json FROM audit_log`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]string{} // field → an action that recorded it
	for rows.Next() {
		var action, before, after string
		if err := rows.Scan(&action, &before, &after); err != nil {
			t.Fatal(err)
		}
		for _, doc := range []string{before, after} {
			var m map[string]any
			if json.Unmarshal([]byte(doc), &m) != nil {
				continue
			}
			for k := range m {
				if _, ok := seen[k]; !ok {
					seen[k] = action
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) < 50 {
		t.Fatalf("the demo's audit log records only %d fields", len(seen))
	}
	for _, lang := range []string{"vi", "en"} {
		keys := s.Catalog.Keys(lang)
		var missing []string
		for k, action := range seen {
			if !keys["field."+k] {
				missing = append(missing, k+" ("+action+")")
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s: %d audited fields have no label (field.<key>): %v", lang, len(missing), missing)
		}
	}
}
