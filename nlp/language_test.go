// SPDX-License-Identifier: EUPL-1.2

package nlp

import "testing"

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		fallback string
		want     string
		sure     bool
	}{
		{"italian greeting", "ciao", English, Italian, true},
		{"english greeting", "hi", Italian, English, true},
		{"italian thanks", "grazie mille", English, Italian, true},
		{"english thanks", "thanks!", Italian, English, true},
		{"italian problem", "la stampante non stampa da stamattina", English, Italian, true},
		{"english problem", "my printer does not print since this morning", Italian, English, true},
		{"italian with shared tech words", "non riesco ad accedere alla VPN", English, Italian, true},
		{"english with shared tech words", "I can't log in to the VPN", Italian, English, true},
		{"italian accents only", "però è così", English, Italian, true},
		{"english contraction", "it doesn't work", Italian, English, true},
		{"italian status", "a che punto è il ticket HD-2026-000123?", English, Italian, true},
		{"english status", "status of my ticket", Italian, English, true},
		{"ok falls back to italian", "ok", Italian, Italian, false},
		{"ok falls back to english", "ok", English, English, false},
		{"number falls back", "123", English, English, false},
		{"emoji falls back", "👍", Italian, Italian, false},
		{"empty falls back", "", English, English, false},
		{"shared words only", "PC VPN email", English, English, false},
		{"unknown fallback is italian", "ok", "fr", Italian, false},
		{"italian long clerk message", "Buongiorno, allo sportello unico il protocollo non funziona per nessuno", English, Italian, true},
		{"english long clerk message", "Good morning, at the one-stop shop nobody can register incoming mail", Italian, English, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DetectLanguage(tt.text, tt.fallback)
			if got.Lang != tt.want || got.Sure != tt.sure {
				t.Errorf("DetectLanguage(%q, %q) = %+v, want %s sure=%v", tt.text, tt.fallback, got, tt.want, tt.sure)
			}
			if got.Confidence < 0 || got.Confidence > 1 {
				t.Errorf("confidence %v out of [0,1]", got.Confidence)
			}
		})
	}
}

func FuzzDetectLanguage(f *testing.F) {
	for _, s := range []string{"ciao", "hello", "", "ok", "a che punto è il ticket HD-2026-000123", "\xff\xfe", "l'utente è bloccato"} {
		f.Add(s, Italian)
	}
	f.Fuzz(func(t *testing.T, text, fallback string) {
		d := DetectLanguage(text, fallback)
		if d.Lang != Italian && d.Lang != English {
			t.Fatalf("lang %q", d.Lang)
		}
		if d.Confidence < 0 || d.Confidence > 1 || d.Confidence != d.Confidence {
			t.Fatalf("confidence %v", d.Confidence)
		}
	})
}
