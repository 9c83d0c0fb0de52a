// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"helpdesk/bots"
	"helpdesk/bots/journey"
)

var updateJourney = flag.Bool("update", false, "rewrite the journey's golden transcript")

// tgJourney is the user's Telegram client against the fake Bot API.
type tgJourney struct {
	api    *fakeAPI
	mu     sync.Mutex
	update int64
	msg    int64
	user   int64
}

func (j *tgJourney) Name() string { return channel }

func (j *tgJourney) Write(t *testing.T, text string) {
	j.mu.Lock()
	j.update++
	j.msg++
	u := textUpdate(j.update, j.msg, j.user, "it", text)
	j.mu.Unlock()
	j.api.push(u)
}

func (j *tgJourney) Press(t *testing.T, action string, oldest bool) {
	t.Helper()
	sent := j.api.callsTo("sendMessage")
	order := make([]int, len(sent))
	for i := range sent {
		order[i] = len(sent) - 1 - i
		if oldest {
			order[i] = i
		}
	}
	for _, i := range order {
		for label, data := range buttons(t, sent[i]) {
			if bots.ActionOf(data) != action {
				continue
			}
			_ = label
			msgID, _ := strconv.ParseInt(sent[i].Fields["_message_id"], 10, 64)
			j.mu.Lock()
			j.update++
			u := callbackOn(j.update, fmt.Sprintf("cbq-j%d", j.update), j.user, msgID, data, sent[i].Fields["reply_markup"])
			j.mu.Unlock()
			j.api.push(u)
			return
		}
	}
	t.Fatalf("no button %q was ever shown", action)
}

func (j *tgJourney) Shown() []journey.Shown {
	var out []journey.Shown
	for _, c := range j.api.callsTo("sendMessage") {
		s := journey.Shown{Text: c.Fields["text"]}
		var kb struct {
			InlineKeyboard [][]struct {
				Text         string `json:"text"`
				CallbackData string `json:"callback_data"`
			} `json:"inline_keyboard"`
		}
		if m := c.Fields["reply_markup"]; m != "" {
			json.Unmarshal([]byte(m), &kb)
		}
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				s.Buttons = append(s.Buttons, journey.Button{Label: b.Text, Action: b.CallbackData})
			}
		}
		out = append(out, s)
	}
	return out
}

// TestJourney plays the one scripted journey through the fake Bot API
// and the production adapter; the transcript is
// testdata/journeys/telegram.golden (go test -run TestJourney -update).
func TestJourney(t *testing.T) {
	desk := journey.NewDesk(t, "../../content/kb")
	api := newFakeAPI(t)
	a := newTestAdapter(t, Config{APIURL: api.URL(), PollTimeout: time.Second}, desk.Engine, WithDB(desk.DB))
	desk.Engine.RegisterSender(channel, a)
	startRun(t, a)
	journey.Run(t, &tgJourney{api: api, user: 7019990001, update: 5000}, desk, *updateJourney)
}
