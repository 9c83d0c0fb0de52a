// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"errors"
	"strings"

	"helpdesk/nlp"
)

// A language model behind the Composer or the severity model answers in
// seconds, not microseconds: asked inside the message's transaction it
// would hold a pool connection and the conversation's row lock for that
// long. So the engine never calls it there. When the dialogue needs a
// model's answer it does not have yet, the transaction is rolled back
// (nothing of it was written), the calls are made outside it — the
// conversation still locked in this process, so its messages keep their
// order — and the message is handled again with the answers at hand. The
// knowledge base search of the first try is kept too, so it is logged once.

// errNeedModel aborts a try that needs model answers not yet made.
var errNeedModel = errors.New("the message needs a language model's answer first")

// Remote is implemented by a SeverityModel that calls out (the language
// model assist); a local model's Assess runs inside the transaction.
type Remote interface{ Remote() bool }

// memo carries what one message's tries have learnt: model answers made
// between tries, and searches already run.
type memo struct {
	vals    map[string]any
	missing map[string]func(context.Context) any
	limit   *verdict // the user's rate limit, taken once per message
}

// newMemo is empty; its maps are made on first use (most messages need
// no model and no second try).
func newMemo() *memo { return &memo{} }

// model returns the answer stored under key, or records run to be made
// outside the transaction and reports false.
func (m *memo) model(key string, run func(context.Context) any) (any, bool) {
	if v, ok := m.vals[key]; ok {
		return v, true
	}
	if m.missing == nil {
		m.missing = map[string]func(context.Context) any{}
	}
	m.missing[key] = run
	return nil, false
}

func (m *memo) keep(key string, v any) {
	if m.vals == nil {
		m.vals = map[string]any{}
	}
	m.vals[key] = v
}

// runMissing makes the recorded model calls.
func (m *memo) runMissing(ctx context.Context) {
	for k, run := range m.missing {
		m.keep(k, run(ctx))
		delete(m.missing, k)
	}
}

// assess is the severity of text: the local model inside the
// transaction, a remote one through the memo.
func (e *Engine) assess(ctx context.Context, t *turn, text string) (nlp.Severity, error) {
	return e.assessIn(ctx, t.memo, text, t.lang)
}

func (e *Engine) assessIn(ctx context.Context, m *memo, text, lang string) (nlp.Severity, error) {
	if !e.remoteSeverity() {
		return e.opt.Severity.Assess(ctx, text, lang), nil
	}
	v, ok := m.model("assess\x00"+lang+"\x00"+text, func(ctx context.Context) any { return e.opt.Severity.Assess(ctx, text, lang) })
	if !ok {
		return nlp.Severity{}, errNeedModel
	}
	return v.(nlp.Severity), nil
}

func (e *Engine) remoteSeverity() bool {
	r, ok := e.opt.Severity.(Remote)
	return ok && r.Remote()
}

// search runs the knowledge base search once per message, whatever the
// number of tries (a model asked between them): the search log then holds
// it once.
func (e *Engine) search(ctx context.Context, t *turn, q string) ([]Answer, error) {
	key := "search\x00" + t.lang + "\x00" + q
	if v, ok := t.memo.vals[key]; ok {
		return v.([]Answer), nil
	}
	answers, err := e.opt.Knowledge.Search(ctx, q, t.lang, t.in.Channel)
	if err == nil {
		t.memo.keep(key, answers)
	}
	return answers, err
}

// composeResult is a Composer's answer, kept between tries.
type composeResult struct {
	text  string
	cited []string
	err   error
}

func (e *Engine) composeCall(t *turn, q string, sources []Answer) (composeResult, error) {
	ids := make([]string, len(sources))
	for i, s := range sources {
		ids[i] = s.EntryID
	}
	lang := t.lang
	v, ok := t.memo.model("compose\x00"+lang+"\x00"+q+"\x00"+strings.Join(ids, ","), func(ctx context.Context) any {
		text, cited, err := e.opt.Composer.Compose(ctx, q, lang, sources)
		return composeResult{text, cited, err}
	})
	if !ok {
		return composeResult{}, errNeedModel
	}
	return v.(composeResult), nil
}
