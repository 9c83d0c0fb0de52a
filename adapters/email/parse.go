// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // registers the charsets of the world (ISO-8859-*, Windows-125x, …) with go-message
	gomail "github.com/emersion/go-message/mail"

	"helpdesk/bots"
)

// Limits of the MIME walk: they bound memory and time whatever the input.
const (
	maxTextBytes   = 1 << 20 // text kept from all text parts together
	maxParts       = 200     // parts visited in one mail
	maxDepth       = 12      // nesting of multiparts
	maxAttachments = 20      // attachments kept from one mail
	maxHeaderBytes = 256 << 10
)

// errNotMail is a message the parser cannot read as mail at all.
var errNotMail = errors.New("email: unreadable message")

// inMail is one inbound mail after MIME decoding: what the adapter needs
// to filter it and to build a bots.Mail.
type inMail struct {
	MessageID   string   // without angle brackets; "" when the mail has none
	InReplyTo   []string // without angle brackets
	References  []string // without angle brackets
	FromName    string
	FromAddress string
	Subject     string
	Lang        string // "it" or "en" from Content-Language, else ""
	Text        string // the text parts, or the HTML parts as text when there is no text part
	Attachments []attachment
	Skipped     []string // attachments left out (too large, too many), for the log
	Header      message.Header
	MediaType   string // of the whole mail, e.g. multipart/report
	ReportType  string // the report-type parameter of a multipart/report
	HasDSN      bool   // a message/delivery-status (or message/disposition-notification) part
	Truncated   bool   // the mail was longer than the limit
}

// attachment is a decoded attachment in memory (at most the size limit).
type attachment struct {
	Filename    string
	ContentType string
	Data        []byte
	SHA256      string
}

// parseMail decodes a raw mail, reading at most limit bytes of it and
// keeping attachments up to maxAttachment bytes each. A mail damaged
// somewhere inside still gives what could be read before the damage;
// only a mail whose header cannot be read is an error.
func parseMail(r io.Reader, limit, maxAttachment int64) (*inMail, error) {
	lr := &io.LimitedReader{R: r, N: limit}
	e, err := message.ReadWithOptions(lr, &message.ReadOptions{MaxHeaderBytes: maxHeaderBytes})
	if err != nil && e == nil {
		return nil, fmt.Errorf("%w: %w", errNotMail, err)
	}
	m := &inMail{Header: e.Header}
	h := gomail.Header{Header: e.Header}
	m.MessageID = cleanID(e.Header.Get("Message-Id"))
	m.InReplyTo = idList(e.Header.Get("In-Reply-To"))
	m.References = idList(e.Header.Get("References"))
	if subject, err := h.Subject(); err == nil {
		m.Subject = subject
	} else {
		m.Subject = e.Header.Get("Subject")
	}
	m.Subject = cleanLine(m.Subject)
	m.FromName, m.FromAddress = fromOf(e.Header)
	m.Lang = langOf(e.Header.Get("Content-Language"))
	m.MediaType, m.ReportType = contentType(e.Header)

	w := &walker{m: m, maxAttachment: maxAttachment}
	w.walk(e, 0)
	if lr.N <= 0 {
		m.Truncated = true
	}
	text := strings.Join(w.plain, "\n\n")
	if strings.TrimSpace(text) == "" {
		text = strings.Join(w.html, "\n\n")
	}
	m.Text = normalizeText(text)
	return m, nil
}

type walker struct {
	m             *inMail
	maxAttachment int64
	parts         int
	textBytes     int
	plain, html   []string
}

func (w *walker) walk(e *message.Entity, depth int) {
	w.parts++
	if w.parts > maxParts {
		return
	}
	mediaType, _ := contentType(e.Header)
	if mr := e.MultipartReader(); mr != nil {
		if depth >= maxDepth {
			return
		}
		for {
			part, err := mr.NextPart()
			if err != nil && part == nil {
				return // io.EOF, or a damaged multipart: keep what was read
			}
			w.walk(part, depth+1)
			if w.parts > maxParts {
				return
			}
		}
	}
	switch mediaType {
	case "message/delivery-status", "message/global-delivery-status", "message/disposition-notification":
		w.m.HasDSN = true
		return
	}
	disposition, dparams, _ := e.Header.ContentDisposition()
	filename := decodeFilename(dparams["filename"])
	if filename == "" {
		_, ctParams, _ := e.Header.ContentType()
		filename = decodeFilename(ctParams["name"])
	}
	isText := mediaType == "text/plain" || mediaType == "text/html" || mediaType == ""
	if isText && disposition != "attachment" && filename == "" {
		w.readText(e, mediaType)
		return
	}
	w.readAttachment(e, mediaType, filename)
}

