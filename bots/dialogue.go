// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"fmt"
	"net/mail"
	"strconv"
	"strings"

	"helpdesk/kb"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// dialogue is what the bot remembers between two messages of a
// conversation (stored in conversations.context as JSON).
type dialogue struct {
	// Step is what the bot waits for: "" (anything), "feedback" (after an
	// answer), "choose" (after "did you mean"), or a gathering step:
	// "describe", "product", "email".
	Step string `json:"step,omitempty"`
	// Query is the user's question or problem as first written.
	Query string `json:"query,omitempty"`
	// Tried lists the entries shown so far, for the agent's summary.
	Tried []string `json:"tried,omitempty"`
	// Shown is the entry the pending feedback is about; ShownRef the
	// knowledge base's record of showing it.
	Shown    string `json:"shown,omitempty"`
	ShownRef int64  `json:"shown_ref,omitempty"`
	// Reason says why a ticket is being gathered: not_solved, human,
	// severity, no_answer, user.
	Reason      string `json:"reason,omitempty"`
	Description string `json:"description,omitempty"`
	Product     string `json:"product,omitempty"`
	Email       string `json:"email,omitempty"`
	EmailTries  int    `json:"email_tries,omitempty"`
	// Severity is the model's last assessment, kept for the agent.
	Severity *severityNote `json:"severity,omitempty"`
	// ShownProduct is the product of the entry shown last: when the user
	// says it did not help, the ticket is about that product.
	ShownProduct string `json:"shown_product,omitempty"`
	// Prompt is the number of the live prompt: only its buttons apply
	// (prompts.go). 0: none.
	Prompt int64 `json:"prompt,omitempty"`
}

type severityNote struct {
	Urgency string   `json:"urgency"`
	Impact  string   `json:"impact"`
	Type    string   `json:"type"`
	Why     []string `json:"why,omitempty"`
}

// Actions channels may send for their own commands (Telegram's /help,
// /ticket, /status; Slack's slash commands …).
const (
	ActionHelp   = "menu:help"
	ActionTicket = actTicket
	ActionTrack  = actTrack
	ActionHuman  = actHuman
)

// Button actions. They are short: Telegram allows 64 bytes of callback data.
const (
	actFAQ      = "menu:faq"
	actTicket   = "menu:ticket"
	actTrack    = "menu:track"
	actHuman    = "menu:human"
	actSolved   = "fb:yes"
	actUnsolved = "fb:no"
	actPick     = "pick:" // + entry id
	actNone     = "pick-none"
	actSkip     = "skip"
	actDontKnow = "dontknow"
	actCancel   = "cancel"
	actCSAT     = "csat:" // + 1…5
	actReopen   = "reopen"
)

func (e *Engine) t(t *turn, key string, args ...any) string { return botText.T(t.lang, key, args...) }

func (e *Engine) menu(t *turn) []Button {
	return []Button{
		{Label: e.t(t, "btn.faq"), Action: actFAQ},
		{Label: e.t(t, "btn.ticket"), Action: actTicket},
		{Label: e.t(t, "btn.track"), Action: actTrack},
		{Label: e.t(t, "btn.human"), Action: actHuman},
	}
}

