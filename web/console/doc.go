// SPDX-License-Identifier: EUPL-1.2

// Package console is the agents' application: the pages agents, editors,
// supervisors and admins log in to — the inbox and conversations, the
// tickets and their SLA clocks, the contact page, the knowledge-base
// editor, canned replies, notifications, reports and user admin — with
// their catalogue (Text), SQL, templates and static files. Its handlers
// are exported because package web lists every route of every audience,
// with the roles each console page allows, in one routes.go; web.New
// builds the Console with New and passes it that table (Options.Allowed),
// which the console asks to show only the links a user may use.
//
// Its tests: the unit tests of its own functions are here (package
// console); the tests that drive the pages over HTTP or in Chromium, the
// access matrix and the journeys are in package web, because they
// exercise the assembled server (routes.go, the middleware, the intake
// shared with the portal and the API): see docs/architecture.md, "Where
// the web tests live".
package console
