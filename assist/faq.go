// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"helpdesk/internal/llm"
	"helpdesk/internal/pii"
	"helpdesk/kb"
)

// ResolvedTicket is what the FAQ drafter reads of a resolved ticket: the
// requester's problem and how the desk solved it. Internal notes may be
// included in Resolution: the draft goes to editors, not users, and every
// text is masked as configured before it is sent.
type ResolvedTicket struct {
	Number      string
	Lang        string
	Subject     string
	Description string
	Resolution  string
}

// FAQDrafter proposes knowledge-base FAQ entries from resolved tickets
// (the console's "FAQ drafts" button). Drafts are saved with status draft
// and must go through the editors' review: nothing is ever published here.
type FAQDrafter struct {
	client *llm.Client
}

// NewFAQDrafter returns a FAQDrafter on c (nil-safe).
func NewFAQDrafter(c *llm.Client) *FAQDrafter { return &FAQDrafter{client: c} }

const faqRules = `You help the editors of a help-desk knowledge base. From the resolved ticket given as data, ` +
	`write one FAQ entry in %s that would let the next user solve the same problem alone. Answer with one JSON ` +
	`object and nothing else: {"title":"…","questions":["how users would ask it", "…"],"body":"Markdown steps"}. ` +
	`Leave out names, e-mail addresses, phone numbers, ticket numbers and anything personal.`

type faqJSON struct {
	Title     string   `json:"title"`
	Questions []string `json:"questions"`
	Body      string   `json:"body"`
}

// Draft asks the model for an FAQ entry built from t. The entry is a
// draft: kind faq, status draft, public audience once published, id
// "draft-" + a slug of its title.
func (d *FAQDrafter) Draft(ctx context.Context, t ResolvedTicket) (kb.Entry, error) {
	if d == nil || !d.client.CanChat() {
		return kb.Entry{}, llm.ErrDisabled
	}
	lang := t.Lang
	if lang != kb.LangEN {
		lang = kb.LangIT
	}
	env := newEnvelope()
	env.add("SUBJECT", "", d.client.Mask(t.Subject))
	env.add("PROBLEM", "", d.client.Mask(t.Description))
	env.add("RESOLUTION", "", d.client.Mask(t.Resolution))
	system := fmt.Sprintf(faqRules, languageName(lang)) + " " + env.dataRule()
	out, err := d.client.Chat(ctx, system, env.String())
	if err != nil {
		return kb.Entry{}, err
	}
	i, j := strings.IndexByte(out, '{'), strings.LastIndexByte(out, '}')
	if i < 0 || j < i {
		return kb.Entry{}, fmt.Errorf("%w: no JSON object", llm.ErrBadResponse)
	}
	var f faqJSON
	if err := json.Unmarshal([]byte(out[i:j+1]), &f); err != nil {
		return kb.Entry{}, fmt.Errorf("%w: %v", llm.ErrBadResponse, err)
	}
	if strings.TrimSpace(f.Title) == "" || strings.TrimSpace(f.Body) == "" {
		return kb.Entry{}, fmt.Errorf("%w: empty title or body", llm.ErrBadResponse)
	}
	// The model was asked to leave personal data out; masking again makes
	// sure, whatever it did.
	e := kb.Entry{ID: "draft-" + slug(f.Title), Kind: kb.KindFAQ, Lang: lang, Status: kb.StatusDraft,
		Audience: kb.AudiencePublic, Title: pii.Mask(f.Title), Body: pii.Mask(f.Body),
		Tags: []string{"llm-draft"}}
	for _, q := range f.Questions {
		e.Questions = append(e.Questions, pii.Mask(q))
	}
	e.Normalise()
	if err := e.Validate(); err != nil {
		return kb.Entry{}, fmt.Errorf("%w: %w", llm.ErrBadResponse, err)
	}
	return e, nil
}

// SaveDraft stores e as a new draft by author, adding -2, -3 … to its id
// when the id is taken. The store accepts only drafts for new entries, so
// this can never publish anything.
func SaveDraft(ctx context.Context, store *kb.Store, e kb.Entry, author, ticket string) (kb.Entry, error) {
	e.Status = kb.StatusDraft
	base := e.ID
	for n := 2; n < 100; n++ {
		_, err := store.Get(ctx, e.ID)
		if errors.Is(err, kb.ErrNotFound) {
			saved, _, err := store.Save(ctx, e, author, "FAQ draft from ticket "+ticket+" (language model)")
			return saved, err
		}
		if err != nil {
			return kb.Entry{}, err
		}
		e.ID = fmt.Sprintf("%s-%d", base, n)
	}
	return kb.Entry{}, fmt.Errorf("llm: no free id for draft %s", base)
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

var accents = strings.NewReplacer("à", "a", "è", "e", "é", "e", "ì", "i", "ò", "o", "ù", "u")

func slug(s string) string {
	s = nonSlug.ReplaceAllString(accents.Replace(strings.ToLower(s)), "-")
	s = strings.Trim(s, "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	if s == "" {
		s = "faq"
	}
	return s
}
