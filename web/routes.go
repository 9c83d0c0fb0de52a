// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"helpdesk/web/api"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"helpdesk/agents"
	"helpdesk/web/console"
	"helpdesk/web/portal"
)

// Handler returns every route of the service. The lists below are the
// whole map: the requesters' pages (publicRoutes), the REST API with the
// scope each call needs (apiRoutes) and the console with the roles each
// page allows (consoleRoutes).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	if !s.opt.SeparateMetrics {
		mux.Handle("GET /metrics", s.MetricsHandler())
	}
	mux.HandleFunc("GET /{$}", s.home)
	if p := s.public; p != nil {
		for _, rt := range publicRoutes(p) {
			mux.Handle(rt.pattern, p.Guard(rt.handler))
		}
	}
	if a := s.rest; a != nil {
		// Open to anyone: the document, and the API's own 404 for a path
		// or method it does not have.
		mux.HandleFunc("GET /api/v1/openapi.json", api.ServeOpenAPI)
		mux.HandleFunc("/api/v1/", a.NotFound)
		for _, rt := range apiRoutes(a) {
			mux.Handle(rt.Pattern, a.Guard(rt))
		}
	}
	for _, mount := range s.opt.Mount {
		mount(mux)
	}
	if c := s.console; c != nil {
		for _, rt := range consoleRoutes(c) {
			mux.Handle(rt.Pattern, c.Guard(rt))
		}
	}
	return s.middleware(mux)
}

// publicRoute is one route of the requesters' pages; portal.Site.Guard
// sets their security headers and refuses cross-site posts.
type publicRoute struct {
	pattern string
	handler http.HandlerFunc
}

// publicRoutes lists every route of the help centre, web form, web chat
// and tracking pages: no login, no roles.
func publicRoutes(p *portal.Site) []publicRoute {
	return []publicRoute{
		{"GET /help/{$}", p.HelpHome},
		{"GET /help/static/", p.ServeStatic},
		{"GET /help/media/{path...}", p.ServeMedia},
		{"GET /help/c/{category}", p.HelpCategory},
		{"GET /help/k/{kind}", p.HelpKind},
		{"GET /help/a/{id}", p.HelpArticle},
		{"POST /help/a/{id}/feedback", p.HelpFeedback},
		{"GET /help/search", p.HelpSearch},
		{"GET /kb/{path...}", p.KbLink},
		{"GET /help/{path...}", p.HelpFallback},

		{"GET /help/request", p.FormPage},
		{"POST /help/request", p.FormSubmit},

		{"GET /help/chat", p.ChatPage},
		{"GET /help/chat/embed", p.ChatEmbed},
		{"GET /help/chat.js", p.ChatSnippet},
		{"POST /help/chat/start", p.ChatStart},
		{"POST /help/chat/send", p.ChatSend},
		{"GET /help/chat/poll", p.ChatPoll},

		{"GET /track/{$}", p.TrackFindPage},
		{"POST /track/{$}", p.TrackFindSubmit},
		{"GET /track/{number}", p.TrackPage},
		{"POST /track/{number}/reply", p.TrackReply},
	}
}