// respond decides the bot's answer to one message. Whatever the state,
// the user gets a reply, or one of the deliberate silences (states.go).
func (e *Engine) respond(ctx context.Context, t *turn) error {
	action, prompt, pressed := splitPrompt(t.in.Action)
	if t.conv.State == StateAgent {
		return e.whileHeld(ctx, t, action)
	}
	if t.limit != allowed {
		// Over the user's rate limit: recorded above, not worked on.
		if t.limit == limitedWarn {
			t.say(Reply{Text: e.t(t, "ratelimit.slow")})
			return nil
		}
		t.silence = SilenceRateLimited
		return nil
	}
	if pressed && (prompt != t.dlg.Prompt || t.dlg.Prompt == 0) {
		// A button of an older prompt, or a second press of this one.
		t.stale = true
		t.say(Reply{Text: e.t(t, "choice.stale")})
		return nil
	}
	switch t.conv.State {
	case StateQueued:
		return e.whileQueued(ctx, t, action)
	case StateResolved:
		done, err := e.afterResolution(ctx, t, action)
		if err != nil || done {
			return err
		}
		t.setState(t.actor(), StateBot)
		t.dlg = dialogue{}
	}
	if action != "" {
		return e.onAction(ctx, t, action)
	}
	intent := nlp.Classify(t.in.Text, t.lang)

	// Cancel, status and asking for a person work at any step, before any
	// search.
	switch intent.Kind {
	case nlp.IntentCancel:
		if isGathering(t.dlg.Step) {
			t.dlg = dialogue{}
			t.say(Reply{Text: e.t(t, "gather.cancelled")})
		} else {
			t.say(Reply{Text: e.t(t, "nothing.cancel")})
		}
		return nil
	case nlp.IntentTicketStatus:
		return e.status(ctx, t, intent.TicketRef)
	case nlp.IntentHuman:
		return e.handOff(ctx, t, t.in.Text)
	}

	// What the bot waits for shapes how the text is read.
	switch t.dlg.Step {
	case "describe", "product", "email":
		if intent.Kind == nlp.IntentOpenTicket && nlp.RequestOnly(t.in.Text, t.lang) {
			return e.gather(ctx, t, "") // already at it: ask the same again
		}
		return e.gather(ctx, t, strings.TrimSpace(t.in.Text))
	case "feedback":
		switch intent.Kind {
		case nlp.IntentFeedbackYes, nlp.IntentThanksBye:
			return e.solved(ctx, t)
		case nlp.IntentFeedbackNo:
			return e.unsolved(ctx, t)
		}
	case "choose":
		if intent.Kind == nlp.IntentFeedbackNo {
			return e.onAction(ctx, t, actNone)
		}
	}

	switch intent.Kind {
	case nlp.IntentGreeting:
		t.dlg.Step = ""
		name := ""
		if first := firstName(t.requester.Name); first != "" {
			name = " " + first
		}
		t.say(Reply{Text: e.t(t, "greeting", name), Buttons: e.menu(t)})
	case nlp.IntentThanksBye, nlp.IntentFeedbackYes:
		t.dlg = dialogue{}
		t.say(Reply{Text: e.t(t, "thanks.reply")})
	case nlp.IntentOpenTicket:
		said := t.in.Text
		if nlp.RequestOnly(said, t.lang) {
			said = ""
		}
		return e.startTicket(ctx, t, "user", said)
	case nlp.IntentSuggestion:
		return e.suggestion(ctx, t)
	case nlp.IntentSmallTalk, nlp.IntentFeedbackNo:
		t.say(Reply{Text: e.t(t, "smalltalk"), Buttons: e.menu(t)})
	default: // a problem or a question
		return e.question(ctx, t, t.in.Text)
	}
	return nil
}

func isGathering(step string) bool { return step == "describe" || step == "product" || step == "email" }

// onAction handles a pressed button.
func (e *Engine) onAction(ctx context.Context, t *turn, action string) error {
	switch {
	case action == actFAQ:
		t.dlg = dialogue{}
		t.say(Reply{Text: e.t(t, "ask.question")})
	case action == ActionHelp:
		t.dlg.Step = ""
		t.say(Reply{Text: e.t(t, "smalltalk"), Buttons: e.menu(t)})
	case action == actTicket:
		return e.startTicket(ctx, t, "user", "")
	case action == actTrack:
		return e.status(ctx, t, "")
	case action == actHuman:
		return e.handOff(ctx, t, "")
	case action == actSolved:
		return e.solved(ctx, t)
	case action == actUnsolved:
		return e.unsolved(ctx, t)
	case strings.HasPrefix(action, actPick):
		a, err := e.opt.Knowledge.Entry(ctx, strings.TrimPrefix(action, actPick), t.dlg.Query)
		if err != nil {
			t.say(Reply{Text: e.t(t, "noanswer"), Buttons: []Button{{Label: e.t(t, "btn.ticket"), Action: actTicket}}})
			return nil
		}
		a.SearchID = 0
		e.showAnswer(ctx, t, a)
	case action == actNone:
		return e.startTicket(ctx, t, "no_answer", t.dlg.Query)
	case action == actSkip, action == actDontKnow:
		if isGathering(t.dlg.Step) {
			return e.gather(ctx, t, "")
		}
		t.say(Reply{Text: e.t(t, "choice.stale")})
	case action == actCancel:
		t.dlg = dialogue{}
		t.say(Reply{Text: e.t(t, "gather.cancelled")})
	case action == actQueueCancel, action == actQueueStay, strings.HasPrefix(action, actCSAT), action == actReopen:
		// Buttons of a state the conversation has left.
		t.say(Reply{Text: e.t(t, "choice.stale")})
	default:
		e.log.Warn("unknown button action", "action", action, "channel", t.in.Channel)
		t.say(Reply{Text: e.t(t, "smalltalk"), Buttons: e.menu(t)})
	}
	return nil
}

