// Package network is the DX network of a province down to its villages:
// the community digital technology teams (Tổ công nghệ số cộng đồng), set
// up by decision of a commune chair in a village or residential group, with
// their status over time, their members (people of the people feature, so
// that their training counts), the activities they log, the organisations
// and businesses taking part in the network, and the coverage of all this
// for any unit of the tree on any date.
package network

import (
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/enum"
)

// Status is where a team stands over a period.
type Status string

// The statuses. A dissolved team stays dissolved.
const (
	Active    Status = "active"    // đang hoạt động
	Suspended Status = "suspended" // tạm dừng
	Dissolved Status = "dissolved" // giải thể
)

// Statuses lists them in display order.
var Statuses = []Status{Active, Suspended, Dissolved}

// Enum lists the values for the API's document.
func (Status) Enum() []string { return enum.Of(Statuses...) }

// Role is a member's place in a team.
type Role string

// The roles.
const (
	Leader Role = "leader" // tổ trưởng
	Deputy Role = "deputy" // tổ phó
	Member Role = "member" // thành viên
)

// Roles lists them in display order.
var Roles = []Role{Leader, Deputy, Member}

// Enum lists the values for the API's document.
func (Role) Enum() []string { return enum.Of(Roles...) }

// Affiliation is whom a member comes from.
type Affiliation string

// The affiliations named by the provincial plans.
const (
	VillageHead Affiliation = "village_head" // trưởng thôn, tổ trưởng tổ dân phố
	Police      Affiliation = "police"       // công an
	YouthUnion  Affiliation = "youth_union"  // Đoàn Thanh niên
	WomenUnion  Affiliation = "women_union"  // Hội Liên hiệp Phụ nữ
	Veterans    Affiliation = "veterans"     // Hội Cựu chiến binh
	PostOffice  Affiliation = "post_office"  // bưu điện
	Telecom     Affiliation = "telecom"      // doanh nghiệp viễn thông
	Volunteer   Affiliation = "volunteer"    // tình nguyện viên
	OtherAffil  Affiliation = "other"
)

// Affiliations lists them in display order.
var Affiliations = []Affiliation{VillageHead, Police, YouthUnion, WomenUnion, Veterans, PostOffice, Telecom, Volunteer, OtherAffil}

// Enum lists the values for the API's document.
func (Affiliation) Enum() []string { return enum.Of(Affiliations...) }

// Kind is what an activity was about.
type Kind string

// The kinds of activity.
const (
	PublicServices Kind = "public_services" // hướng dẫn dịch vụ công trực tuyến
	DigitalID      Kind = "vneid"           // kích hoạt định danh điện tử VNeID
	Cashless       Kind = "cashless"        // thanh toán không dùng tiền mặt
	ECommerce      Kind = "ecommerce"       // thương mại điện tử
	Training       Kind = "training"        // tập huấn kỹ năng số
	Awareness      Kind = "awareness"       // tuyên truyền
	OtherKind      Kind = "other"
)

// Kinds lists them in display order.
var Kinds = []Kind{PublicServices, DigitalID, Cashless, ECommerce, Training, Awareness, OtherKind}

// Enum lists the values for the API's document.
func (Kind) Enum() []string { return enum.Of(Kinds...) }

// OrgKind is what a network member organisation is.
type OrgKind string

// The kinds of network member.
const (
	OrgTelecom     OrgKind = "telecom"     // doanh nghiệp viễn thông
	OrgPost        OrgKind = "post"        // bưu chính
	OrgIT          OrgKind = "it_firm"     // doanh nghiệp công nghệ
	OrgBank        OrgKind = "bank"        // ngân hàng
	OrgSchool      OrgKind = "school"      // trường học
	OrgAssociation OrgKind = "association" // hội, đoàn thể
	OrgOther       OrgKind = "other"
)

// OrgKinds lists them in display order.
var OrgKinds = []OrgKind{OrgTelecom, OrgPost, OrgIT, OrgBank, OrgSchool, OrgAssociation, OrgOther}

// Enum lists the values for the API's document.
func (OrgKind) Enum() []string { return enum.Of(OrgKinds...) }

// Team is a community digital technology team.
type Team struct {
	ID             int64     `json:"id"`
	UnitID         int64     `json:"unit_id"` // the village (or commune) it serves
	Name           string    `json:"name"`
	DecisionNumber string    `json:"decision_number"` // the commune chair's decision
	DecisionDate   day.Day   `json:"decision_date"`
	Signer         string    `json:"signer"`
	DecisionFileID int64     `json:"decision_file_id,omitempty"`
	Established    day.Day   `json:"established"`
	Note           string    `json:"note"`
	CreatedAt      time.Time `json:"created_at"`
}

// StatusPeriod is a team's status over [From, To).
type StatusPeriod struct {
	ID       int64   `json:"id"`
	TeamID   int64   `json:"team_id"`
	Status   Status  `json:"status"`
	From     day.Day `json:"valid_from"`
	To       day.Day `json:"valid_to"`
	Decision string  `json:"decision"`
	Note     string  `json:"note"`
}

// Membership is a person's place in a team over [From, To).
type Membership struct {
	ID          int64       `json:"id"`
	TeamID      int64       `json:"team_id"`
	PersonID    int64       `json:"person_id"`
	Role        Role        `json:"role"`
	Affiliation Affiliation `json:"affiliation"`
	Phone       string      `json:"phone"`
	From        day.Day     `json:"valid_from"`
	To          day.Day     `json:"valid_to"`
	Note        string      `json:"note"`
}

// Activity is what a team did on a day.
type Activity struct {
	ID           int64      `json:"id"`
	TeamID       int64      `json:"team_id"`
	Date         day.Day    `json:"date"`
	Kind         Kind       `json:"kind"`
	Place        string     `json:"place"`
	PeopleHelped int        `json:"people_helped"`
	Note         string     `json:"note"`
	PhotoID      int64      `json:"photo_file_id,omitempty"`
	LoggedBy     int64      `json:"logged_by,omitempty"`
	LoggedAt     time.Time  `json:"logged_at"`
	VoidedAt     *time.Time `json:"voided_at,omitempty"`
	VoidReason   string     `json:"void_reason,omitempty"`
}

// Org is an organisation or business in a unit's DX network.
type Org struct {
	ID           int64     `json:"id"`
	UnitID       int64     `json:"unit_id"` // whose network (a province, a commune)
	Name         string    `json:"name"`
	Kind         OrgKind   `json:"kind"`
	Contribution string    `json:"contribution"`
	Contact      string    `json:"contact"`
	Phone        string    `json:"phone"`
	From         day.Day   `json:"valid_from"`
	To           day.Day   `json:"valid_to"`
	AreaIDs      []int64   `json:"area_unit_ids"` // where it contributes
	CreatedAt    time.Time `json:"created_at"`
}
