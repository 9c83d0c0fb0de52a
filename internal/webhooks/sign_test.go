// SPDX-License-Identifier: EUPL-1.2

package webhooks_test

import (
	"net/http"
	"testing"
	"time"

	"helpdesk/internal/webhooks"
)

func TestSignMatchesDocumentedAlgorithm(t *testing.T) {
	at := time.Unix(1767225600, 0)
	body := []byte(`{"kind":"ticket.opened"}`)
	h := http.Header{}
	h.Set("X-Helpdesk-Timestamp", "1767225600")
	h.Set("X-Helpdesk-Signature", webhooks.Sign("s3cret-s3cret-s3cret", at, body))
	if !verify("s3cret-s3cret-s3cret", h, body, at) {
		t.Fatal("signature does not verify")
	}
	for name, mutate := range map[string]func(){
		"other secret": func() { h.Set("X-Helpdesk-Signature", webhooks.Sign("another-secret-here", at, body)) },
		"other time":   func() { h.Set("X-Helpdesk-Timestamp", "1767225601") },
		"other body":   func() { body = []byte(`{"kind":"ticket.closed"}`) },
	} {
		h.Set("X-Helpdesk-Timestamp", "1767225600")
		h.Set("X-Helpdesk-Signature", webhooks.Sign("s3cret-s3cret-s3cret", at, body))
		mutate()
		if verify("s3cret-s3cret-s3cret", h, body, at) {
			t.Errorf("%s: still verifies", name)
		}
		body = []byte(`{"kind":"ticket.opened"}`)
	}
}
