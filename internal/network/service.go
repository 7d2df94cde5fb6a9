package network

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/partread"
	"github.com/mangluoi/mangluoi/internal/people"
)

// Service keeps the teams, their members and activities, and the network's
// organisations. Every method takes the acting user and checks their scope
// against the unit tree.
type Service struct {
	db    *db.DB
	org   *org.Service
	audit *audit.Log
	files *files.Store
	now   func() time.Time

	idx   index
	cache resultCache
	// parts are the indexes of parts of the tree read while idx is first
	// read (scoped.go)
	parts partread.Reads[scopeKey, *index]
}

// NewService makes the service.
func NewService(d *db.DB, o *org.Service, log *audit.Log, f *files.Store, now func() time.Time) *Service {
	d.Follow(networkGeneration, `SELECT seq FROM network_state WHERE id = 1`)
	d.Follow(people.Generation, `SELECT generation FROM people_state WHERE id = 1`)
	return &Service{db: d, org: o, audit: log, files: f, now: now}
}

// networkGeneration names the network registers' change sequence among the
// generations db.Generation reads.
const networkGeneration = "network"

// Upload is an evidence file sent with a form or an API call (a team's
// founding decision, an activity's photo).
type Upload struct {
	Name string
	Body interface{ Read([]byte) (int, error) }
}

// today is the current date in Vietnam.
func (s *Service) today() day.Day { return s.org.Today() }

// write runs fn in a transaction that first takes the next network
// sequence number (which every row fn writes carries, and whose row lock
// serialises network writers), then writes fn's audit entries with it.
func (s *Service) write(ctx context.Context, actor *auth.Actor, fn func(tx *sql.Tx, seq int64) ([]audit.Entry, error)) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var seq int64
		if err := tx.QueryRowContext(ctx, `UPDATE network_state SET seq = seq + 1 WHERE id = 1 RETURNING seq`).Scan(&seq); err != nil {
			return fmt.Errorf("network sequence: %w", err)
		}
		entries, err := fn(tx, seq)
		if err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), entries...)
	})
}

func entry(action, entity string, id, unit int64, before, after any) audit.Entry {
	return audit.Entry{Action: action, Entity: entity, EntityID: fmt.Sprint(id), UnitID: unit, Before: before, After: after}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func oneOrList(bad []*errs.Error) error {
	switch len(bad) {
	case 0:
		return nil
	case 1:
		return bad[0]
	}
	return errs.List("err.form", bad)
}

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if v == x {
			return true
		}
	}
	return false
}

// tooLong checks a free-text field's length in characters.
func tooLong(bad []*errs.Error, v string, max, row int, field string) []*errs.Error {
	if utf8.RuneCountInString(v) > max {
		bad = append(bad, errs.Invalidf("network.err.too_long", "Max", max).At(row, field))
	}
	return bad
}

// validPhone accepts Vietnamese and international numbers with dots,
// dashes or spaces: 0905 123 456, +84 905.123.456.
func validPhone(p string) bool {
	p = strings.TrimPrefix(p, "+")
	digits := 0
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' || r == '-' || r == ' ':
		default:
			return false
		}
	}
	return digits >= 8 && digits <= 15
}

// cleanPhone drops the spaces of a phone number.
func cleanPhone(p string) string { return strings.Join(strings.Fields(p), "") }

// notFuture refuses a date after today: what is recorded has happened.
func (s *Service) notFuture(bad []*errs.Error, d day.Day, row int, field string) []*errs.Error {
	if !d.IsZero() && d.After(s.today()) {
		bad = append(bad, errs.Invalidf("network.err.future", "Date", s.today().VN()).At(row, field))
	}
	return bad
}

// scoped returns the actor's tree, refusing anyone who may not read.
func (s *Service) scoped(ctx context.Context, actor *auth.Actor) (*org.Scoped, error) {
	return s.org.For(ctx, actor)
}

