// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/tickets"
)

// TestVoicemailPlayedInTicketPage: a call-back ticket's page shows the
// mark and an <audio controls> on the voicemail, whose URL serves the WAV
// with its type (and a byte range, for seeking); a stored HTML file is
// only ever downloaded; a key that is not a hash, or another ticket's
// attachment, is not found.
func TestVoicemailPlayedInTicketPage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tc := newTestConsole(t, func(o *Options) { o.Public.AttachmentDir = dir })
	ctx := context.Background()
	ts, err := tickets.NewStore(tickets.Options{Now: tc.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	store := func(data []byte) (string, string) {
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])
		key := h[:2] + "/" + h
		if err := os.MkdirAll(filepath.Join(dir, h[:2]), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(key)), data, 0o600); err != nil {
			t.Fatal(err)
		}
		return h, key
	}
	vm, err := ts.Create(ctx, tc.pool, "system:voicemail", tickets.NewTicket{OriginChannel: "phone", Subject: "Messaggio in segreteria da 0612345678: richiamare", CallBack: true})
	if err != nil {
		t.Fatal(err)
	}
	other, err := ts.Create(ctx, tc.pool, "test", tickets.NewTicket{OriginChannel: "web", Subject: "Stampante"})
	if err != nil {
		t.Fatal(err)
	}
	wav := append([]byte("RIFF\x24\x03\x00\x00WAVEfmt "), make([]byte, 800)...)
	add := func(tk *tickets.Ticket, name, ct string, data []byte, key string) *tickets.Attachment {
		sum, k := store(data)
		if key == "" {
			key = k
		}
		a := &tickets.Attachment{TicketID: tk.ID, Filename: name, ContentType: ct, SizeBytes: int64(len(data)), SHA256: sum, StorageKey: key}
		if err := ts.AddAttachment(ctx, tc.pool, "test", a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	audio := add(vm, "msg0000.WAV", "audio/wav", wav, "")
	page := add(vm, "page.html", "text/html", []byte("<script>alert(1)</script>"), "")
	bad := add(vm, "x.wav", "audio/wav", []byte("x"), "../../etc/passwd")
	foreign := add(other, "other.wav", "audio/wav", []byte("other"), "")

	tc.addUser("anna", agents.RoleAgentL1)
	c := tc.login("anna")
	code, body, _ := c.get(fmt.Sprintf("/console/tickets/%d", vm.ID))
	if code != http.StatusOK {
		t.Fatalf("ticket page %d", code)
	}
	url := fmt.Sprintf("/console/tickets/%d/attachments/%d", vm.ID, audio.ID)
	if !strings.Contains(body, `<audio controls preload="metadata" src="`+url+`"`) || !strings.Contains(body, `id="ticket-callback"`) {
		t.Fatalf("no player or call-back mark in the page:\n%s", body)
	}
	if strings.Contains(body, fmt.Sprintf(`<audio controls preload="metadata" src="/console/tickets/%d/attachments/%d"`, vm.ID, page.ID)) {
		t.Fatal("an HTML file got a player")
	}
	code, got, h := c.get(url)
	if code != http.StatusOK || h.Get("Content-Type") != "audio/wav" || got != string(wav) || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("audio: %d %q %d bytes", code, h.Get("Content-Type"), len(got))
	}
	req, err := http.NewRequest(http.MethodGet, tc.ts.URL+url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Range", "bytes=0-3")
	code, got, _ = c.do(req)
	if code != http.StatusPartialContent || got != "RIFF" {
		t.Fatalf("range: %d %q", code, got)
	}
	code, _, h = c.get(fmt.Sprintf("/console/tickets/%d/attachments/%d", vm.ID, page.ID))
	if code != http.StatusOK || h.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("html file: %d %q %q", code, h.Get("Content-Type"), h.Get("Content-Disposition"))
	}
	for name, path := range map[string]string{
		"key not a hash":        fmt.Sprintf("/console/tickets/%d/attachments/%d", vm.ID, bad.ID),
		"another ticket's file": fmt.Sprintf("/console/tickets/%d/attachments/%d", vm.ID, foreign.ID),
		"no such attachment":    fmt.Sprintf("/console/tickets/%d/attachments/999999", vm.ID),
		"not a number":          fmt.Sprintf("/console/tickets/%d/attachments/x", vm.ID),
	} {
		if code, _, _ := c.get(path); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", name, code)
		}
	}
	// In the inbox the call-back waits first, marked, although the other
	// conversation waited longer.
	for _, row := range []struct {
		id  int64
		ago string
	}{{other.ID, "2 hours"}, {vm.ID, "1 minute"}} {
		if _, err := tc.pool.Exec(`INSERT INTO conversations (channel, conversation_key, state, level, ticket_id, context, created_at, updated_at, last_message_at)
			VALUES ('phone', $1, 'queued', 1, $2, '{}', now(), now(), now() - $3::interval)`, fmt.Sprint("k", row.id), row.id, row.ago); err != nil {
			t.Fatal(err)
		}
	}
	code, inbox, _ := c.get("/console/inbox")
	first, second := strings.Index(inbox, vm.Number), strings.Index(inbox, other.Number)
	if code != http.StatusOK || first < 0 || second < 0 || first > second || !strings.Contains(inbox, `badge callback`) {
		t.Fatalf("inbox %d: call-back at %d, other at %d", code, first, second)
	}
	// The agent calls back: the mark goes, the timeline says who did it,
	// and a second press (a stale page) is refused and changes nothing.
	if code, _, _ := c.post(fmt.Sprintf("/console/tickets/%d/called-back", vm.ID), nil); code != http.StatusOK && code != http.StatusSeeOther {
		t.Fatalf("called back: %d", code)
	}
	var pending bool
	if err := tc.pool.Get(&pending, `SELECT call_back FROM tickets WHERE id = $1`, vm.ID); err != nil {
		t.Fatal(err)
	}
	_, body, _ = c.get(fmt.Sprintf("/console/tickets/%d", vm.ID))
	if pending || strings.Contains(body, `id="ticket-callback"`) || !strings.Contains(body, "ha richiamato il richiedente") {
		t.Fatalf("after the call back: pending %v, page still marked or no timeline line:\n%s", pending, body)
	}
	if code, _, _ := c.post(fmt.Sprintf("/console/tickets/%d/called-back", vm.ID), nil); code != http.StatusBadRequest {
		t.Fatalf("second call-back press: %d, want 400", code)
	}
	var events int
	if err := tc.pool.Get(&events, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND kind = 'called_back'`, vm.ID); err != nil {
		t.Fatal(err)
	}
	if events != 1 {
		t.Fatalf("%d called_back events, want 1", events)
	}
	// Signed out, nothing is served.
	if code, _, _ := tc.client().get(url); code == http.StatusOK {
		t.Fatal("attachment served without a session")
	}
}
