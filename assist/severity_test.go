// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/internal/llm"
	"helpdesk/nlp"
)

type fixedSeverity nlp.Severity

func (f *fixedSeverity) Assess(_ context.Context, text, lang string) nlp.Severity {
	return nlp.Severity(*f)
}

func localMedium(conf float64) fixedSeverity {
	return fixedSeverity{
		Urgency: nlp.Assessment{Level: nlp.Medium, Confidence: conf, Because: []string{"non riesco"}},
		Impact:  nlp.Assessment{Level: nlp.Low, Confidence: conf},
		Type:    nlp.Assessment{Level: nlp.TypeIncident, Confidence: conf},
	}
}

func TestSeverityAssist(t *testing.T) {
	tests := []struct {
		name        string
		local       fixedSeverity
		answer      string
		status      int
		delay       time.Duration
		wantUrgency string
		wantNote    bool
	}{
		{"unsure local model: the model's level is taken", localMedium(0.5), answers["severity_high"], 0, 0, nlp.High, true},
		{"sure local model keeps its level, note kept", localMedium(0.9), answers["severity_high"], 0, 0, nlp.Medium, true},
		{"endpoint down: local decides", localMedium(0.5), answers["severity_high"], http.StatusInternalServerError, 0, nlp.Medium, false},
		{"endpoint slow: local decides", localMedium(0.5), answers["severity_high"], 0, 3 * time.Second, nlp.Medium, false},
		{"unreadable answer: local decides", localMedium(0.5), answers["severity_garbage"], 0, 0, nlp.Medium, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.set(tt.answer, tt.status, tt.delay)
			sev := NewSeverityAssist(&tt.local, f.client(t, func(c *llm.Config) { c.Timeout = 100 * time.Millisecond }))
			got := sev.Assess(context.Background(), "il reparto non riesce a prescrivere", "it")
			if got.Urgency.Level != tt.wantUrgency {
				t.Errorf("urgency %s, want %s", got.Urgency.Level, tt.wantUrgency)
			}
			hasNote := false
			for _, b := range got.Urgency.Because {
				hasNote = hasNote || strings.HasPrefix(b, "LLM: high")
			}
			if hasNote != tt.wantNote {
				t.Errorf("because %v: model note present %v, want %v", got.Urgency.Because, hasNote, tt.wantNote)
			}
			if got.Urgency.Because[0] != "non riesco" {
				t.Errorf("the local explanation was lost: %v", got.Urgency.Because)
			}
		})
	}
	fs := localMedium(0.5)
	var local bots.SeverityModel = &fs
	if NewSeverityAssist(local, nil) != local {
		t.Error("without a model the local severity model must be used as is")
	}
}

// Model answers are outside input: the severity parser must never panic
// and must only return labels of the sets.
func FuzzParseSeverity(f *testing.F) {
	for _, s := range []string{answers["severity_high"], answers["severity_garbage"], "{}", "}{", `{"urgency":"HIGH","impact":"low","type":"request"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		m, err := parseSeverity(in)
		if err != nil {
			return
		}
		if !slices.Contains(nlp.Levels, m.Urgency) || !slices.Contains(nlp.Levels, m.Impact) || !slices.Contains(nlp.Types, m.Type) {
			t.Fatalf("labels outside the sets accepted: %+v", m)
		}
	})
}
