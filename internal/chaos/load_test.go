// SPDX-License-Identifier: EUPL-1.2

package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/jmoiron/sqlx"
)

// problems and follow-ups are what simulated users say: each
// conversation is a problem, then an answer to the bot's question, so the
// bot replies to both and tickets are opened.
var problems = []string{
	"Buongiorno, la stampante del reparto non stampa più",
	"non riesco ad accedere alla cartella clinica elettronica",
	"il computer dell'ambulatorio 3 non si accende",
	"Hello, my password expired and I cannot log in",
	"la VPN da casa non si collega",
}

// followUps[i] is the conversation's i-th answer to the bot when it
// gathers a ticket: the service affected, then an e-mail address.
var followUps = [][]string{
	{"la stampante", "the printer"},
	{"utente.prova@example.org", "test.user@example.org"},
}

// load is a crowd of simulated Telegram users, each talking in order
// (the next message after the previous one was accepted), through
// whichever instances are up, retrying like Telegram does when an
// instance answers an error or is gone.
type load struct {
	t        *testing.T
	targets  func() []*instance
	users    int
	perUser  int
	triple   int // every triple-th message is delivered three times (0: never)
	updateID atomic.Int64
	accepted atomic.Int64 // updates answered 200 (counting redeliveries)
	retried  atomic.Int64 // deliveries answered with an error or refused
	sent     atomic.Int64 // distinct messages delivered
	slowFail atomic.Int64 // longest refused delivery, in milliseconds
	// lastOK, maxGap: when an update was last accepted and the longest
	// pause between two acceptances (unix ns, ns): the time without
	// service. since/firstAfter: the first acceptance after a moment the
	// test marks (unix ns).
	lastOK, maxGap, since, firstAfter atomic.Int64
	client                            *http.Client
}

// chatOf is the Telegram chat of user u's m-th message: a new
// conversation every three messages (a user opens several over the load).
func chatOf(u, m int) int64 { return int64(7_000_000 + u*1000 + m/3) }

// run sends every user's messages; progress is called after each distinct
// message with the count so far.
func (l *load) run(ctx context.Context, progress func(n int64)) {
	l.client = &http.Client{Timeout: 90 * time.Second}
	var wg sync.WaitGroup
	for u := 0; u < l.users; u++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := 0; m < l.perUser; m++ {
				if ctx.Err() != nil {
					return
				}
				upd := l.update(u, m)
				l.deliver(ctx, upd, u+m)
				if l.triple > 0 && (u*l.perUser+m)%l.triple == 0 {
					// The same update twice more, at once, on every instance.
					var rw sync.WaitGroup
					for i := 0; i < 2; i++ {
						rw.Add(1)
						go func() { defer rw.Done(); l.deliver(ctx, upd, u+m+i+1) }()
					}
					rw.Wait()
				}
				if progress != nil {
					progress(l.sent.Add(1))
				} else {
					l.sent.Add(1)
				}
			}
		}()
	}
	wg.Wait()
}

func (l *load) update(u, m int) []byte {
	chat := chatOf(u, m)
	p := (u + m/3) % len(problems)
	text := fmt.Sprintf("%s (%d)", problems[p], m)
	if m%3 > 0 {
		lang := 0
		if strings.HasPrefix(problems[p], "Hello") {
			lang = 1
		}
		text = followUps[m%3-1][lang]
	}
	b, _ := json.Marshal(map[string]any{
		"update_id": l.updateID.Add(1),
		"message": map[string]any{
			"message_id": m + 1, "date": time.Now().Unix(),
			"chat": map[string]any{"id": chat, "type": "private", "first_name": fmt.Sprint("U", u)},
			"from": map[string]any{"id": 7_000_000 + u, "is_bot": false, "first_name": fmt.Sprint("U", u), "language_code": "it"},
			"text": text,
		},
	})
	return b
}

