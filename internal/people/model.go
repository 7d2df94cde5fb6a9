// Package people is the DX apparatus of every unit and the people in it:
// steering committees and their members, the sub-unit that holds a unit's
// DX function, the people who do DX work (dedicated or concurrent, or a
// vacancy where the quota is not filled), where each person works over time
// (rotations), their training, and how far each unit is from the targets of
// Decision 1690/QĐ-TTg.
package people

import (
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/enum"
)

// Employment is a person's employment relation.
type Employment string

// The employment relations of Vietnamese public service.
const (
	CivilServant   Employment = "civil_servant"   // công chức
	PublicEmployee Employment = "public_employee" // viên chức
	Contract       Employment = "contract"        // hợp đồng lao động
	OtherEmploy    Employment = "other"
)

// Employments lists them in display order.
var Employments = []Employment{CivilServant, PublicEmployee, Contract, OtherEmploy}

// Enum lists the values for the API's document.
func (Employment) Enum() []string { return enum.Of(Employments...) }

// QualLevel is the level of a person's highest qualification.
type QualLevel string

// The qualification levels.
const (
	QualNone       QualLevel = "none"
	QualVocational QualLevel = "vocational" // trung cấp
	QualCollege    QualLevel = "college"    // cao đẳng
	QualBachelor   QualLevel = "bachelor"   // đại học
	QualMaster     QualLevel = "master"     // thạc sĩ
	QualDoctor     QualLevel = "doctor"     // tiến sĩ
)

// QualLevels lists them in display order.
var QualLevels = []QualLevel{QualNone, QualVocational, QualCollege, QualBachelor, QualMaster, QualDoctor}

// Enum lists the values for the API's document.
func (QualLevel) Enum() []string { return enum.Of(QualLevels...) }

// Person is someone who does, leads or oversees DX work.
type Person struct {
	ID         int64      `json:"id"`
	FullName   string     `json:"full_name"`
	Gender     string     `json:"gender"` // "male", "female" or ""
	BirthYear  int        `json:"birth_year,omitempty"`
	Title      string     `json:"title"` // position, e.g. "Công chức Văn phòng - Thống kê"
	Phone      string     `json:"phone,omitempty"`
	Email      string     `json:"email,omitempty"`
	Employment Employment `json:"employment"`
	QualLevel  QualLevel  `json:"qualification_level"`
	QualField  string     `json:"qualification_field"`
	QualIT     bool       `json:"qualification_it"` // the qualification is in IT / DX
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	// ContactHidden is set when the reader's scope does not cover the
	// person's current unit: phone and e-mail are then left out.
	ContactHidden bool `json:"contact_hidden,omitempty"`
}

// PostingKind says how a posting began.
type PostingKind string

// The kinds of posting.
const (
	PostingInitial  PostingKind = "initial"
	PostingRotation PostingKind = "rotation" // luân chuyển
	PostingTransfer PostingKind = "transfer" // điều động
)

// Posting is where a person works over [From, To).
type Posting struct {
	ID       int64       `json:"id"`
	PersonID int64       `json:"person_id"`
	UnitID   int64       `json:"unit_id"`
	From     day.Day     `json:"valid_from"`
	To       day.Day     `json:"valid_to"`
	Kind     PostingKind `json:"kind"`
	Decision string      `json:"decision"`
	Reason   string      `json:"reason"`
}

// RoleKind is a DX role in a unit.
type RoleKind string

// The DX roles.
const (
	RoleLeader RoleKind = "leader" // lãnh đạo phụ trách CĐS
	RoleFocal  RoleKind = "focal"  // cán bộ đầu mối
	RoleStaff  RoleKind = "staff"  // cán bộ, công chức làm CĐS
)

// RoleKinds lists them in display order.
var RoleKinds = []RoleKind{RoleLeader, RoleFocal, RoleStaff}

// Enum lists the values for the API's document.
func (RoleKind) Enum() []string { return enum.Of(RoleKinds...) }

// Mode says whether a role is the person's whole job.
type Mode string

// The modes.
const (
	Dedicated  Mode = "dedicated"  // chuyên trách
	Concurrent Mode = "concurrent" // kiêm nhiệm
)