// apiRoutes is the REST API's whole access table: every call with the
// token scope it needs (API.Guard checks it, nothing else does).
func apiRoutes(a *api.API) []api.Route {
	route := func(pattern string, scope agents.Scope, h func(http.ResponseWriter, *http.Request, agents.APIToken)) api.Route {
		return api.Route{Pattern: pattern, Scope: scope, Handler: h}
	}
	return []api.Route{
		route("GET /api/v1/tickets", agents.ScopeTicketsRead, a.TicketList),
		route("POST /api/v1/tickets", agents.ScopeTicketsWrite, a.TicketCreate),
		route("GET /api/v1/tickets/{number}", agents.ScopeTicketsRead, a.TicketGet),
		route("GET /api/v1/tickets/{number}/comments", agents.ScopeTicketsRead, a.TicketComments),
		route("POST /api/v1/tickets/{number}/comments", agents.ScopeTicketsWrite, a.TicketComment),
		route("POST /api/v1/tickets/{number}/state", agents.ScopeTicketsWrite, a.TicketState),
		route("GET /api/v1/tickets/{number}/checklists", agents.ScopeTicketsRead, a.ChecklistList),
		route("POST /api/v1/tickets/{number}/checklists", agents.ScopeTicketsWrite, a.ChecklistAttach),
		route("POST /api/v1/tickets/{number}/checklists/{checklist}/steps/{position}", agents.ScopeTicketsWrite, a.ChecklistTick),
		route("GET /api/v1/conversations/{id}", agents.ScopeConversationsRead, a.ConversationGet),
		route("GET /api/v1/kb/entries", agents.ScopeKBRead, a.KBList),
		route("GET /api/v1/kb/entries/{id}", agents.ScopeKBRead, a.KBGet),
		route("POST /api/v1/kb/entries", agents.ScopeKBWrite, a.KBCreate),
		route("PUT /api/v1/kb/entries/{id}", agents.ScopeKBWrite, a.KBUpdate),
		route("POST /api/v1/kb/entries/{id}/status", agents.ScopeKBWrite, a.KBSetStatus),
		route("GET /api/v1/users", agents.ScopeUsersRead, a.UserList),
		route("GET /api/v1/webhooks", agents.ScopeAdmin, a.WebhookList),
		route("POST /api/v1/webhooks", agents.ScopeAdmin, a.WebhookCreate),
		route("DELETE /api/v1/webhooks/{id}", agents.ScopeAdmin, a.WebhookDelete),
		route("GET /api/v1/webhooks/{id}/deliveries", agents.ScopeAdmin, a.WebhookDeliveries),
	}
}

// MetricsHandler serves the Prometheus metrics; with
// Options.SeparateMetrics it is the only handler of its own listener
// (http.metrics_addr), and the public one answers 404 for /metrics.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.opt.Registry, promhttp.HandlerOpts{})
}

// Role sets of the console routes.
var (
	public     []agents.Role // no login needed
	everyone   = []agents.Role{agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin}
	convDesk   = []agents.Role{agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor}
	ticketDesk = []agents.Role{agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleSupervisor, agents.RoleAdmin}
	// ticketReaders may read tickets; editors only when an admin granted
	// it (console.editors_read_tickets, mayUse in web/console/access.go), and a
	// level-1 agent only level-1 tickets and theirs (mayServeLevel).
	ticketReaders = []agents.Role{agents.RoleAgentL1, agents.RoleAgentL2, agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin}
	editors       = []agents.Role{agents.RoleEditor, agents.RoleSupervisor, agents.RoleAdmin}
	managers      = []agents.Role{agents.RoleSupervisor, agents.RoleAdmin}
	admins        = []agents.Role{agents.RoleAdmin}
)