// deliver posts one update until an instance answers 200.
func (l *load) deliver(ctx context.Context, body []byte, pick int) {
	for attempt := 0; ctx.Err() == nil; attempt++ {
		ts := l.targets()
		if len(ts) == 0 {
			time.Sleep(100 * time.Millisecond) // Telegram's retry pause while no instance is up
			continue
		}
		in := ts[(pick+attempt)%len(ts)]
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+in.addr+"/telegram/webhook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", webhookSecret)
		start := time.Now()
		resp, err := l.client.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			ms := time.Since(start).Milliseconds()
			for cur := l.slowFail.Load(); ms > cur && !l.slowFail.CompareAndSwap(cur, ms); cur = l.slowFail.Load() {
			}
		}
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				l.accepted.Add(1)
				l.okAt(time.Now().UnixNano())
				return
			}
		}
		l.retried.Add(1)
		time.Sleep(time.Duration(min(attempt+1, 10)) * 100 * time.Millisecond) // Telegram's redelivery backoff
	}
}

func (l *load) okAt(now int64) {
	if prev := l.lastOK.Swap(now); prev != 0 {
		for gap, cur := now-prev, l.maxGap.Load(); gap > cur && !l.maxGap.CompareAndSwap(cur, gap); cur = l.maxGap.Load() {
		}
	}
	if mark := l.since.Load(); mark != 0 && now >= mark {
		l.firstAfter.CompareAndSwap(0, now)
	}
}

// deadline is when a chaos test's waits give up: shortly before the test
// binary's -timeout, so that tally still reports. A chaos test runs load
// for minutes at full size (make chaos), longer than testwait.Patience,
// which counts from a test's first wait.
func deadline(t *testing.T) time.Time {
	if end, ok := t.Deadline(); ok {
		return end.Add(-30 * time.Second)
	}
	return time.Now().Add(10 * time.Minute)
}

// counts is what a fault test prints and judges.
type counts struct {
	Sent, Recorded, Replied, RepliesRecorded, RepliesDelivered int
	Duplicated, Lost, Unreplied, Unsent, DupTickets, Tickets   int
	OutOfOrder, Retried, UnrepliedInBot                        int
}

func (c counts) String() string {
	return fmt.Sprintf("sent=%d recorded=%d replied=%d replies_recorded=%d replies_delivered=%d duplicated=%d lost=%d unreplied=%d unreplied_in_bot_state=%d unsent=%d tickets=%d duplicate_ticket_numbers=%d out_of_order=%d deliveries_retried=%d",
		c.Sent, c.Recorded, c.Replied, c.RepliesRecorded, c.RepliesDelivered, c.Duplicated, c.Lost, c.Unreplied, c.UnrepliedInBot, c.Unsent, c.Tickets, c.DupTickets, c.OutOfOrder, c.Retried)
}

// drain waits until every recorded reply is marked sent and the fake has
// received as many messages as were recorded, or the test's deadline is
// near; then tally and judge say what is missing.
func drain(t *testing.T, db *sqlx.DB, api *botAPI) {
	deadline := deadline(t)
	for time.Now().Before(deadline) {
		var unsent, outs int
		if err := db.Get(&unsent, `SELECT count(*) FROM messages WHERE channel = 'telegram' AND direction = 'out' AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)`); err != nil {
			t.Fatal(err)
		}
		if err := db.Get(&outs, `SELECT count(*) FROM messages WHERE channel = 'telegram' AND direction = 'out'`); err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, l := range api.received() {
			got += len(l)
		}
		if unsent == 0 && got >= outs {
			return
		}
		time.Sleep(100 * time.Millisecond) // a poll interval: the counts decide
	}
}