// Role is a DX role in a unit over [From, To). PersonID 0 is a vacancy.
type Role struct {
	ID       int64    `json:"id"`
	UnitID   int64    `json:"unit_id"`
	PersonID int64    `json:"person_id,omitempty"`
	Role     RoleKind `json:"role"`
	Mode     Mode     `json:"mode"`
	From     day.Day  `json:"valid_from"`
	To       day.Day  `json:"valid_to"`
	Decision string   `json:"decision"`
	Note     string   `json:"note"`
}

// Vacant reports whether nobody holds the role.
func (r *Role) Vacant() bool { return r.PersonID == 0 }

// Committee is a unit's DX steering committee.
type Committee struct {
	ID             int64   `json:"id"`
	UnitID         int64   `json:"unit_id"`
	Name           string  `json:"name"`
	DecisionNumber string  `json:"decision_number"`
	DecisionDate   day.Day `json:"decision_date"`
	Signer         string  `json:"signer"`
	From           day.Day `json:"valid_from"`
	To             day.Day `json:"valid_to"`
}

// MemberRole is a seat on a steering committee.
type MemberRole string

// The seats.
const (
	MemberHead      MemberRole = "head"      // Trưởng ban
	MemberDeputy    MemberRole = "deputy"    // Phó Trưởng ban
	MemberStanding  MemberRole = "standing"  // Ủy viên thường trực
	MemberMember    MemberRole = "member"    // Ủy viên
	MemberSecretary MemberRole = "secretary" // Thư ký
)

// MemberRoles lists them in display order.
var MemberRoles = []MemberRole{MemberHead, MemberDeputy, MemberStanding, MemberMember, MemberSecretary}

// Enum lists the values for the API's document.
func (MemberRole) Enum() []string { return enum.Of(MemberRoles...) }

// Member is a person's seat on a committee over [From, To).
type Member struct {
	ID          int64      `json:"id"`
	CommitteeID int64      `json:"committee_id"`
	PersonID    int64      `json:"person_id"`
	Role        MemberRole `json:"role"`
	From        day.Day    `json:"valid_from"`
	To          day.Day    `json:"valid_to"`
}

// FocalKind says what a focal unit is.
type FocalKind string

// The kinds of focal unit.
const (
	Specialised FocalKind = "specialised" // đơn vị chuyên trách (the province's IT/DX unit)
	FocalPart   FocalKind = "focal"       // bộ phận đầu mối (a department's office, a centre)
)

// FocalUnit is the sub-unit that holds a unit's DX function over [From, To).
type FocalUnit struct {
	ID           int64     `json:"id"`
	UnitID       int64     `json:"unit_id"`
	HolderUnitID int64     `json:"holder_unit_id,omitempty"` // when the holder is in the tree
	HolderName   string    `json:"holder_name"`
	Kind         FocalKind `json:"kind"`
	From         day.Day   `json:"valid_from"`
	To           day.Day   `json:"valid_to"`
	Decision     string    `json:"decision"`
}

// Course is a training course.
type Course struct {
	ID          int64   `json:"id"`
	Title       string  `json:"title"`
	Provider    string  `json:"provider"`
	Platform    string  `json:"platform"` // e.g. OneTouch
	Format      string  `json:"format"`   // online, in_person, blended
	Start       day.Day `json:"start_date"`
	End         day.Day `json:"end_date"`
	Hours       float64 `json:"hours"`
	OrganiserID int64   `json:"organiser_unit_id"`
}

// Formats are the course formats.
var Formats = []string{"online", "in_person", "blended"}

// EnrolStatus is where a participant stands in a course.
type EnrolStatus string

// The statuses.
const (
	Enrolled  EnrolStatus = "enrolled"
	Completed EnrolStatus = "completed"
	Dropped   EnrolStatus = "dropped"
)

// Enum lists the values for the API's document.
func (EnrolStatus) Enum() []string { return enum.Of(Enrolled, Completed, Dropped) }

// Enrolment is a person's participation in a course.
type Enrolment struct {
	ID            int64       `json:"id"`
	CourseID      int64       `json:"course_id"`
	PersonID      int64       `json:"person_id"`
	Status        EnrolStatus `json:"status"`
	CompletedOn   day.Day     `json:"completed_on,omitzero"`
	CertificateID int64       `json:"certificate_file_id,omitempty"`
}
