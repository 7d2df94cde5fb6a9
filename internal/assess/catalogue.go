package assess

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
)

// The families of the national indices shipped with mangluoi.
const (
	DTIFamily      = "DTI-TINH" // provinces
	MinistryFamily = "DTI-BO"   // ministries
)

// shipped holds the national frameworks as their issuers published them,
// one file per version (see frameworks/README.md).
//
//go:embed frameworks/*.json
var shipped embed.FS

// dataFile is the layout of a shipped framework file.
type dataFile struct {
	Family   string   `json:"family"`
	Level    Level    `json:"level"`
	NameVI   string   `json:"name_vi"`
	NameEN   string   `json:"name_en"`
	Basis    string   `json:"basis"`
	YearFrom int      `json:"year_from"`
	YearTo   int      `json:"year_to"`
	Total    *float64 `json:"total"`
	Sources  []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		URL   string `json:"url"`
		Says  string `json:"says"`
	} `json:"sources"`
	Note  string     `json:"note"`
	Nodes []dataNode `json:"nodes"`
}

type dataNode struct {
	Code       string     `json:"code"`
	Kind       NodeKind   `json:"kind"`
	NameVI     string     `json:"name_vi"`
	NameEN     string     `json:"name_en"`
	Max        *float64   `json:"max"`
	Method     Method     `json:"method"`
	Indicator  string     `json:"indicator"`
	Thresholds string     `json:"thresholds"`
	Lo         *float64   `json:"lo"`
	Hi         *float64   `json:"hi"`
	Guidance   string     `json:"guidance"`
	Collection Collection `json:"collection"`
	Continues  string     `json:"continues"`
	Sources    []string   `json:"sources"`
	Note       string     `json:"note"`
	ToFill     []Field    `json:"to_fill"`
	Children   []dataNode `json:"children"`
}

// ShippedDefs reads the shipped framework files, oldest first within a
// family.
func ShippedDefs() ([]*Def, error) {
	names, err := fs.Glob(shipped, "frameworks/*.json")
	if err != nil {
		return nil, err
	}
	var out []*Def
	for _, name := range names {
		data, err := shipped.ReadFile(name)
		if err != nil {
			return nil, err
		}
		d, err := parseDataFile(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Family != out[j].Family {
			return out[i].Family < out[j].Family
		}
		return out[i].YearFrom < out[j].YearFrom
	})
	return out, nil
}

func parseDataFile(data []byte) (*Def, error) {
	var f dataFile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	titles := map[string]string{}
	var prov []string
	for _, s := range f.Sources {
		titles[s.ID] = s.Title
		prov = append(prov, fmt.Sprintf("[%s] %s — %s (%s)", s.ID, s.Title, s.Says, s.URL))
	}
	if f.Note != "" {
		prov = append(prov, f.Note)
	}
	d := &Def{Family: f.Family, NameVI: f.NameVI, NameEN: f.NameEN, Basis: f.Basis, Level: f.Level, YearFrom: f.YearFrom, YearTo: f.YearTo,
		Total: f.Total, Provenance: strings.Join(prov, "\n")}
	var add func(ns []dataNode, parent string) error
	add = func(ns []dataNode, parent string) error {
		for _, n := range ns {
			var cites []string
			for _, id := range n.Sources {
				t, ok := titles[id]
				if !ok {
					return fmt.Errorf("%s cites %q, which is not in sources", n.Code, id)
				}
				cites = append(cites, fmt.Sprintf("[%s] %s", id, t))
			}
			if len(cites) == 0 {
				return fmt.Errorf("%s has no source", n.Code)
			}
			p := "Nguồn: " + strings.Join(cites, "; ")
			if n.Note != "" {
				p += ". " + n.Note
			}
			d.Rows = append(d.Rows, DefRow{Code: n.Code, Parent: parent, Kind: n.Kind, NameVI: n.NameVI, NameEN: n.NameEN, Max: n.Max,
				Method: n.Method, Indicator: n.Indicator, Thresholds: n.Thresholds, Lo: n.Lo, Hi: n.Hi, Guidance: n.Guidance,
				Collection: n.Collection, Continues: n.Continues, Provenance: p, ToFill: n.ToFill})
			if err := add(n.Children, n.Code); err != nil {
				return err
			}
		}
		return nil
	}
	return d, add(f.Nodes, "")
}

// EnsureFrameworks ships the national frameworks (published, owned by the
// nation) that are not in the database yet: a file is there once its
// family has a version for its first year.
func (s *Service) EnsureFrameworks(ctx context.Context, root int64) error {
	defs, err := ShippedDefs()
	if err != nil {
		return err
	}
	actor := auth.SystemActor("catalogue", root)
	for _, d := range defs {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM frameworks WHERE family = $1 AND year_from = $2`, d.Family, d.YearFrom).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		f, bad := s.build(ctx, actor, d, true)
		if len(bad) > 0 {
			return fmt.Errorf("shipped framework %s %d: %w", d.Family, d.YearFrom, errs.List("import.err.rows", bad))
		}
		now := s.now().UTC()
		f.OwnerUnitID, f.Status, f.CreatedAt, f.UpdatedAt = root, "published", now, now
		if err := s.db.Tx(ctx, func(tx *sql.Tx) error { return s.storeBuilt(ctx, tx, actor.Who(), f) }); err != nil {
			return err
		}
	}
	return nil
}