// tally compares what users sent, what the database recorded and what the
// fake Bot API received.
func tally(t *testing.T, db *sqlx.DB, api *botAPI, l *load) counts {
	t.Helper()
	c := counts{Sent: int(l.sent.Load()), Retried: int(l.retried.Load())}
	q := func(dst *int, query string) {
		if err := db.Get(dst, query); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	q(&c.Recorded, `SELECT count(*) FROM messages WHERE channel = 'telegram' AND direction = 'in'`)
	q(&c.Replied, `SELECT count(*) FROM messages i WHERE i.channel = 'telegram' AND i.direction = 'in'
		AND EXISTS (SELECT 1 FROM messages o WHERE o.channel = 'telegram' AND o.external_id LIKE 'out:' || i.id || ':%')`)
	q(&c.RepliesRecorded, `SELECT count(*) FROM messages WHERE channel = 'telegram' AND direction = 'out'`)
	q(&c.Unsent, `SELECT count(*) FROM messages WHERE channel = 'telegram' AND direction = 'out' AND NOT EXISTS (SELECT 1 FROM message_deliveries d WHERE d.message_id = messages.id)`)
	q(&c.Tickets, `SELECT count(*) FROM tickets`)
	q(&c.DupTickets, `SELECT count(*) FROM (SELECT number FROM tickets GROUP BY number HAVING count(*) > 1) d`)
	c.Unreplied = c.Recorded - c.Replied
	// The bot stays silent on purpose once a conversation waits for or is
	// held by an agent; a message left unanswered while the bot still held
	// the conversation is a loss.
	q(&c.UnrepliedInBot, `SELECT count(*) FROM messages i JOIN conversations c ON c.id = i.conversation_id
		WHERE i.channel = 'telegram' AND i.direction = 'in' AND c.state = 'bot'
		AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.channel = 'telegram' AND o.external_id LIKE 'out:' || i.id || ':%')`)
	if c.Sent > c.Recorded {
		c.Lost += c.Sent - c.Recorded
	}
	if c.Recorded > c.Sent {
		c.Duplicated += c.Recorded - c.Sent
	}

	// Per chat: the texts the fake received against the replies recorded,
	// in order.
	var rows []struct {
		Key  string `db:"conversation_key"`
		Body string `db:"body"`
	}
	if err := db.Select(&rows, `SELECT c.conversation_key, m.body FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.channel = 'telegram' AND m.direction = 'out' ORDER BY m.id`); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{}
	for _, r := range rows {
		want[r.Key] = append(want[r.Key], r.Body)
	}
	got := api.received()
	for chat, texts := range got {
		c.RepliesDelivered += len(texts)
		dup, disorder, matched := compare(want[fmt.Sprint(chat)], texts)
		c.Duplicated += dup
		if disorder {
			t.Logf("chat %d: replies out of order:\nrecorded  %q\ndelivered %q", chat, want[fmt.Sprint(chat)], texts)
			c.OutOfOrder++
		}
		c.Lost += len(want[fmt.Sprint(chat)]) - matched
	}
	for key, w := range want {
		var chat int64
		fmt.Sscan(key, &chat)
		if _, ok := got[chat]; !ok {
			c.Lost += len(w)
		}
	}
	return c
}

// compare walks what a chat received against the replies recorded for it:
// each delivered text is either the next recorded reply (matched), a
// repeat of one already delivered (dup), or out of order.
func compare(recorded, delivered []string) (dup int, disorder bool, matched int) {
	seen := map[string]bool{}
	for _, d := range delivered {
		switch {
		case matched < len(recorded) && sameText(recorded[matched], d):
			matched++
		case seen[d]:
			dup++
			continue
		default:
			disorder = true
		}
		seen[d] = true
	}
	return dup, disorder, matched
}

// sameText compares a recorded reply with the rendered text Telegram got:
// the first letters and digits, markup aside.
func sameText(recorded, rendered string) bool {
	a, b := letters(recorded, 24), letters(stripTags(rendered), 24)
	return strings.HasPrefix(b, a[:min(len(a), len(b))]) && len(b) > 0 || len(a) == 0
}

func letters(s string, n int) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			if b.Len() >= n {
				break
			}
		}
	}
	return b.String()
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&", "&quot;", `"`, "&#39;", "'")
	return r.Replace(b.String())
}

// probe asks an instance's /readyz (database reachable).
func (l *load) probe(in *instance) (int, error) {
	resp, err := http.Get("http://" + in.addr + "/readyz")
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("readyz answered %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}
