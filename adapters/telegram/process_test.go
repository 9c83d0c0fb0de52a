// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

// TestProcess covers what the adapter does itself, around the engine.
func TestProcess(t *testing.T) {
	fixture := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "updates", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name       string
		update     string
		engineErr  error
		wantRetry  bool
		wantEngine bool
		wantNotice string // text of a message the adapter sends itself
		wantAlert  string // text of the callback answer
		wantAnswer bool   // the callback is answered
	}{
		{name: "text to the engine", update: fixture("private_text.json"), wantEngine: true},
		{name: "database down: retry", update: fixture("private_text.json"), engineErr: fmt.Errorf("x: %w", db.ErrUnavailable), wantEngine: true, wantRetry: true},
		{name: "too long", update: fixture("private_text.json"), engineErr: bots.ErrTooLong, wantEngine: true, wantNotice: "troppo lungo"},
		{name: "invalid for the engine: dropped", update: fixture("private_text.json"), engineErr: bots.ErrInvalidInbound, wantEngine: true},
		{name: "engine failure: apology", update: fixture("private_text.json"), engineErr: errors.New("boom"), wantEngine: true, wantNotice: "problema tecnico"},
		{name: "sticker", update: fixture("sticker.json"), wantNotice: "only read text"},
		{name: "command in a group", update: fixture("group_command.json"), wantNotice: "chat privata"},
		{name: "chatter in a group: silence", update: fixture("group_text.json")},
		{name: "button", update: fixture("callback_query.json"), wantEngine: true, wantAnswer: true},
		{name: "expired button", update: callbackUpdate(70, "cbq-x", 42, "~unknownkey00000000"), wantAlert: "non è più valido", wantAnswer: true},
		{name: "button in a group: answered, ignored", update: strings.Replace(fixture("callback_query.json"), `"type": "private"`, `"type": "group"`, 1), wantAnswer: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t)
			h := &recordingHandler{in: make(chan bots.Inbound, 1), err: func(bots.Inbound) error { return tt.engineErr }}
			a := newTestAdapter(t, Config{APIURL: api.URL()}, h)
			u, err := decodeUpdate([]byte(tt.update))
			if err != nil {
				t.Fatal(err)
			}
			err = a.process(context.Background(), u.UpdateID, u.event(a.botID))
			if (err != nil) != tt.wantRetry || (err != nil && !errors.Is(err, errRetry)) {
				t.Fatalf("process: %v, want retry %v", err, tt.wantRetry)
			}
			if reached := h.calls.Load() == 1; reached != tt.wantEngine {
				t.Errorf("reached the engine: %v, want %v", reached, tt.wantEngine)
			}
			sent := api.callsTo("sendMessage")
			if tt.wantNotice == "" && len(sent) > 0 || tt.wantNotice != "" && (len(sent) != 1 || !strings.Contains(sent[0].Fields["text"], tt.wantNotice)) {
				t.Errorf("notices %+v, want %q", sent, tt.wantNotice)
			}
			answers := api.callsTo("answerCallbackQuery")
			if (len(answers) == 1) != tt.wantAnswer || len(answers) > 1 {
				t.Fatalf("%d callback answers, want answered=%v", len(answers), tt.wantAnswer)
			}
			if tt.wantAnswer && !strings.Contains(answers[0].Fields["text"], tt.wantAlert) {
				t.Errorf("callback answer %q, want %q", answers[0].Fields["text"], tt.wantAlert)
			}
		})
	}
}
