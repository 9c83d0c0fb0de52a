// SPDX-License-Identifier: EUPL-1.2

// Package portal is the requesters' application: every page served
// without a login — the help centre, the web form, the web chat and the
// tracking page — with their catalogue (Text), their SQL and their rate
// limits. Its handlers are exported because package web lists every route
// of every audience in one routes.go; web.New builds the Site with New.
//
// The portal embeds its own templates/ and static/: they are its pages and
// no other package renders them, so whoever changes a page finds the
// handler and the template in one folder, and a change to the console's
// pages cannot break the portal's parse. The console's templates stay
// with the console for the same reason.
//
// Its tests: the unit tests of its own functions are here (package
// portal); the tests that drive the pages over HTTP or in Chromium are in
// package web, because they exercise the assembled server (routes.go,
// the middleware, the intake shared with the console and the API): see
// docs/architecture.md, "Where the web tests live".
package portal
