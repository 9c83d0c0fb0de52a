// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"helpdesk/web/problem"
)

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 17, 12, 0, 0, 0, time.UTC)
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	tests := []struct {
		query    string
		from, to string
		kind     string
		err      bool
	}{
		{"", "2026-04-01", "2026-07-01", "quarter", false},
		{"period=quarter&quarter=2025-q4", "2025-10-01", "2026-01-01", "quarter", false},
		{"period=month", "2026-05-01", "2026-06-01", "month", false},
		{"period=month&month=2026-02", "2026-02-01", "2026-03-01", "month", false},
		{"period=custom&from=2026-01-10&to=2026-01-10", "2026-01-10", "2026-01-11", "custom", false},
		{"period=custom&from=2026-01-10&to=2026-01-09", "", "", "", true},
		{"period=custom&from=2020-01-01&to=2026-01-01", "", "", "", true},
		{"period=quarter&quarter=2026-Q5", "", "", "", true},
		{"period=month&month=2026-13", "", "", "", true},
		{"period=year", "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			p, err := parsePeriod(q, now, time.UTC)
			if tt.err {
				if !errors.Is(err, problem.ErrBadRequest) {
					t.Fatalf("err = %v, want bad request", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !p.From.Equal(day(tt.from)) || !p.To.Equal(day(tt.to)) || p.Kind != tt.kind {
				t.Errorf("got %s %v–%v", p.Kind, p.From, p.To)
			}
			// The period survives its own link.
			q2, _ := url.ParseQuery(string(p.Query()))
			p2, err := parsePeriod(q2, now, time.UTC)
			if err != nil || !p2.From.Equal(p.From) || !p2.To.Equal(p.To) {
				t.Errorf("round trip %q: %v %v–%v", p.Query(), err, p2.From, p2.To)
			}
		})
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"", "period=month&month=2026-02", "period=quarter&quarter=1999-Q3",
		"period=custom&from=2026-01-01&to=2026-03-31", "period=custom&from=x&to=y"} {
		f.Add(s)
	}
	now := time.Date(2026, 5, 17, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		q, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		p, err := parsePeriod(q, now, time.UTC)
		if err != nil {
			return
		}
		if !p.To.After(p.From) || p.To.Sub(p.From) > maxReportDays*24*time.Hour {
			t.Fatalf("%q gave %v–%v", s, p.From, p.To)
		}
	})
}

func TestReportTextComplete(t *testing.T) {
	t.Parallel()
	if p := reportText.Check(); len(p) > 0 {
		t.Error(p)
	}
}
