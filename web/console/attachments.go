// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"helpdesk/tickets"
)

// attachmentView is one file of a ticket as its page lists it: audio (a
// voicemail) gets a player.
type attachmentView struct {
	ID          int64
	Filename    string
	ContentType string
	Size        string
	URL         string
	Audio       bool
}

// storageKey is how attachments are stored (by SHA-256, "ab/abcdef…"):
// anything else in the database is never turned into a path.
var storageKey = regexp.MustCompile(`^[0-9a-f]{2}/[0-9a-f]{2,128}$`)

// inlineTypes are served with their own type, to be played or shown in
// the page; every other file is downloaded as bytes, so a stored HTML or
// SVG file can never run as the console's own page.
var inlineTypes = map[string]bool{"audio/wav": true, "audio/mpeg": true, "audio/ogg": true, "audio/mp4": true,
	"image/png": true, "image/jpeg": true, "image/gif": true, "application/pdf": true}

func (c *Console) attachmentViews(r *http.Request, t *tickets.Ticket) ([]attachmentView, error) {
	atts, err := c.tickets.Attachments(r.Context(), c.db, t.ID)
	if err != nil {
		return nil, err
	}
	out := make([]attachmentView, 0, len(atts))
	for _, a := range atts {
		ct := strings.ToLower(a.ContentType)
		out = append(out, attachmentView{ID: a.ID, Filename: a.Filename, ContentType: ct, Size: byteSize(a.SizeBytes),
			URL: fmt.Sprintf("/console/tickets/%d/attachments/%d", t.ID, a.ID), Audio: strings.HasPrefix(ct, "audio/") && inlineTypes[ct]})
	}
	return out, nil
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// ticketAttachment serves one stored file of a ticket, with Range support
// so a player can seek in a voicemail.
func (c *Console) TicketAttachment(w http.ResponseWriter, r *http.Request) {
	t, ok := c.pathTicket(w, r)
	if !ok {
		return
	}
	attID, err := strconv.ParseInt(r.PathValue("att"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	atts, err := c.tickets.Attachments(r.Context(), c.db, t.ID)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	var a *tickets.Attachment
	for i := range atts {
		if atts[i].ID == attID {
			a = &atts[i]
		}
	}
	if a == nil || c.attachmentDir == "" || !storageKey.MatchString(a.StorageKey) {
		http.NotFound(w, r)
		return
	}
	f, err := os.Open(filepath.Join(c.attachmentDir, filepath.FromSlash(a.StorageKey)))
	if err != nil {
		c.log.Warn("attachment file missing", "ticket", t.Number, "attachment", a.ID, "err", err)
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	ct := strings.ToLower(a.ContentType)
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	name := strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r == '\\' || r > 0x7e {
			return '_'
		}
		return r
	}, a.Filename)
	if inlineTypes[ct] {
		h.Set("Content-Type", ct)
		h.Set("Content-Disposition", `inline; filename="`+name+`"`)
	} else {
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}
	http.ServeContent(w, r, "", fi.ModTime(), f)
}
