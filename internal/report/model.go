// Package report writes the periodic report a province, a department or a
// commune sends its steering committee and the level above: drafted from
// the live figures of the other features as of the period's end (the
// apparatus and Decision 1690's targets, the DX network, the plans' tasks,
// the key indicators, the last assessment), with prose the writer edits
// around live fields; laid out as Decree 30/2020/NĐ-CP (Annex I) asks and
// written as DOCX and PDF, with XLSX annexes; issued with a number, a date
// and a signer, which freezes its figures and files and records their hash
// in the audit log; and seen by the level above beside the reports its
// units have not sent.
package report

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/enum"
	"github.com/mangluoi/mangluoi/internal/errs"
	"golang.org/x/text/unicode/norm"
)

// Kind is what a report is about.
type Kind string

// The kinds.
const (
	// Review is the review of a period's work on digital transformation
	// (báo cáo sơ kết, tổng kết): every section.
	Review Kind = "review"
	// Apparatus is the thematic report on Decision 1690/QĐ-TTg: the
	// apparatus, its people and training, the DX network and the plans
	// that implement the decision.
	Apparatus Kind = "apparatus"
)

// Kinds lists them.
var Kinds = []Kind{Review, Apparatus}

// Enum lists the values for the API's document.
func (Kind) Enum() []string { return enum.Of(Kinds...) }

// Status is where a report stands.
type Status string

// The statuses. Only a draft changes; an issued report is frozen, and a
// later report may supersede it (it stays as signed).
const (
	Draft      Status = "draft"
	Issued     Status = "issued"
	Superseded Status = "superseded"
)

// Enum lists the values for the API's document.
func (Status) Enum() []string { return enum.Of(Draft, Issued, Superseded) }

// Heading is what the first lines and the last block of the document say:
// who issues it, its symbol and place, who signs and who receives it.
type Heading struct {
	Parent     string `json:"parent"`     // the issuing body's parent (cơ quan chủ quản), may be empty
	Issuer     string `json:"issuer"`     // the issuing body; a line break where the name wraps
	Symbol     string `json:"symbol"`     // BC-UBND
	Place      string `json:"place"`      // Gia Lai
	Authority  string `json:"authority"`  // TM. ỦY BAN NHÂN DÂN; KT. CHỦ TỊCH…
	Position   string `json:"position"`   // CHỦ TỊCH, PHÓ CHỦ TỊCH, GIÁM ĐỐC
	Signer     string `json:"signer"`     // the signer's full name
	Recipients string `json:"recipients"` // one recipient a line; the last is "Lưu: VT, …"
}

// Sections are the prose of a report, one text per part, in which {field}
// stands for a live figure (see Fields).
type Sections struct {
	Opening    string `json:"opening"`
	Apparatus  string `json:"apparatus"`
	Network    string `json:"network"`
	Plans      string `json:"plans"`
	Indicators string `json:"indicators"`
	Assessment string `json:"assessment"`
	Issues     string `json:"issues"`     // II. Tồn tại, hạn chế
	Directions string `json:"directions"` // III. Phương hướng, nhiệm vụ kỳ tới
	Proposals  string `json:"proposals"`  // IV. Kiến nghị, đề xuất
}

// sectionKeys are the sections in document order, with a pointer to each
// text: the one list every form, check and renderer walks.
func (s *Sections) each() []struct {
	Key  string
	Text *string
} {
	return []struct {
		Key  string
		Text *string
	}{{"opening", &s.Opening}, {"apparatus", &s.Apparatus}, {"network", &s.Network}, {"plans", &s.Plans},
		{"indicators", &s.Indicators}, {"assessment", &s.Assessment}, {"issues", &s.Issues}, {"directions", &s.Directions},
		{"proposals", &s.Proposals}}
}

// Has reports whether a kind of report has a section.
func (k Kind) Has(section string) bool {
	if k == Apparatus {
		return section != "indicators" && section != "assessment"
	}
	return true
}

