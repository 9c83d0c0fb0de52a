// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"testing"
)

var (
	modelOnce sync.Once
	model     *SeverityModel
	modelErr  error
)

func testModel(tb testing.TB) *SeverityModel {
	tb.Helper()
	modelOnce.Do(func() { model, modelErr = NewSeverityModel() })
	if modelErr != nil {
		tb.Fatal(modelErr)
	}
	return model
}

func TestEmbeddedTrainingDataIsCurrent(t *testing.T) {
	src, err := os.ReadFile("../content/severity/train.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, severityTrain) {
		t.Fatal("nlp/severity_train.jsonl differs from content/severity/train.jsonl: run go generate ./nlp")
	}
	exs, err := ReadSeverityExamples(bytes.NewReader(severityTrain))
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) < 400 {
		t.Errorf("%d training examples, want at least 400", len(exs))
	}
}

func TestSeverityRules(t *testing.T) {
	m := testModel(t)
	tests := []struct {
		name             string
		text, lang       string
		urgency, impact  string
		kind             string
		explanationMatch string // a substring of some reason of urgency or impact
	}{
		{"whole office down", "Tutto l'ufficio è senza rete, nessuno riesce a lavorare", Italian, High, High, TypeIncident, "tutto l ufficio"},
		{"nobody at the counter", "Nobody at the counter can open the booking system", English, High, High, TypeIncident, "nobody"},
		{"phishing clicked", "ho cliccato su un link in una mail di phishing e ho inserito la password", Italian, High, "", TypeIncident, "ho cliccato"},
		{"stolen laptop", "my work laptop was stolen this morning", English, High, "", TypeIncident, "stolen"},
		{"phishing not clicked", "mi è arrivata una mail di phishing, non l'ho aperta", Italian, "", Low, "", "non l ho aperta"},
		{"deadline today", "non riesco a firmare la domanda e scade oggi alle 12", Italian, High, Low, TypeIncident, "oggi"},
		{"patients waiting", "the prescribing software won't start and patients are waiting", English, High, Low, TypeIncident, "waiting"},
		{"workaround", "the printer jams now and then, for now I use the one upstairs", English, Medium, "", TypeIncident, "for now"},
		{"counted clerks", "i quattro operatori dell'anagrafe non riescono a stampare i certificati", Italian, "", Medium, TypeIncident, ""},
		{"question", "Come si imposta la firma nelle email?", Italian, Low, Low, TypeQuestion, ""},
		{"suggestion", "It would be nice to have the FAQ in English too", English, Low, "", TypeSuggestion, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := m.Assess(context.Background(), tt.text, tt.lang)
			if tt.urgency != "" && s.Urgency.Level != tt.urgency {
				t.Errorf("urgency = %+v, want %s", s.Urgency, tt.urgency)
			}
			if tt.impact != "" && s.Impact.Level != tt.impact {
				t.Errorf("impact = %+v, want %s", s.Impact, tt.impact)
			}
			if tt.kind != "" && s.Type.Level != tt.kind {
				t.Errorf("type = %+v, want %s", s.Type, tt.kind)
			}
			for _, a := range []Assessment{s.Urgency, s.Impact, s.Type} {
				if a.Confidence <= 0 || a.Confidence > 1 {
					t.Errorf("confidence %v out of (0,1]", a.Confidence)
				}
				if len(a.Because) == 0 {
					t.Errorf("no explanation in %+v", a)
				}
			}
			if tt.explanationMatch != "" {
				all := strings.Join(append(s.Urgency.Because, s.Impact.Because...), " | ")
				if !strings.Contains(all, tt.explanationMatch) {
					t.Errorf("explanation %q does not mention %q", all, tt.explanationMatch)
				}
			}
		})
	}
}

// TestUrgentWordAloneDoesNotDecide: shouting "urgente" must not move a
// message's urgency; the evidence must.
func TestUrgentWordAloneDoesNotDecide(t *testing.T) {
	m := testModel(t)
	texts := []struct{ text, lang string }{
		{"vorrei un nuovo mouse", Italian},
		{"come si cambia lo sfondo del desktop?", Italian},
		{"il logo nella lettera è sgranato", Italian},
		{"please install 7-Zip on my PC", English},
		{"where is the holiday calendar?", English},
		{"the printer jams sometimes but I can still print", English},
	}
	for _, tt := range texts {
		for _, shout := range []string{"URGENTE! ", "urgentissimo: ", "URGENT ", "urgent urgent urgent "} {
			t.Run(shout+tt.text, func(t *testing.T) {
				plain := m.Assess(context.Background(), tt.text, tt.lang)
				loud := m.Assess(context.Background(), shout+tt.text, tt.lang)
				if loud.Urgency.Level != plain.Urgency.Level {
					t.Errorf("urgency moved from %s to %s by %q", plain.Urgency.Level, loud.Urgency.Level, shout)
				}
				if loud.Urgency.Level == High {
					t.Errorf("%q judged high", shout+tt.text)
				}
			})
		}
	}
	if s := m.Assess(context.Background(), "URGENTE", Italian); s.Urgency.Level == High {
		t.Errorf("the bare word is high: %+v", s.Urgency)
	}
}

func TestReadSeverityExamplesErrors(t *testing.T) {
	for name, in := range map[string]string{
		"bad json":    "{\"text\": \n",
		"bad urgency": `{"text":"x","lang":"it","urgency":"critical","impact":"low","type":"incident"}`,
		"bad type":    `{"text":"x","lang":"it","urgency":"low","impact":"low","type":"complaint"}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ReadSeverityExamples(strings.NewReader(in)); err == nil {
				t.Error("no error")
			}
		})
	}
	if _, err := TrainSeverityModel(nil); err == nil {
		t.Error("training on nothing succeeded")
	}
}

func FuzzSeverityAssess(f *testing.F) {
	m := testModel(f)
	for _, s := range []string{"", "urgente", "tutti", "nessuno riesce", "2 3 4 pc", "\xff\xfe", "ho cliccato phishing", strings.Repeat("virus ", 50)} {
		f.Add(s, Italian)
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		s := m.Assess(context.Background(), text, lang)
		for _, a := range []Assessment{s.Urgency, s.Impact} {
			if indexOf(Levels, a.Level) < 0 || !(a.Confidence > 0 && a.Confidence <= 1) {
				t.Fatalf("bad assessment %+v", a)
			}
		}
		if indexOf(Types, s.Type.Level) < 0 {
			t.Fatalf("bad type %+v", s.Type)
		}
	})
}

// BenchmarkClassifyAndAssess measures what the engine spends on one
// message: language, intent and severity.
func BenchmarkClassifyAndAssess(b *testing.B) {
	m := testModel(b)
	msgs := []string{
		"Buongiorno, dalle 8 il programma delle ricette non si collega al SAR e ho pazienti in attesa",
		"a che punto è il ticket HD-2026-000123?",
		"The whole office lost the network since this morning",
		"grazie mille",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		text := msgs[i%len(msgs)]
		d := DetectLanguage(text, Italian)
		Classify(text, d.Lang)
		m.Assess(context.Background(), text, d.Lang)
	}
}

func BenchmarkNewSeverityModel(b *testing.B) {
	for b.Loop() {
		if _, err := NewSeverityModel(); err != nil {
			b.Fatal(err)
		}
	}
}
