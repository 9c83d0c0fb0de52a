// SPDX-License-Identifier: EUPL-1.2

package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot"

	"helpdesk/internal/pause"
)

// allowedUpdates are the update types the adapter asks for.
var allowedUpdates = []string{"message", "callback_query"}

// Run receives updates until ctx ends: by long polling, or (webhook mode)
// by registering the webhook and leaving the rest to Routes. It also
// publishes the command menu. Failures are logged and retried with
// backoff; Run returns nil when ctx ends.
func (a *Adapter) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.retry(ctx, "publish the command menu", a.registerCommands) }()
	go func() { defer wg.Done(); a.pruneDaily(ctx) }()
	defer wg.Wait()
	if a.cfg.Mode == ModeWebhook {
		if a.cfg.WebhookURL != "" {
			a.retry(ctx, "register the webhook", a.setWebhook)
		}
		<-ctx.Done()
		return nil
	}
	a.poll(ctx)
	return nil
}

// retry runs f until it succeeds or ctx ends, backing off up to 5 minutes.
func (a *Adapter) retry(ctx context.Context, what string, f func(context.Context) error) {
	wait := time.Second
	for {
		err := f(ctx)
		if err == nil || ctx.Err() != nil {
			return
		}
		a.log.Error("telegram: cannot "+what+"; retrying", "in", wait, "err", err)
		if a.sleep(ctx, wait) != nil {
			return
		}
		wait = min(2*wait, 5*time.Minute)
	}
}

func (a *Adapter) setWebhook(ctx context.Context) error {
	return a.call(ctx, "setWebhook", func(ctx context.Context) error {
		_, err := a.bot.SetWebhook(ctx, &bot.SetWebhookParams{URL: a.cfg.WebhookURL, SecretToken: a.cfg.WebhookSecret, AllowedUpdates: allowedUpdates})
		return err
	})
}

// pruneDaily forgets button keys unused for 180 days: older keyboards are
// long scrolled away, and a press on one is answered as expired.
func (a *Adapter) pruneDaily(ctx context.Context) {
	for {
		if err := a.keys.prune(ctx, time.Now().Add(-180*24*time.Hour)); err != nil && ctx.Err() == nil {
			a.log.Warn("prune telegram button keys", "err", err)
		}
		if pause.For(ctx, 24*time.Hour) != nil {
			return
		}
	}
}

// poll is the long-polling loop. The offset confirms updates to
// Telegram; it moves past an update only once that update is handled, so
// one that failed because the database was down is fetched again (the
// engine recognises the ones after it, handled meanwhile, as duplicates).
func (a *Adapter) poll(ctx context.Context) {
	var offset int64
	var failWait, retryWait time.Duration
	for ctx.Err() == nil {
		raws, err := a.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			var rl *rateLimited
			switch {
			case errors.As(err, &rl):
				failWait = rl.after
			case errors.Is(err, ErrWebhookSet), errors.Is(err, ErrBadToken):
				failWait = min(max(2*failWait, 10*time.Second), time.Minute)
			default:
				failWait = min(max(2*failWait, time.Second), 30*time.Second)
			}
			a.log.Error("telegram getUpdates failed", "retry_in", failWait, "err", err)
			if a.sleep(ctx, failWait) != nil {
				return
			}
			continue
		}
		failWait = 0
		next, done := a.handleBatch(ctx, raws, offset)
		offset = next
		if done {
			retryWait = 0
			continue
		}
		if ctx.Err() != nil {
			return
		}
		retryWait = min(max(2*retryWait, time.Second), 30*time.Second)
		a.log.Warn("telegram updates left for later", "offset", offset, "retry_in", retryWait)
		if a.sleep(ctx, retryWait) != nil {
			return
		}
	}
}

// rateLimited is a 429 on getUpdates.
type rateLimited struct{ after time.Duration }

func (e *rateLimited) Error() string { return fmt.Sprintf("rate limited: retry after %s", e.after) }

