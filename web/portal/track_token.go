// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"encoding/base64"
	"regexp"
	"strings"

	"helpdesk/tickets"
)

// The tracking tokens themselves are tickets.TrackingTokens; this file
// parses what a link carries, before anything touches the database.

// tokenBytes is a tracking token's size; the web chat's visitor keys have
// the same.
const tokenBytes = tickets.TrackingTokenBytes

// tokenLen is its length in base64url without padding.
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

var numberPattern = regexp.MustCompile(`^HD-\d{4}-\d{6}$`)

// parseTicketNumber accepts a ticket number as typed ("hd-2026-000123",
// with spaces around) and returns it in canonical form.
func parseTicketNumber(s string) (string, bool) {
	n := strings.ToUpper(strings.TrimSpace(s))
	if len(n) != len("HD-2026-000123") || !numberPattern.MatchString(n) {
		return "", false
	}
	return n, true
}

// parseToken decodes a token from a link; anything but exactly tokenLen
// base64url characters is refused before touching the database.
func parseToken(s string) ([]byte, bool) {
	if len(s) != tokenLen {
		return nil, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != tokenBytes {
		return nil, false
	}
	return b, true
}