// consoleRoutes is the console's whole access table: every route with
// the roles that may use it (console.Guard checks them; nil roles:
// public). Nothing else decides who may do what.
func consoleRoutes(c *console.Console) []console.Route {
	route := func(pattern string, roles []agents.Role, h http.HandlerFunc) console.Route {
		return console.Route{Pattern: pattern, Roles: roles, Handler: h}
	}
	return []console.Route{
		route("GET /console/static/", public, c.Static),
		route("GET /console/login", public, c.LoginPage),
		route("POST /console/login", public, c.LoginSubmit),
		route("POST /console/logout", everyone, c.Logout),
		route("GET /console/{$}", everyone, c.Dashboard),

		route("GET /console/tickets", ticketReaders, c.TicketList),
		route("GET /console/tickets/{id}", ticketReaders, c.TicketPage),
		route("GET /console/tickets/{id}/attachments/{att}", ticketReaders, c.TicketAttachment),
		route("POST /console/tickets/{id}/classify", ticketDesk, c.TicketClassify),
		route("POST /console/tickets/{id}/categorise", ticketDesk, c.TicketCategorise),
		route("POST /console/tickets/{id}/assign", ticketDesk, c.TicketAssign),
		route("POST /console/tickets/{id}/note", ticketDesk, c.TicketNote),
		route("POST /console/tickets/{id}/called-back", ticketDesk, c.TicketCalledBack),
		route("POST /console/tickets/{id}/faq", editors, c.KBFromTicket),
		route("POST /console/tickets/{id}/faq/assist", editors, c.KBFromTicketAssist),

		route("GET /console/kb", editors, c.KBList),
		route("GET /console/kb/new", editors, c.KBNew),
		route("POST /console/kb/new", editors, c.KBCreate),
		route("GET /console/kb/{id}", editors, c.KBEdit),
		route("POST /console/kb/{id}", editors, c.KBSave),
		route("POST /console/kb/{id}/status", editors, c.KBTransition),
		route("GET /console/kb/{id}/history", editors, c.KBHistory),
		route("POST /console/kb/{id}/revert", editors, c.KBRevert),
		route("POST /console/kb/{id}/learned", editors, c.KBLearned),

		route("GET /console/inbox", convDesk, c.Inbox),
		route("GET /console/inbox/list", convDesk, c.InboxList),
		route("GET /console/inbox/events", convDesk, c.InboxEvents),
		route("GET /console/conversations/{id}", convDesk, c.Conversation),
		route("GET /console/conversations/{id}/messages", convDesk, c.ConversationMessages),
		route("POST /console/conversations/{id}/take", convDesk, c.ConvTake),
		route("POST /console/conversations/{id}/reply", convDesk, c.ConvReply),
		route("POST /console/conversations/{id}/note", convDesk, c.ConvNote),
		route("POST /console/conversations/{id}/escalate", convDesk, c.ConvEscalate),
		route("POST /console/conversations/{id}/route", convDesk, c.ConvRoute),
		route("POST /console/conversations/{id}/handback", convDesk, c.ConvHandBack),
		route("POST /console/conversations/{id}/resolve", convDesk, c.ConvResolveChecked),
		route("POST /console/conversations/{id}/summary", convDesk, c.ConvSummary),
		route("POST /console/conversations/{id}/suggest", convDesk, c.ConvSuggest),
		route("POST /console/presence", convDesk, c.SetPresence),

		route("GET /console/canned", managers, c.CannedPage),
		route("POST /console/canned", managers, c.CannedSave),
		route("POST /console/canned/{id}/delete", managers, c.CannedDelete),

		route("GET /console/reports", managers, c.ReportPage),
		route("GET /console/reports/print", managers, c.ReportPrint),
		route("GET /console/reports/csv/{table}", managers, c.ReportCSV),
		route("GET /console/tickets/{id}/sla", ticketReaders, c.TicketSLA),

		route("GET /console/contacts/new", ticketDesk, c.ContactPage),
		route("POST /console/contacts/new", ticketDesk, c.ContactSubmit),
		route("GET /console/contacts/requesters", ticketDesk, c.ContactLookup),
		route("POST /console/contacts/severity", ticketDesk, c.ContactSeverity),
		route("GET /console/contacts/{id}", ticketDesk, c.ContactDone),
		route("POST /console/tickets/{id}/checklists", ticketDesk, c.ChecklistAttach),
		route("POST /console/tickets/{id}/checklists/{checklist}/steps/{position}", ticketDesk, c.ChecklistTick),
		route("POST /console/tickets/{id}/resolve", ticketDesk, c.TicketResolve),
		route("GET /console/notifications", ticketDesk, c.NotifPage),
		route("GET /console/notifications/list", ticketDesk, c.NotifList),
		route("POST /console/notifications/read", ticketDesk, c.NotifReadAll),
		route("POST /console/notifications/{id}/read", ticketDesk, c.NotifRead),

		route("GET /console/admin/users", admins, c.AdminUsers),
		route("POST /console/admin/users", admins, c.AdminAddUser),
		route("POST /console/admin/users/{username}/role", admins, c.AdminSetRole),
		route("POST /console/admin/users/{username}/active", admins, c.AdminSetActive),
	}
}

var (
	roleTableOnce sync.Once
	roleTable     map[string][]agents.Role
)

// roleAllowed says whether role may use the route pattern: the console's
// Options.Allowed (its menus show only what a user may use).
func roleAllowed(pattern string, role agents.Role) bool {
	roleTableOnce.Do(func() {
		roleTable = map[string][]agents.Role{}
		for _, rt := range consoleRoutes(nil) {
			roleTable[rt.Pattern] = rt.Roles
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
