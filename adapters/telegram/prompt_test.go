// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPressedPromptIsMarked: pressing a button edits its message — the
// text stays, the keyboard becomes one "✓ <label>" — through
// editMessageReplyMarkup in the Bot API's shape; a second press of the
// same (old) keyboard changes nothing and is told the choice is no
// longer valid; the mark itself does nothing when pressed.
func TestPressedPromptIsMarked(t *testing.T) {
	t.Parallel()
	eng, pool := newEngine(t)
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, eng, WithDB(pool))
	eng.RegisterSender("telegram", a)
	startRun(t, a)

	const user = 7012345679
	api.push(textUpdate(700, 1, user, "it", "il lettore di smart card non legge la tessera"))
	answer := api.nextSent(t)
	notSolved := buttons(t, answer)["Non risolto"]
	if notSolved == "" {
		t.Fatalf("no Non risolto button: %v", buttons(t, answer))
	}
	msgID, _ := strconv.ParseInt(answer.Fields["_message_id"], 10, 64)
	keyboard := answer.Fields["reply_markup"]

	api.push(callbackOn(701, "cbq-701", user, msgID, notSolved, keyboard))
	api.nextSent(t) // what the press led to
	waitFor(t, "the pressed prompt edited", func() bool { return len(api.callsTo("editMessageReplyMarkup")) == 1 })
	edit := api.callsTo("editMessageReplyMarkup")[0]
	if edit.Fields["chat_id"] != strconv.Itoa(user) || edit.Fields["message_id"] != strconv.FormatInt(msgID, 10) {
		t.Fatalf("edit addressed to %q/%q, want %d/%d", edit.Fields["chat_id"], edit.Fields["message_id"], user, msgID)
	}
	var mark struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(edit.Fields["reply_markup"]), &mark); err != nil {
		t.Fatal(err)
	}
	if len(mark.InlineKeyboard) != 1 || len(mark.InlineKeyboard[0]) != 1 || mark.InlineKeyboard[0][0].Text != "✓ Non risolto" {
		t.Fatalf("keyboard after the press: %s", edit.Fields["reply_markup"])
	}
	if _, ok := edit.Fields["text"]; ok {
		t.Error("the edit changed the message's text")
	}

	// The same old keyboard pressed again (a double tap, a stale client).
	api.push(callbackOn(702, "cbq-702", user, msgID, notSolved, keyboard))
	again := api.nextSent(t)
	if !strings.Contains(again.Fields["text"], "non è più valida") {
		t.Fatalf("second press answered %q", again.Fields["text"])
	}
	// The mark pressed: answered, nothing sent, nothing edited.
	api.push(callbackOn(703, "cbq-703", user, msgID, chosenData, edit.Fields["reply_markup"]))
	waitFor(t, "the mark's press answered", func() bool { return len(api.callsTo("answerCallbackQuery")) == 3 })
	api.noMoreSent(t, 300*time.Millisecond)
	if n := len(api.callsTo("editMessageReplyMarkup")); n != 1 {
		t.Fatalf("%d edits, want the first press's only", n)
	}
}
