// SPDX-License-Identifier: EUPL-1.2

package problem

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"helpdesk/internal/i18n"
)

// The table of every error and its status, through each audience's
// answer, is web's TestOneStatusPerError; these are the mapping's own rules.

func TestOfWrappedAndUnknown(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Problem
	}{
		{"wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", ErrNotFound)), Problem{http.StatusNotFound, "not_found", "error.notfound"}},
		{"CSRF before the general forbidden", fmt.Errorf("%w: %w", ErrCSRF, ErrForbidden), Problem{http.StatusForbidden, "forbidden", "error.csrf"}},
		{"body too large", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 1}), Problem{http.StatusRequestEntityTooLarge, "body_too_large", "error.toolarge"}},
		{"unknown", errors.New("disk on fire"), Problem{http.StatusInternalServerError, "internal", "error.internal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Of(tt.err); got != tt.want {
				t.Errorf("Of = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestKeyInFallsBackToTheStatus(t *testing.T) {
	cat := i18n.Catalog{
		"error.taken":    {"it": "presa", "en": "taken"},
		"error.conflict": {"it": "conflitto", "en": "conflict"},
	}
	tests := []struct {
		name string
		p    Problem
		want string
	}{
		{"own key", Problem{http.StatusConflict, "conflict", "error.taken"}, "error.taken"},
		{"status key", Problem{http.StatusConflict, "conflict", "error.not_holder"}, "error.conflict"},
		{"no key for the status", Problem{http.StatusTeapot, "x", "error.x"}, "error.internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.KeyIn(cat); got != tt.want {
				t.Errorf("KeyIn = %q, want %q", got, tt.want)
			}
		})
	}
}
