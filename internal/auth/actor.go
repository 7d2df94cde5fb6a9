// Package auth knows who is acting: accounts, password hashing, sessions,
// API tokens, roles and what each role may do. Where in the unit tree a user
// may act (their scope) is checked by the services against the org tree.
package auth

import (
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/enum"
)

// Role is what a user is for.
type Role string

// The roles. A user's powers are their role's, limited to their scope: the
// subtree of the unit tree under their scope unit.
const (
	// RoleAdmin runs the installation: imports the official lists, manages
	// every account.
	RoleAdmin Role = "admin"
	// RoleCoordinator is the provincial DX secretariat: maintains the tree
	// and the accounts in its scope, approves what units submit.
	RoleCoordinator Role = "coordinator"
	// RoleFocal is a unit's focal person: keeps the unit's data current.
	RoleFocal Role = "focal"
	// RoleViewer is a leader or observer: reads only.
	RoleViewer Role = "viewer"
)

// Roles lists the roles from most to least powerful.
var Roles = []Role{RoleAdmin, RoleCoordinator, RoleFocal, RoleViewer}

// Enum lists the values for the API's document.
func (Role) Enum() []string { return enum.Of(Roles...) }

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// rank orders roles; a lower rank is more powerful.
func (r Role) rank() int {
	for i, k := range Roles {
		if r == k {
			return i
		}
	}
	return len(Roles)
}

// Outranks reports whether r is above o: only those may manage accounts of
// role o (no one manages an equal, who could otherwise take the other's
// account over).
func (r Role) Outranks(o Role) bool { return r.rank() < o.rank() }

// Permission is something a role may do (within its scope).
type Permission string

// The permissions.
const (
	PermRead        Permission = "read"         // see data in scope
	PermEnterData   Permission = "enter_data"   // keep a unit's own records current
	PermEditTree    Permission = "edit_tree"    // restructure units in scope
	PermImportLists Permission = "import_lists" // load official unit lists for the country
	PermManageUsers Permission = "manage_users" // accounts in scope
	PermReadAudit   Permission = "read_audit"   // the change log in scope
	PermConfigure   Permission = "configure"    // settings that apply to every scope (targets)
)

var grants = map[Role][]Permission{
	RoleAdmin:       {PermRead, PermEnterData, PermEditTree, PermImportLists, PermManageUsers, PermReadAudit, PermConfigure},
	RoleCoordinator: {PermRead, PermEnterData, PermEditTree, PermManageUsers, PermReadAudit},
	RoleFocal:       {PermRead, PermEnterData},
	RoleViewer:      {PermRead},
}

// Actor is the user on whose behalf a service call runs. Every service
// method takes one, so no path (page, API, CLI, export) can skip the check.
type Actor struct {
	UserID      int64
	Login       string
	Name        string
	Role        Role
	ScopeUnitID int64
	// System is the operator at the command line, above every account
	// (who creates the first administrators).
	System bool
}

// Manages reports whether the actor may create or change accounts of role
// r (their scope is checked apart): the operator any, a user only those
// below their own role.
func (a *Actor) Manages(r Role) bool {
	return a != nil && a.Can(PermManageUsers) && (a.System || a.Role.Outranks(r))
}

// Can reports whether the actor's role grants p (scope is checked apart).
func (a *Actor) Can(p Permission) bool {
	if a == nil {
		return false
	}
	for _, g := range grants[a.Role] {
		if g == p {
			return true
		}
	}
	return false
}

// Who is the actor as the audit log names it.
func (a *Actor) Who() audit.Who { return audit.Who{UserID: a.UserID, Label: a.Login} }

// SystemActor acts for the operator at the command line: an administrator
// over the whole tree, audited under a "system:" name.
func SystemActor(label string, rootUnitID int64) *Actor {
	return &Actor{Login: "system:" + label, Name: label, Role: RoleAdmin, ScopeUnitID: rootUnitID, System: true}
}