// getUpdates asks for the updates from offset on, waiting up to
// PollTimeout. It speaks the Bot API directly (multipart/form-data, as the
// library does): the library does not expose the call.
func (a *Adapter) getUpdates(ctx context.Context, offset int64) ([]json.RawMessage, error) {
	var body bytes.Buffer
	form := multipart.NewWriter(&body)
	if offset > 0 {
		form.WriteField("offset", strconv.FormatInt(offset, 10))
	}
	form.WriteField("limit", "100")
	form.WriteField("timeout", strconv.Itoa(int(a.cfg.PollTimeout/time.Second)))
	allowed, _ := json.Marshal(allowedUpdates)
	form.WriteField("allowed_updates", string(allowed))
	if err := form.Close(); err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, a.cfg.PollTimeout+15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, a.cfg.APIURL+"/bot"+a.cfg.Token+"/getUpdates", &body)
	if err != nil {
		return nil, errors.New(redact(err.Error(), a.cfg.Token))
	}
	req.Header.Set("Content-Type", form.FormDataContentType())
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram getUpdates: %s", redact(err.Error(), a.cfg.Token))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("telegram getUpdates: read answer: %w", err)
	}
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("telegram getUpdates: HTTP %d, answer is not Bot API JSON: %w", resp.StatusCode, err)
	}
	if r.OK {
		return r.Result, nil
	}
	code := r.ErrorCode
	if code == 0 {
		code = resp.StatusCode
	}
	switch code {
	case http.StatusConflict:
		if strings.Contains(strings.ToLower(r.Description), "webhook") {
			return nil, fmt.Errorf("%w (%s): polling cannot work while it is; either set the channel to webhook mode, or delete the webhook (Bot API deleteWebhook) to keep polling", ErrWebhookSet, r.Description)
		}
		return nil, fmt.Errorf("telegram getUpdates: 409 %s: another process is polling with the same bot token; run one poller per bot, or use webhook mode for several instances", r.Description)
	case http.StatusUnauthorized, http.StatusNotFound:
		return nil, fmt.Errorf("%w (%d %s): copy the token again from @BotFather", ErrBadToken, code, r.Description)
	case http.StatusTooManyRequests:
		return nil, &rateLimited{after: time.Duration(max(r.Parameters.RetryAfter, 1)) * time.Second}
	}
	return nil, fmt.Errorf("telegram getUpdates: %d %s", code, r.Description)
}

// pending is one update of a batch.
type pending struct {
	id   int64
	ev   event
	done bool
}

// handleBatch handles a batch of updates: the chats in parallel (up to
// Workers), each chat's updates in order, stopping a chat at its first
// update to retry. It returns the next offset — just past the longest run
// of handled updates from the start — and whether all were handled.
func (a *Adapter) handleBatch(ctx context.Context, raws []json.RawMessage, offset int64) (int64, bool) {
	var items []*pending
	for _, raw := range raws {
		var head struct {
			UpdateID int64 `json:"update_id"`
		}
		if err := json.Unmarshal(raw, &head); err != nil || head.UpdateID <= 0 {
			a.log.Warn("malformed update without update_id dropped", "err", err, "bytes", len(raw))
			continue
		}
		p := &pending{id: head.UpdateID}
		u, err := decodeUpdate(raw)
		if err != nil {
			a.log.Warn("malformed update dropped", "update_id", head.UpdateID, "err", err)
			p.done = true
		} else {
			p.ev = u.event(a.botID)
		}
		items = append(items, p)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].id < items[j].id })

	byChat := map[int64][]*pending{}
	var chats []int64
	for _, p := range items {
		if p.done {
			continue
		}
		if _, ok := byChat[p.ev.chatID]; !ok {
			chats = append(chats, p.ev.chatID)
		}
		byChat[p.ev.chatID] = append(byChat[p.ev.chatID], p)
	}
	sem := make(chan struct{}, a.cfg.Workers)
	var wg sync.WaitGroup
	for _, c := range chats {
		wg.Add(1)
		sem <- struct{}{}
		go func(list []*pending) {
			defer func() { <-sem; wg.Done() }()
			for _, p := range list {
				if err := a.process(ctx, p.id, p.ev); err != nil {
					return // this chat's later updates wait too, to keep their order
				}
				p.done = true
			}
		}(byChat[c])
	}
	wg.Wait()

	if len(items) == 0 && len(raws) > 0 {
		return offset, false // nothing we can confirm: back off rather than spin
	}
	next, all := offset, true
	for _, p := range items {
		if !p.done {
			all = false
			break
		}
		next = p.id + 1
	}
	if all && len(items) > 0 {
		next = items[len(items)-1].id + 1
	}
	return next, all
}