// Report is a stored report.
type Report struct {
	ID       int64    `json:"id"`
	UnitID   int64    `json:"unit_id"`
	UnitName string   `json:"unit_name"`
	Kind     Kind     `json:"kind"`
	Period   Period   `json:"period"`
	Title    string   `json:"title"` // trích yếu
	Heading  Heading  `json:"heading"`
	Sections Sections `json:"sections"`
	Status   Status   `json:"status"`
	// Number and IssuedOn are given when issued.
	Number   int     `json:"number,omitempty"`
	IssuedOn day.Day `json:"issued_on,omitzero"`
	// Supersedes is the issued report this one replaces (when issued);
	// SupersededBy the one that replaced it.
	Supersedes   int64 `json:"supersedes_id,omitempty"`
	SupersededBy int64 `json:"superseded_by_id,omitempty"`
	// ContentSHA256 is the hash of the frozen document (its figures and
	// text) recorded in the audit entry of issue, AuditSeq and AuditHash
	// that entry's place in the chain, printed in the files' footer.
	ContentSHA256 string     `json:"content_sha256,omitempty"`
	AuditSeq      int64      `json:"audit_seq,omitempty"`
	AuditHash     string     `json:"audit_hash,omitempty"`
	Files         []FileInfo `json:"files"`
	CreatedBy     int64      `json:"created_by,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	IssuedBy      int64      `json:"issued_by,omitempty"`
	IssuedAt      *time.Time `json:"issued_at,omitempty"`
}

// NumberText is the number and symbol as the document writes it:
// "125/BC-UBND"; a number under 10 gets a leading zero (Decree 30).
func (r Report) NumberText() string {
	if r.Number == 0 {
		return "/" + r.Heading.Symbol
	}
	n := strconv.Itoa(r.Number)
	if r.Number < 10 {
		n = "0" + n
	}
	return n + "/" + r.Heading.Symbol
}

// Frozen reports whether the report may no longer change.
func (r Report) Frozen() bool { return r.Status != Draft }

// FileInfo describes a stored file of an issued report.
type FileInfo struct {
	Kind        string `json:"kind"` // docx, pdf, xlsx
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	SHA256      string `json:"sha256"`
}

// The file kinds, their content types and extensions.
const (
	FileDOCX = "docx"
	FilePDF  = "pdf"
	FileXLSX = "xlsx"
)

// ContentTypes maps a file kind to its content type.
var ContentTypes = map[string]string{
	FileDOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	FilePDF:  "application/pdf",
	FileXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// Bounds of what a writer types.
const (
	MaxTitle   = 500   // the title (trích yếu) and each heading line
	MaxSection = 20000 // one section's prose
	MaxLines   = 40    // lines of the recipients
)

// Input creates a draft: a unit, a kind and a period.
type Input struct {
	UnitID int64  `json:"unit_id"`
	Kind   Kind   `json:"kind"`
	Period string `json:"period"` // 2026-H1, 2026-Q3, 2026-9M, 2026, or yyyy-mm-dd..yyyy-mm-dd
	Cutoff Cutoff `json:"cutoff"` // calendar (default) or decree09
	// Supersedes names an issued report of the unit that this one will
	// replace once issued.
	Supersedes int64 `json:"supersedes_id,omitempty"`
}

// Update changes a draft. Empty texts are left as they are, except the
// sections, which are set whole when given.
type Update struct {
	Title    *string   `json:"title,omitempty"`
	Heading  *Heading  `json:"heading,omitempty"`
	Sections *Sections `json:"sections,omitempty"`
	// Pick adds the proposals of these task reports (by id) to section IV.
	Pick []int64 `json:"pick_proposals,omitempty"`
}

// IssueInput issues a draft.
type IssueInput struct {
	Number    int     `json:"number"`
	Date      day.Day `json:"date"`
	Signer    string  `json:"signer"`
	Position  string  `json:"position,omitempty"`  // default: the draft's
	Authority string  `json:"authority,omitempty"` // default: the draft's
}

// cleanText puts prose into its stored form (NFC, Unix line ends, no
// trailing spaces) and refuses control characters and text over max
// characters, naming the field.
func cleanText(s string, max int, field string, multiline bool) (string, *errs.Error) {
	if !utf8.ValidString(s) {
		return "", errs.Invalidf("report.err.control", "Field", field).At(0, field)
	}
	s = norm.NFC.String(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	for _, r := range s {
		if r == '\n' && multiline || r == '\t' {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufffd' {
			return "", errs.Invalidf("report.err.control", "Field", field).At(0, field)
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", errs.Invalidf("report.err.too_long", "Count", n, "Max", max).At(0, field)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(strings.ReplaceAll(l, "\t", " "), " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n "), nil
}