// writableUnit checks the actor may enter data for unit id, in force on d.
func (s *Service) writableUnit(ctx context.Context, actor *auth.Actor, id int64, d day.Day, field string) (*org.Scoped, *org.Version, error) {
	if !actor.Can(auth.PermEnterData) {
		return nil, nil, errs.ForbiddenErr()
	}
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	if id == 0 {
		return nil, nil, errs.Invalidf("import.err.required").At(0, field)
	}
	if !t.Exists(id) {
		return nil, nil, errs.Invalidf("org.err.unknown_unit", "ID", id).At(0, field)
	}
	if err := t.Check(id); err != nil {
		return nil, nil, err
	}
	v := t.At(id, d)
	if v == nil {
		return nil, nil, errs.Invalidf("org.err.not_in_force", "Name", t.Latest(id).Name, "Date", d.VN()).At(0, field)
	}
	return t, v, nil
}

// checkUpload reads an evidence file, naming the form field if it is bad.
func checkUpload(u *Upload, field string) (data []byte, ctype string, err error) {
	if u == nil {
		return nil, "", nil
	}
	data, ctype, err = files.Check(u.Name, u.Body, files.Evidence)
	if e, ok := errs.As(err); ok {
		e.Field = field
	}
	return data, ctype, err
}

// Label is a coded value's label in Vietnamese and English, for the
// spreadsheets (the pages use the catalogue).
type label [2]string

func (l label) in(lang string) string {
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

var (
	statusLabels = map[Status]label{Active: {"Đang hoạt động", "Active"}, Suspended: {"Tạm dừng", "Suspended"}, Dissolved: {"Giải thể", "Dissolved"}}
	roleLabels   = map[Role]label{Leader: {"Tổ trưởng", "Leader"}, Deputy: {"Tổ phó", "Deputy"}, Member: {"Thành viên", "Member"}}
	affilLabels  = map[Affiliation]label{
		VillageHead: {"Trưởng thôn, tổ dân phố", "Village head"}, Police: {"Công an", "Police"},
		YouthUnion: {"Đoàn Thanh niên", "Youth union"}, WomenUnion: {"Hội Liên hiệp Phụ nữ", "Women's union"},
		Veterans: {"Hội Cựu chiến binh", "Veterans"}, PostOffice: {"Bưu điện", "Post office"},
		Telecom: {"Doanh nghiệp viễn thông", "Telecom company"}, Volunteer: {"Tình nguyện viên", "Volunteer"}, OtherAffil: {"Khác", "Other"}}
	kindLabels = map[Kind]label{
		PublicServices: {"Hướng dẫn dịch vụ công trực tuyến", "Online public services"}, DigitalID: {"Kích hoạt định danh điện tử (VNeID)", "Digital ID (VNeID)"},
		Cashless: {"Thanh toán không dùng tiền mặt", "Cashless payment"}, ECommerce: {"Thương mại điện tử", "E-commerce"},
		Training: {"Tập huấn kỹ năng số", "Digital skills training"}, Awareness: {"Tuyên truyền", "Awareness event"}, OtherKind: {"Khác", "Other"}}
	genderLabels = map[string]label{"male": {"Nam", "Male"}, "female": {"Nữ", "Female"}}
)

// AffiliationLabel is an affiliation's Vietnamese name, the title a new
// member's person record gets.
func AffiliationLabel(a Affiliation) string { return affilLabels[a][0] }

// decode reads a coded cell: the code, or its label in either language
// (without case, diacritics or punctuation).
func decode[K ~string](m map[K]label, v string) (K, bool) {
	f := headerKey(v)
	for k, l := range m {
		if f == headerKey(string(k)) || f == headerKey(l[0]) || f == headerKey(l[1]) {
			return k, true
		}
	}
	return "", false
}

func labelsOf[K ~string](m map[K]label, order []K, lang string) []string {
	out := make([]string, len(order))
	for i, k := range order {
		out[i] = m[k].in(lang)
	}
	return out
}
