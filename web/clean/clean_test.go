// SPDX-License-Identifier: EUPL-1.2

package clean

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The same through every web edge, against the database, is web's
// TestOddBytes*; these are the functions' own rules.

func TestStrings(t *testing.T) {
	type inner struct{ Text string }
	var v struct {
		Name   string
		Tags   []string
		Extra  map[string]string
		Nested *inner
		Any    any
		hidden string
	}
	v.Name, v.Tags = "a\x00b", []string{"ok", "c\xffd"}
	v.Extra = map[string]string{"k\x00": "v\x00"}
	v.Nested, v.Any, v.hidden = &inner{"x\x00"}, "y\x00", "z\x00"
	Strings(&v)
	if v.Name != "ab" || v.Tags[1] != "c\uFFFDd" || v.Extra["k"] != "v" || len(v.Extra) != 1 || v.Nested.Text != "x" || v.Any != "y" {
		t.Errorf("not cleaned: %+v %+v", v, *v.Nested)
	}
	if v.hidden != "z\x00" {
		t.Error("an unexported field was touched")
	}
}

func TestValuesAndRequest(t *testing.T) {
	vals := url.Values{"a\x00": {"1\x00"}, "b": {"ok"}}
	if !Values(vals) || vals.Get("a") != "1" || vals.Get("b") != "ok" {
		t.Errorf("Values: %v", vals)
	}
	if Values(url.Values{"b": {"ok"}}) {
		t.Error("Values says a clean form changed")
	}
	r := httptest.NewRequest("POST", "/x?q=a%00b", strings.NewReader("f=c%00d"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := Request(r); err != nil {
		t.Fatal(err)
	}
	if got := r.URL.Query().Get("q"); got != "ab" {
		t.Errorf("query q = %q", got)
	}
	if got := r.PostFormValue("f"); got != "cd" {
		t.Errorf("form f = %q", got)
	}
}

// TestRawQuery: the query as sent is kept only when the middleware keeps
// it, unchanged, beside the cleaned one the handlers read.
func TestRawQuery(t *testing.T) {
	r := httptest.NewRequest("GET", "/console/tickets?q=a%00b", nil)
	if raw, ok := RawQuery(r); ok || raw != "" {
		t.Fatalf("a request nobody kept: %q %v", raw, ok)
	}
	sent := r.URL.RawQuery
	if err := Request(r); err != nil {
		t.Fatal(err)
	}
	if r.URL.RawQuery == sent {
		t.Fatal("Request left the NUL in the query")
	}
	kept := KeepRaw(r, sent)
	if raw, ok := RawQuery(kept); !ok || raw != sent {
		t.Errorf("RawQuery = %q %v, want %q", raw, ok, sent)
	}
	if kept.URL.Query().Get("q") != r.URL.Query().Get("q") {
		t.Error("KeepRaw changed the cleaned query")
	}
}