// question searches the knowledge base for the user's text.
func (e *Engine) question(ctx context.Context, t *turn, q string) error {
	t.dlg.Query = q
	sev, err := e.assess(ctx, t, q)
	if err != nil {
		return err
	}
	t.dlg.Severity = note(sev)
	// A P1 (urgent and wide) skips the knowledge base: a person must know now.
	if e.opt.Tickets.Matrix().Priority(levelOf(sev.Urgency.Level), levelOf(sev.Impact.Level)) == tickets.P1 {
		t.say(Reply{Text: e.t(t, "gather.urgent")})
		return e.startTicket(ctx, t, "severity", q)
	}
	answers, err := e.search(ctx, t, q)
	if err != nil {
		return fmt.Errorf("knowledge search: %w", err)
	}
	// One answer when the first is likely enough alone, a short list when
	// two or three are together, else an honest "no reliable answer"
	// (kb.Policy.Decide: the evaluation decides the same way).
	hits := make([]kb.Hit, len(answers))
	for i, a := range answers {
		hits[i] = kb.Hit{EntryID: a.EntryID, Confidence: a.Confidence}
	}
	d := kb.PolicyFor(e.opt.AnswerThreshold).Decide(hits)
	switch d.Outcome {
	case kb.OutcomeNone:
		t.dlg.Step = ""
		t.say(Reply{Text: e.t(t, "noanswer"), Buttons: []Button{
			{Label: e.t(t, "btn.ticket"), Action: actNone}, {Label: e.t(t, "btn.human"), Action: actHuman}}})
	case kb.OutcomeChoices:
		t.dlg.Step = "choose"
		var bs []Button
		for _, a := range answers[:len(d.Hits)] {
			bs = append(bs, Button{Label: a.Title, Action: actPick + a.EntryID})
		}
		bs = append(bs, Button{Label: e.t(t, "btn.none"), Action: actNone})
		t.say(Reply{Text: e.t(t, "didyoumean"), Buttons: bs})
	default:
		// The composer may also draw on the next hits that are nearly as
		// likely as the first.
		confident := []Answer{answers[0]}
		for _, a := range answers[1:] {
			if a.Confidence >= e.opt.AnswerThreshold {
				confident = append(confident, a)
			}
		}
		a, err := e.compose(t, q, confident)
		if err != nil {
			return err
		}
		e.showAnswer(ctx, t, a)
	}
	return nil
}

// compose asks the Composer (if any) for a grounded answer built from the
// confident answers; anything that is not grounded in them falls back to
// the best plain answer.
// The model is not asked inside the transaction (modelcalls.go).
func (e *Engine) compose(t *turn, q string, answers []Answer) (Answer, error) {
	best := answers[0]
	if e.opt.Composer == nil {
		return best, nil
	}
	sources := answers[:min(3, len(answers))]
	c, err := e.composeCall(t, q, sources)
	if err != nil {
		return Answer{}, err
	}
	text, cited := c.text, c.cited
	if c.err != nil {
		e.log.Warn("composer failed; plain answer used", "err", c.err)
		return best, nil
	}
	if !grounded(cited, sources) || strings.TrimSpace(text) == "" {
		e.log.Info("composed answer discarded: not grounded", "cited", cited)
		return best, nil
	}
	composed := best
	for _, s := range sources {
		if s.EntryID == cited[0] {
			composed = s
		}
	}
	composed.Text = text
	return composed, nil
}

// grounded: at least one citation, all of them among the sources.
func grounded(cited []string, sources []Answer) bool {
	if len(cited) == 0 {
		return false
	}
	for _, c := range cited {
		found := false
		for _, s := range sources {
			found = found || s.EntryID == c
		}
		if !found {
			return false
		}
	}
	return true
}

func (e *Engine) showAnswer(ctx context.Context, t *turn, a Answer) {
	// Recorded once per message, whatever the number of tries (search).
	key := fmt.Sprintf("shown\x00%d\x00%s@%d", a.SearchID, a.EntryID, a.Revision)
	ref, ok := t.memo.vals[key].(int64)
	if !ok {
		var err error
		if ref, err = e.opt.Knowledge.Shown(ctx, a, t.in.Channel); err != nil {
			e.log.Warn("record answer shown", "entry", a.EntryID, "err", err)
		} else {
			t.memo.keep(key, ref)
		}
	}
	t.dlg.Step, t.dlg.Shown, t.dlg.ShownRef, t.dlg.ShownProduct = "feedback", a.EntryID, ref, a.Product
	t.dlg.Tried = appendOnce(t.dlg.Tried, a.EntryID)
	r := Reply{Text: e.t(t, "answer.intro", a.Title) + "\n\n" + a.Text + "\n\n" + e.t(t, "answer.helped"), Media: a.Media,
		Buttons: []Button{
			{Label: e.t(t, "btn.solved"), Action: actSolved},
			{Label: e.t(t, "btn.unsolved"), Action: actUnsolved},
			{Label: e.t(t, "btn.human"), Action: actHuman},
		}}
	if a.URL != "" {
		r.Links = []Link{{Label: e.t(t, "btn.full"), URL: a.URL}}
	}
	t.say(r)
}

