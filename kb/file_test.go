// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"no front matter", "just text", []string{"no front matter"}},
		{"not closed", "---\nid: a\n", []string{"not closed"}},
		{"bad yaml", "---\nid: [\n---\nbody", []string{"front matter"}},
		{"unknown keys reported, all of them", "---\nid: a\nkind: faq\nlang: it\ntitle: T\nquestoins: [x]\nauthor: me\n---\nbody",
			[]string{"questoins: unknown key", "author: unknown key"}},
		{"bad values", "---\nid: A B\nkind: blog\nlang: fr\nstatus: live\naudience: everyone\ntitle: T\n---\nbody",
			[]string{"id:", "kind:", "lang:", "status:", "audience:"}},
		{"wrong types", "---\nid: a\nkind: faq\nlang: it\ntitle: [x]\ntags: smart\n---\nbody",
			[]string{"title:", "tags: want a list"}},
		{"bad media", "---\nid: a\nkind: tutorial\nlang: it\ntitle: T\nmedia:\n  - {type: hologram, url: \"javascript:x\", size: 3, duration: long}\n---\nbody",
			[]string{"unknown key \"size\"", "duration \"long\""}},
		{"bad media values", "---\nid: a\nkind: tutorial\nlang: it\ntitle: T\nmedia:\n  - {type: hologram, url: \"javascript:x\"}\n---\nbody",
			[]string{"media[0].type", "media[0].url"}},
		{"empty body", "---\nid: a\nkind: faq\nlang: it\ntitle: T\n---\n\n", []string{"body: empty"}},
		{"not utf-8", "---\nid: a\nkind: faq\nlang: it\ntitle: caff\xe8\n---\nbody", []string{"not UTF-8"}},
		{"nul byte", "---\nid: a\nkind: faq\nlang: it\ntitle: T\n---\nbo\x00dy", []string{"NUL"}},
		{"duplicate key", "---\nid: a\nid: b\nkind: faq\nlang: it\ntitle: T\n---\nbody", []string{"given twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile([]byte(tt.in))
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("err = %v, want ErrFormat", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	files, _ := filepath.Glob("testdata/content/*/*.md")
	if len(files) == 0 {
		t.Fatal("no test files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			e, err := ParseFile(data)
			if err != nil {
				t.Fatal(err)
			}
			out, err := FormatFile(e)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseFile(out)
			if err != nil {
				t.Fatalf("reparse: %v\n%s", err, out)
			}
			if !reflect.DeepEqual(e, back) {
				t.Fatalf("round trip changed the entry:\n%+v\n%+v", e, back)
			}
			again, _ := FormatFile(back)
			if string(again) != string(out) {
				t.Fatalf("format not stable:\n%s\n%s", out, again)
			}
		})
	}
}

func TestParseFileCRLFAndBOM(t *testing.T) {
	in := "\xef\xbb\xbf---\r\nid: a\r\nkind: faq\r\nlang: it\r\ntitle: \"T\"\r\n---\r\nriga uno\r\nriga due\r\n"
	e, err := ParseFile([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if e.Body != "riga uno\nriga due" || e.Status != StatusDraft || e.Audience != AudiencePublic {
		t.Fatalf("entry = %+v", e)
	}
}

// FuzzParseFile checks that no input makes the parser panic, and that what
// it accepts survives a format/parse round trip.
func FuzzParseFile(f *testing.F) {
	files, _ := filepath.Glob("testdata/content/*/*.md")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("---\nid: a\nkind: faq\nlang: it\ntitle: T\n---\nb"))
	f.Add([]byte("---\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseFile(data)
		if err != nil {
			return
		}
		out, err := FormatFile(e)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseFile(out)
		if err != nil {
			t.Fatalf("formatted file does not parse: %v\n%q", err, out)
		}
		if !reflect.DeepEqual(e, back) {
			t.Fatalf("round trip changed the entry:\n%#v\n%#v", e, back)
		}
	})
}
