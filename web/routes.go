// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler returns every route of the service, in one list.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if !s.opt.SeparateMetrics {
		mux.Handle("GET /metrics", s.MetricsHandler())
	}
	mux.HandleFunc("GET /{$}", s.home)
	for _, rt := range publicRoutes(s) {
		mux.Handle(rt.pattern, rt.handler)
	}
	for _, rt := range apiRoutes(s) {
		mux.Handle(rt.pattern, rt.handler)
	}
	for _, mount := range s.opt.Mount {
		mount(mux)
	}
	if s.console != nil {
		for _, rt := range consoleRoutes(s.console) {
			mux.Handle(rt.pattern, s.console.guard(rt))
		}
	}
	return s.middleware(mux)
}

// MetricsHandler serves the Prometheus metrics; with
// Options.SeparateMetrics it is the only handler of its own listener
// (http.metrics_addr), and the public one answers 404 for /metrics.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.opt.Registry, promhttp.HandlerOpts{})
}

// Role sets of the console routes.
var (
	public     []Role // no login needed
	everyone   = []Role{RoleAgentL1, RoleAgentL2, RoleEditor, RoleSupervisor, RoleAdmin}
	agents     = []Role{RoleAgentL1, RoleAgentL2, RoleSupervisor}
	ticketDesk = []Role{RoleAgentL1, RoleAgentL2, RoleSupervisor, RoleAdmin}
	// ticketReaders may read tickets; editors only when an admin granted
	// it (console.editors_read_tickets, console.mayUse in access.go), and a
	// level-1 agent only level-1 tickets and theirs (mayServeLevel).
	ticketReaders = []Role{RoleAgentL1, RoleAgentL2, RoleEditor, RoleSupervisor, RoleAdmin}
	editors       = []Role{RoleEditor, RoleSupervisor, RoleAdmin}
	managers      = []Role{RoleSupervisor, RoleAdmin}
	admins        = []Role{RoleAdmin}
)

// consoleRoute is one console route and the roles allowed on it; the
// guard middleware checks them (nil roles: public).
type consoleRoute struct {
	pattern string
	roles   []Role
	handler http.HandlerFunc
}

// consoleRoutes is the console's whole access table: every route with
// the roles that may use it. Nothing else decides who may do what.
func consoleRoutes(c *console) []consoleRoute {
	return []consoleRoute{
		{"GET /console/static/", public, c.static},
		{"GET /console/login", public, c.loginPage},
		{"POST /console/login", public, c.loginSubmit},
		{"POST /console/logout", everyone, c.logout},
		{"GET /console/{$}", everyone, c.dashboard},

		{"GET /console/tickets", ticketReaders, c.ticketList},
		{"GET /console/tickets/{id}", ticketReaders, c.ticketPage},
		{"GET /console/tickets/{id}/attachments/{att}", ticketReaders, c.ticketAttachment},
		{"POST /console/tickets/{id}/classify", ticketDesk, c.ticketClassify},
		{"POST /console/tickets/{id}/categorise", ticketDesk, c.ticketCategorise},
		{"POST /console/tickets/{id}/assign", ticketDesk, c.ticketAssign},
		{"POST /console/tickets/{id}/note", ticketDesk, c.ticketNote},
		{"POST /console/tickets/{id}/called-back", ticketDesk, c.ticketCalledBack},
		{"POST /console/tickets/{id}/faq", editors, c.kbFromTicket},
		{"POST /console/tickets/{id}/faq/assist", editors, c.kbFromTicketAssist},

		{"GET /console/kb", editors, c.kbList},
		{"GET /console/kb/new", editors, c.kbNew},
		{"POST /console/kb/new", editors, c.kbCreate},
		{"GET /console/kb/{id}", editors, c.kbEdit},
		{"POST /console/kb/{id}", editors, c.kbSave},
		{"POST /console/kb/{id}/status", editors, c.kbTransition},
		{"GET /console/kb/{id}/history", editors, c.kbHistory},
		{"POST /console/kb/{id}/revert", editors, c.kbRevert},
		{"POST /console/kb/{id}/learned", editors, c.kbLearned},

		{"GET /console/inbox", agents, c.inbox},
		{"GET /console/inbox/list", agents, c.inboxList},
		{"GET /console/inbox/events", agents, c.inboxEvents},
		{"GET /console/conversations/{id}", agents, c.conversation},
		{"GET /console/conversations/{id}/messages", agents, c.conversationMessages},
		{"POST /console/conversations/{id}/take", agents, c.convTake},
		{"POST /console/conversations/{id}/reply", agents, c.convReply},
		{"POST /console/conversations/{id}/note", agents, c.convNote},
		{"POST /console/conversations/{id}/escalate", agents, c.convEscalate},
		{"POST /console/conversations/{id}/route", agents, c.convRoute},
		{"POST /console/conversations/{id}/handback", agents, c.convHandBack},
		{"POST /console/conversations/{id}/resolve", agents, c.convResolveChecked},
		{"POST /console/conversations/{id}/summary", agents, c.convSummary},
		{"POST /console/conversations/{id}/suggest", agents, c.convSuggest},
		{"POST /console/presence", agents, c.setPresence},

		{"GET /console/canned", managers, c.cannedPage},
		{"POST /console/canned", managers, c.cannedSave},
		{"POST /console/canned/{id}/delete", managers, c.cannedDelete},

		{"GET /console/reports", managers, c.reportPage},
		{"GET /console/reports/print", managers, c.reportPrint},
		{"GET /console/reports/csv/{table}", managers, c.reportCSV},
		{"GET /console/tickets/{id}/sla", ticketReaders, c.ticketSLA},

		{"GET /console/contacts/new", ticketDesk, c.contactPage},
		{"POST /console/contacts/new", ticketDesk, c.contactSubmit},
		{"GET /console/contacts/requesters", ticketDesk, c.contactLookup},
		{"POST /console/contacts/severity", ticketDesk, c.contactSeverity},
		{"GET /console/contacts/{id}", ticketDesk, c.contactDone},
		{"POST /console/tickets/{id}/checklists", ticketDesk, c.checklistAttach},
		{"POST /console/tickets/{id}/checklists/{checklist}/steps/{position}", ticketDesk, c.checklistTick},
		{"POST /console/tickets/{id}/resolve", ticketDesk, c.ticketResolve},
		{"GET /console/notifications", ticketDesk, c.notifPage},
		{"GET /console/notifications/list", ticketDesk, c.notifList},
		{"POST /console/notifications/read", ticketDesk, c.notifReadAll},
		{"POST /console/notifications/{id}/read", ticketDesk, c.notifRead},

		{"GET /console/admin/users", admins, c.adminUsers},
		{"POST /console/admin/users", admins, c.adminAddUser},
		{"POST /console/admin/users/{username}/role", admins, c.adminSetRole},
		{"POST /console/admin/users/{username}/active", admins, c.adminSetActive},
	}
}

var (
	roleTableOnce sync.Once
	roleTable     map[string][]Role
)

// roleAllowed says whether role may use the route pattern.
func roleAllowed(pattern string, role Role) bool {
	roleTableOnce.Do(func() {
		roleTable = map[string][]Role{}
		for _, rt := range consoleRoutes(nil) {
			roleTable[rt.pattern] = rt.roles
		}
	})
	roles, ok := roleTable[pattern]
	if !ok {
		return false
	}
	if roles == nil {
		return true
	}
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}
