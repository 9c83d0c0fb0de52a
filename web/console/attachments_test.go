// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helpdesk/agents"
	"helpdesk/tickets"
)

func TestByteSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KiB", 1536: "2 KiB", 1 << 20: "1.0 MiB", 5<<20 + 1<<19: "5.5 MiB"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestTicketAttachment: a voicemail is listed with a player and served
// inline with Range support; any other type is downloaded as bytes; a
// file of another ticket, a storage key that is not a hash, a missing
// file or no attachment folder answer 404.
func TestTicketAttachment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	d := newTestDesk(t, func(o *Options) { o.AttachmentDir = dir })
	ctx := context.Background()
	anna := d.session("anna", agents.RoleAgentL1)
	mk := func(subject string) *tickets.Ticket {
		tk, err := d.c.tickets.Create(ctx, d.pool, "bot", tickets.NewTicket{OriginChannel: "phone", Subject: subject, Urgency: tickets.Low, Impact: tickets.Low})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	tk, other := mk("segreteria"), mk("altro")
	store := func(tk *tickets.Ticket, name, ct, key string, body []byte) int64 {
		t.Helper()
		if body != nil {
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(key)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(key)), body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		a := &tickets.Attachment{TicketID: tk.ID, Filename: name, ContentType: ct, SizeBytes: int64(len(body)), SHA256: strings.Repeat("a", 64), StorageKey: key}
		if err := d.c.tickets.AddAttachment(ctx, d.pool, "bot", a); err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	voice := store(tk, "messaggio.wav", "Audio/WAV", "ab/abcdef", []byte("RIFF0123456789"))
	page := store(tk, "pagina \"x\".html", "text/html", "cd/cdef01", []byte("<script>alert(1)</script>"))
	sneaky := store(tk, "passwd", "text/plain", "../../etc/passwd", nil)
	gone := store(tk, "perso.pdf", "application/pdf", "ef/ef0123", nil)
	theirs := store(other, "loro.wav", "audio/wav", "01/012345", []byte("RIFF"))

	r := httptest.NewRequest("GET", "/", nil)
	views, err := d.c.attachmentViews(r, tk)
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 4 || !views[0].Audio || views[0].ContentType != "audio/wav" || views[1].Audio ||
		views[0].URL != fmt.Sprintf("/console/tickets/%d/attachments/%d", tk.ID, voice) || views[0].Size != "14 B" {
		t.Errorf("views %+v", views)
	}
	get := func(c *Console, ticket, att int64, hdr ...string) *httptest.ResponseRecorder {
		t.Helper()
		mux := http.NewServeMux()
		mux.HandleFunc("GET /console/tickets/{id}/attachments/{att}", c.TicketAttachment)
		r := httptest.NewRequest("GET", fmt.Sprintf("/console/tickets/%d/attachments/%d", ticket, att), nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		r = r.WithContext(c.withSession(r.Context(), anna))
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w
	}
	w := get(d.c, tk.ID, voice, "Range", "bytes=4-7")
	if w.Code != http.StatusPartialContent || w.Body.String() != "0123" || w.Header().Get("Content-Type") != "audio/wav" ||
		!strings.HasPrefix(w.Header().Get("Content-Disposition"), "inline;") || w.Header().Get("Content-Security-Policy") != "sandbox" {
		t.Errorf("voicemail: %d %q %v", w.Code, w.Body.String(), w.Header())
	}
	w = get(d.c, tk.ID, page)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/octet-stream" ||
		w.Header().Get("Content-Disposition") != `attachment; filename="pagina _x_.html"` || w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("HTML file: %d %v", w.Code, w.Header())
	}
	for name, att := range map[string]int64{"another ticket's": theirs, "not a hash": sneaky, "missing file": gone, "unknown": 999999} {
		if w := get(d.c, tk.ID, att); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", name, w.Code)
		}
	}
	if w := get(d.c, 999999, voice); w.Code != http.StatusNotFound {
		t.Errorf("unknown ticket: %d, want 404", w.Code)
	}
	noDir := *d.c // the same desk, without an attachment folder
	noDir.attachmentDir = ""
	if w := get(&noDir, tk.ID, voice); w.Code != http.StatusNotFound {
		t.Errorf("no attachment folder: %d, want 404", w.Code)
	}
}