func (e *Engine) solved(ctx context.Context, t *turn) error {
	if t.dlg.Shown != "" {
		if err := e.opt.Knowledge.Rate(ctx, t.dlg.ShownRef, true); err != nil {
			e.log.Warn("record feedback", "err", err)
		}
		t.event(t.actor(), "solved_by_bot", "", t.dlg.Shown)
		// "Risolto" says the user's words ask for that entry: the
		// knowledge base learns them once enough people say so. The
		// confirmation is written on its own (in production with the
		// search log's next batch, kb/confirmlog.go), so it is handed
		// over after the message's transaction: once, and never for a
		// try rolled back (a language model asked between tries).
		if c, ok := e.opt.Knowledge.(Confirmer); ok && t.dlg.Query != "" {
			query, lang, entry, who := t.dlg.Query, t.lang, t.dlg.Shown, t.in.User.ID
			t.afterCommit = append(t.afterCommit, func(ctx context.Context) {
				if err := c.Confirm(ctx, query, lang, entry, who); err != nil {
					e.log.Warn("record confirmation", "entry", entry, "err", err)
				}
			})
		}
	}
	t.dlg = dialogue{}
	t.say(Reply{Text: e.t(t, "solved.thanks")})
	return nil
}

func (e *Engine) unsolved(ctx context.Context, t *turn) error {
	if t.dlg.ShownRef != 0 {
		if err := e.opt.Knowledge.Rate(ctx, t.dlg.ShownRef, false); err != nil {
			e.log.Warn("record feedback", "err", err)
		}
	}
	return e.startTicket(ctx, t, "not_solved", t.dlg.Query)
}

func note(s nlp.Severity) *severityNote {
	why := append(append([]string{}, s.Urgency.Because...), s.Impact.Because...)
	return &severityNote{Urgency: s.Urgency.Level, Impact: s.Impact.Level, Type: s.Type.Level, Why: why}
}

func appendOnce(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

func firstName(name string) string {
	f := strings.Fields(name)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.IndexByte(s, '@')+1:], ".")
}

// afterResolution handles what a user says once an agent resolved their
// conversation: a satisfaction rating, or "not solved" within the reopen
// window, which reopens the ticket and queues the conversation again.
// Anything else goes back to the bot (done is false).
func (e *Engine) afterResolution(ctx context.Context, t *turn, action string) (done bool, err error) {
	if rating, ok := strings.CutPrefix(action, actCSAT); ok {
		n, err := strconv.Atoi(rating)
		if err != nil || n < 1 || n > 5 {
			return true, nil
		}
		if _, err := t.tx.ExecContext(ctx, e.store.q.InsertSatisfaction, t.conv.ID, t.conv.TicketID, n, t.now); err != nil {
			return true, err
		}
		t.event(t.actor(), "satisfaction", "", rating)
		t.say(Reply{Text: e.t(t, "csat.thanks")})
		return true, nil
	}
	wantsReopen := action == actReopen
	if !wantsReopen && t.in.Text != "" {
		wantsReopen = nlp.Classify(t.in.Text, t.lang).Kind == nlp.IntentFeedbackNo
	}
	if !wantsReopen || t.conv.TicketID == nil {
		return false, nil
	}
	tk, err := e.opt.Tickets.Get(ctx, t.tx, *t.conv.TicketID)
	if err != nil {
		return true, err
	}
	if tk.State != tickets.StateResolved || tk.ResolvedAt == nil || t.now.Sub(*tk.ResolvedAt) > e.opt.ReopenWindow {
		return false, nil
	}
	if _, err := e.opt.Tickets.Transition(ctx, t.tx, tk.ID, t.actor(), tickets.StateOpen); err != nil {
		return true, err
	}
	if t.in.Text != "" {
		if _, err := e.opt.Tickets.AddComment(ctx, t.tx, tk.ID, t.actor(), true, t.in.Text); err != nil {
			return true, err
		}
	}
	t.conv.AgentID = nil
	t.setState(t.actor(), StateQueued)
	t.say(Reply{Text: e.t(t, "handoff.reopened", tk.Number)})
	return true, nil
}
