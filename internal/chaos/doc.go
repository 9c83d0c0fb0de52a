// SPDX-License-Identifier: EUPL-1.2

// Package chaos holds the fault tests of issue 10: real `helpdesk serve`
// processes on one PostgreSQL, simulated Telegram users talking through
// the adapter's webhook path, a fake Bot API answering their replies, and
// faults injected while they talk — kill -9 of an instance, the same
// update delivered three times, a PostgreSQL restart, a Bot API answering
// 429 / 500 / dropping connections. Each test prints its counts (sent,
// recorded, replied, duplicated, lost) and fails on any loss or doubling.
//
// `go test ./internal/chaos` (part of `make test`) runs the short form;
// `make chaos` runs the full size (10,000 messages): go test -args -full.
package chaos
