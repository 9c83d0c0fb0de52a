package main

import (
	"context"
	"strings"
	"testing"

	"helpdesk/internal/testdb"
)

// TestChatAgainstTheDemoKnowledgeBase drives `helpdesk chat` as a newcomer
// would: greet, press a numbered button, ask a question in Italian, and
// get an answer from the demo knowledge base with its buttons.
func TestChatAgainstTheDemoKnowledgeBase(t *testing.T) {
	url := testdb.NewURL(t)
	in := strings.NewReader("buongiorno\n1\nil lettore della tessera sanitaria non la vede più\n")
	var out, errOut strings.Builder
	code := run(context.Background(), []string{"chat", "-as", "anna"}, in, &out, &errOut, []string{
		"DATABASE_URL=" + url, "HELPDESK_KB_CONTENT_DIR=../../content/kb",
	})
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		"Chat con l'assistente", // welcome
		"[1] Cerca nelle guide", // numbered buttons of the greeting
		"Scrivi la domanda",     // button 1 pressed
		"Risolto",               // an answer with its feedback buttons
	} {
		if !strings.Contains(got, want) {
			t.Errorf("chat output lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(got, "smart card") && !strings.Contains(got, "CNS") && !strings.Contains(got, "Intendevi") {
		t.Errorf("the answer is not about the card reader:\n%s", got)
	}
}
