// SPDX-License-Identifier: EUPL-1.2

package webtest

import "testing"

func TestCells(t *testing.T) {
	t.Parallel()
	if got, want := Cells([]string{"R&D <lab>", "2"}), "<tr><td>R&amp;D &lt;lab&gt;</td><td>2</td></tr>"; got != want {
		t.Errorf("Cells = %q, want %q", got, want)
	}
	if got := Cells(nil); got != "<tr></tr>" {
		t.Errorf("Cells(nil) = %q", got)
	}
}

// fatalRecorder records whether CheckXML failed the test, without
// failing this one.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(string, ...any) {
	f.failed = true
	panic(f) // Fatalf must not return, as testing's does not
}

func TestCheckXML(t *testing.T) {
	t.Parallel()
	for doc, ok := range map[string]bool{
		`<svg xmlns="http://www.w3.org/2000/svg"><desc>a &amp; b</desc></svg>`: true,
		`<svg><desc>a & b</desc></svg>`:                                        false,
		`<svg><g></svg>`:                                                       false,
	} {
		rec := &fatalRecorder{TB: t}
		func() {
			defer func() {
				if p := recover(); p != nil && p != rec {
					panic(p)
				}
			}()
			CheckXML(rec, doc)
		}()
		if rec.failed == ok {
			t.Errorf("CheckXML(%q) failed=%v, want well-formed=%v", doc, rec.failed, ok)
		}
	}
}
