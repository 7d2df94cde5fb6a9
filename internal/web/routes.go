package web

import "net/http"

// registerUnits adds the pages of the unit tree, search, imports and the change log.
func (s *Server) registerUnits(page func(method, pattern string, h http.HandlerFunc)) {
	page("GET", "/{$}", s.home)
	page("GET", "/units", s.unitList)
	page("GET", "/units/{id}", s.unitShow)
	page("GET", "/search", s.search)
	page("GET", "/pick", s.pick)
	page("POST", "/units/{id}/rename", s.unitRename)
	page("POST", "/units/{id}/move", s.unitMove)
	page("POST", "/units/{id}/dissolve", s.unitDissolve)
	page("POST", "/units/{id}/children", s.unitEstablish)
	page("POST", "/units/{id}/split", s.unitSplit)
	page("POST", "/units/{id}/merge", s.unitMerge)
	page("GET", "/audit", s.auditList)
	page("GET", "/admin/import", s.importForm)
	page("POST", "/admin/import", s.importRun)
}

// registerPeople adds the pages of the DX apparatus, people, training and compliance.
func (s *Server) registerPeople(page func(method, pattern string, h http.HandlerFunc)) {
	page("GET", "/people", s.peopleList)
	page("GET", "/people/new", s.personNew)
	page("GET", "/people/template.xlsx", s.peopleTemplate)
	page("GET", "/people/export.xlsx", s.peopleExport)
	page("GET", "/people/import", s.peopleImportForm)
	page("POST", "/people/import", s.peopleImport)
	page("POST", "/people", s.personCreate)
	page("GET", "/people/{id}", s.personShow)
	page("POST", "/people/{id}", s.personUpdate)
	page("POST", "/people/{id}/rotate", s.personRotate)
	page("GET", "/pick/people", s.pickPerson)
	page("GET", "/units/{id}/apparatus", s.apparatusShow)
	page("POST", "/units/{id}/committees", s.committeeCreate)
	page("POST", "/units/{id}/focal-units", s.focalUnitSet)
	page("POST", "/units/{id}/roles", s.roleAssign)
	page("POST", "/committees/{id}/members", s.memberAdd)
	page("POST", "/committee-members/{id}/end", s.memberEnd)
	page("POST", "/roles/{id}/end", s.roleEnd)
	page("POST", "/roles/{id}/fill", s.roleFill)
	page("GET", "/training", s.courseList)
	page("GET", "/training/new", s.courseNew)
	page("POST", "/training", s.courseCreate)
	page("GET", "/training/{id}", s.courseShow)
	page("POST", "/training/{id}/enrol", s.courseEnrol)
	page("POST", "/enrolments/{id}", s.enrolmentUpdate)
	page("GET", "/compliance", s.complianceShow)
	page("GET", "/admin/targets", s.targetList)
	page("GET", "/admin/targets/new", s.targetEdit)
	page("POST", "/admin/targets", s.targetSave)
	page("GET", "/admin/targets/{id}", s.targetEdit)
	page("POST", "/admin/targets/{id}", s.targetSave)
	page("GET", "/compliance/trend", s.complianceTrend)
	page("GET", "/compliance/failing", s.complianceFailing)
	page("GET", "/compliance/failing.xlsx", s.complianceFailingExport)
	page("GET", "/files/{id}", s.fileDownload)
}

// registerAccounts adds the pages of accounts and API tokens.
func (s *Server) registerAccounts(page func(method, pattern string, h http.HandlerFunc)) {
	page("GET", "/account", s.account)
	page("POST", "/account/tokens", s.tokenCreate)
	page("POST", "/account/tokens/{id}/revoke", s.tokenRevoke)
	page("GET", "/admin/users", s.userList)
	page("GET", "/admin/users/new", s.userNew)
	page("POST", "/admin/users", s.userCreate)
	page("GET", "/admin/users/{id}", s.userEdit)
	page("POST", "/admin/users/{id}", s.userUpdate)
}