func (w *walker) readText(e *message.Entity, mediaType string) {
	room := maxTextBytes - w.textBytes
	if room <= 0 {
		io.Copy(io.Discard, io.LimitReader(e.Body, 1)) // nothing more is kept
		return
	}
	b, _ := io.ReadAll(io.LimitReader(e.Body, int64(room))) // a damaged tail keeps what was decoded
	w.textBytes += len(b)
	s := bots.CleanText(string(b))
	if mediaType == "text/html" {
		w.html = append(w.html, htmlToText(s))
		return
	}
	w.plain = append(w.plain, s)
}

func (w *walker) readAttachment(e *message.Entity, mediaType, filename string) {
	if filename == "" {
		filename = "attachment"
		if exts, _ := mime.ExtensionsByType(mediaType); len(exts) > 0 {
			filename += exts[0]
		}
	}
	if len(w.m.Attachments) >= maxAttachments {
		w.m.Skipped = append(w.m.Skipped, filename+" (too many attachments)")
		return
	}
	b, err := io.ReadAll(io.LimitReader(e.Body, w.maxAttachment+1))
	switch {
	case int64(len(b)) > w.maxAttachment:
		w.m.Skipped = append(w.m.Skipped, filename+" (over the size limit)")
		return
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		w.m.Skipped = append(w.m.Skipped, filename+" (damaged: "+err.Error()+")")
		return
	}
	if mediaType == "" {
		mediaType = "application/octet-stream"
	}
	sum := sha256.Sum256(b)
	w.m.Attachments = append(w.m.Attachments, attachment{Filename: filename, ContentType: mediaType, Data: b, SHA256: hex.EncodeToString(sum[:])})
}

// contentType gives the lower-case media type and the report type of a
// multipart/report; a missing or broken Content-Type is text/plain.
func contentType(h message.Header) (mediaType, reportType string) {
	if h.Get("Content-Type") == "" {
		return "text/plain", ""
	}
	t, params, err := h.ContentType()
	if err != nil || t == "" {
		return "text/plain", ""
	}
	return strings.ToLower(t), strings.ToLower(params["report-type"])
}

// decodeFilename turns an RFC 2047 encoded name into text and keeps only
// its last path element (a name is never a path on our disk anyway).
func decodeFilename(s string) string {
	if s == "" {
		return ""
	}
	if d, err := new(mime.WordDecoder).DecodeHeader(s); err == nil {
		s = d
	}
	s = strings.ReplaceAll(s, "\\", "/")
	s = path.Base(s)
	if s == "." || s == "/" {
		return ""
	}
	return cleanLine(s)
}

func fromOf(h message.Header) (name, address string) {
	raw := h.Get("From")
	if raw == "" {
		return "", ""
	}
	mh := gomail.Header{Header: h}
	list, err := mh.AddressList("From")
	if err == nil && len(list) > 0 {
		return cleanLine(list[0].Name), strings.TrimSpace(list[0].Address)
	}
	// A From the strict parser refuses: take what looks like an address.
	if a, err := mail.ParseAddress(raw); err == nil {
		return cleanLine(a.Name), a.Address
	}
	if i, j := strings.LastIndexByte(raw, '<'), strings.LastIndexByte(raw, '>'); i >= 0 && j > i {
		return cleanLine(strings.Trim(raw[:i], " \"")), strings.TrimSpace(raw[i+1 : j])
	}
	return "", ""
}

func langOf(v string) string {
	v = strings.ToLower(strings.TrimSpace(strings.Split(v, ",")[0]))
	switch {
	case strings.HasPrefix(v, "it"):
		return "it"
	case strings.HasPrefix(v, "en"):
		return "en"
	}
	return ""
}

// cleanID strips the angle brackets and spaces of one message id.
func cleanID(s string) string {
	ids := idList(s)
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// idList reads a list of message ids ("<a@b> <c@d>"); ids written without
// brackets, as some clients do, are taken whole.
func idList(s string) []string {
	var ids []string
	for len(ids) < 50 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(s[i+1 : i+j]); id != "" && !strings.ContainsAny(id, " \t\r\n") {
			ids = append(ids, id)
		}
		s = s[i+j+1:]
	}
	if ids == nil {
		for _, f := range strings.Fields(s) {
			if strings.Contains(f, "@") && len(ids) < 50 {
				ids = append(ids, strings.Trim(f, "<>,"))
			}
		}
	}
	return ids
}

// cleanLine makes a header value one line of valid UTF-8.
func cleanLine(s string) string {
	s = bots.CleanText(s)
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// normalizeText gives text with \n line ends, no trailing spaces, at most
// one blank line in a row and no control characters.
func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b bytes.Buffer
	blank := 0
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(strings.Map(func(r rune) rune {
			switch {
			case r == '\t':
				return ' '
			case r == '\u00a0':
				return ' '
			case r < 0x20 || r == 0x7f || r == '\u200b' || r == '\ufeff':
				return -1
			}
			return r
		}, line), " ")
		if line == "" {
			blank++
			if blank > 1 || b.Len() == 0 {
				continue
			}
		} else {
			blank = 0
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	out := strings.TrimSpace(b.String())
	if !utf8.ValidString(out) {
		out = strings.ToValidUTF8(out, "\uFFFD")
	}
	return out
}
