// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseMail runs the whole inbound decoding path — MIME walk,
// charsets, HTML to text, the auto-reply filter, quote stripping and the
// mapping to the engine's mail — on arbitrary bytes: it must never panic
// and must keep its limits.
func FuzzParseMail(f *testing.F) {
	files, _ := filepath.Glob("testdata/mail/*.eml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"))
	f.Add([]byte("Subject: =?x-unknown?Q?abc?=\r\nContent-Type: text/plain; charset=x-unknown\r\nContent-Transfer-Encoding: x-weird\r\n\r\nbody"))
	f.Add([]byte("From: <>\r\nContent-Type: text/html\r\n\r\n<blockquote><blockquote><a href=\"http://x\">"))
	a := newTestAdapter(f, Config{}, nil)
	const limit, maxAttachment = 64 << 10, 8 << 10
	f.Fuzz(func(t *testing.T, raw []byte) {
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				panic(fmt.Sprintf("parse hangs on %q", raw))
			}
		}()
		defer close(done)
		m, err := parseMail(bytes.NewReader(raw), limit, maxAttachment)
		if err != nil {
			return
		}
		_ = automatic(m, "helpdesk@asl.example")
		bm := a.toBotsMail(m)
		if !utf8.ValidString(bm.Text) || !utf8.ValidString(bm.Subject) || !utf8.ValidString(bm.FromName) {
			t.Fatalf("invalid UTF-8 out of the parser")
		}
		if len(m.Text) > 2*maxTextBytes+1024 {
			t.Fatalf("text of %d bytes", len(m.Text))
		}
		if len(m.Attachments) > maxAttachments {
			t.Fatalf("%d attachments", len(m.Attachments))
		}
		for _, at := range m.Attachments {
			if int64(len(at.Data)) > maxAttachment || strings.ContainsAny(at.Filename, "/\\") {
				t.Fatalf("attachment %q of %d bytes", at.Filename, len(at.Data))
			}
		}
	})
}

// FuzzHTMLToText: any HTML gives valid text without panicking.
func FuzzHTMLToText(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "<blockquote><div class=gmail_quote>x", "<a href='https://x'>y</a></a></a>", "<div style='display:none'><div></div>", "</blockquote></div>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := normalizeText(htmlToText(s))
		if len(out) > 4*len(s)+64 {
			t.Fatalf("%d bytes of text from %d bytes of HTML", len(out), len(s))
		}
	})
}

// endless repeats a chunk forever, after a prefix: a mail that never ends.
type endless struct {
	prefix []byte
	chunk  []byte
	off    int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(e.prefix) > 0 {
			c := copy(p[n:], e.prefix)
			e.prefix = e.prefix[c:]
			n += c
			continue
		}
		c := copy(p[n:], e.chunk[e.off:])
		e.off = (e.off + c) % len(e.chunk)
		n += c
	}
	return n, nil
}

// TestParseHugeInputsBoundedMemory feeds mails far larger than the limit
// (an endless text, endless tiny parts, endless nesting, one endless
// line, an endless header) and checks parsing stops at the limit with
// memory in proportion to it, not to the input.
func TestParseHugeInputsBoundedMemory(t *testing.T) {
	const limit = 4 << 20
	head := "From: a@b.example\r\nSubject: big\r\nMessage-ID: <big@b.example>\r\n"
	tests := []struct {
		name string
		r    io.Reader
	}{
		{"endless text", &endless{prefix: []byte(head + "Content-Type: text/plain\r\n\r\n"), chunk: []byte("una riga di testo qualsiasi\r\n")}},
		{"endless html", &endless{prefix: []byte(head + "Content-Type: text/html\r\n\r\n"), chunk: []byte("<div><p>x</p><blockquote>")}},
		{"endless parts", &endless{prefix: []byte(head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n"), chunk: []byte("--b\r\nContent-Type: application/octet-stream\r\n\r\nxx\r\n")}},
		{"endless nesting", &endless{prefix: []byte(head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n"), chunk: []byte("--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n")}},
		{"endless line", &endless{prefix: []byte(head + "Content-Type: text/plain\r\n\r\n"), chunk: []byte("aaaaaaaaaaaaaaaa")}},
		{"endless attachment", &endless{prefix: []byte(head + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"), chunk: []byte("QUJD\r\n")}},
		{"endless header", &endless{prefix: []byte(head + "X-Long: "), chunk: []byte("a")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			m, err := parseMail(tc.r, limit, 1<<20)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			if err == nil && len(m.Text) > maxTextBytes+maxTextBytes/2 {
				t.Errorf("kept %d bytes of text", len(m.Text))
			}
			// Everything read is at most limit bytes; decoding may copy it a
			// few times, but never grows with the (endless) input.
			if alloc > 16*limit {
				t.Errorf("allocated %d MiB for a %d MiB limit", alloc>>20, limit>>20)
			}
			t.Logf("allocated %.1f MiB, err %v", float64(alloc)/(1<<20), err)
		})
	}
}
