// SPDX-License-Identifier: EUPL-1.2

// Package agents owns the people who work the help desk and how they get
// in: console users and their roles, presence and round-robin turn, their
// linked chat accounts, console sessions, login attempts (the lockout),
// the integrations' API tokens, and the agents' canned responses.
//
// It owns the tables users, console_sessions, login_attempts, api_tokens
// and canned_responses (docs/architecture-tables.md): no other package
// writes them; the console, the API, the engine's assignment and the
// command line call this package's Go API. It imports no other package of
// the project but internal/db, so every one of them may import it.
package agents
