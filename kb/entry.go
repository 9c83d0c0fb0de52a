// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Kind is what an entry is: a FAQ, a tutorial or a section of a manual.
type Kind string

// Kinds of entry.
const (
	KindFAQ      Kind = "faq"
	KindTutorial Kind = "tutorial"
	KindManual   Kind = "manual"
)

// Status is where an entry stands in the editorial workflow.
type Status string

// Statuses of the workflow draft → in_review → published → archived.
const (
	StatusDraft     Status = "draft"
	StatusInReview  Status = "in_review"
	StatusPublished Status = "published"
	StatusArchived  Status = "archived"
)

// Audience says who may read an entry.
type Audience string

// Audiences: public entries reach the bot and the help centre; internal
// ones only agents.
const (
	AudiencePublic   Audience = "public"
	AudienceInternal Audience = "internal"
)

// Languages of the content.
const (
	LangIT = "it"
	LangEN = "en"
)

// Media is one video, slide deck, image or document attached to an entry
// (mostly tutorials). URL is absolute or relative to the content folder.
type Media struct {
	Type     string `json:"type" yaml:"type"`
	URL      string `json:"url" yaml:"url"`
	Title    string `json:"title,omitempty" yaml:"title,omitempty"`
	Duration string `json:"duration,omitempty" yaml:"duration,omitempty"`
}

// mediaTypes are the accepted values of Media.Type.
var mediaTypes = []string{"video", "slides", "image", "audio", "document", "link"}

// Entry is one knowledge-base entry as editors write it. ID is the stable
// text id ("smartcard-non-riconosciuta") that files, links and the bot use.
type Entry struct {
	ID            string   `json:"id"`
	Kind          Kind     `json:"kind"`
	Lang          string   `json:"lang"`
	Status        Status   `json:"status"`
	Title         string   `json:"title"`
	Questions     []string `json:"questions,omitempty"`
	Category      string   `json:"category,omitempty"`
	Tags          []string `json:"tags,omitempty"`
	Product       string   `json:"product,omitempty"`
	Audience      Audience `json:"audience"`
	TranslationOf string   `json:"translation_of,omitempty"`
	Media         []Media  `json:"media,omitempty"`
	Anchor        string   `json:"anchor,omitempty"`
	Body          string   `json:"body"`

	// Set by the store, not by editors.
	Revision    int        `json:"-"`
	UpdatedAt   time.Time  `json:"-"`
	PublishedAt *time.Time `json:"-"`
}

// ErrInvalid wraps every validation failure of an entry.
var ErrInvalid = errors.New("invalid entry")

// FieldError is one problem with one field of an entry. Code names the
// problem (a key of the package's message catalogue); Message words it in
// Italian or English for editors.
type FieldError struct {
	Field string
	Code  string
	Args  []any
}

func (e FieldError) Error() string { return e.Message("en") }

// Message is the problem in lang ("it" or "en").
func (e FieldError) Message(lang string) string {
	return e.Field + ": " + editorText.T(lang, e.Code, e.Args...)
}

// ValidationError lists every problem found in an entry; it matches
// ErrInvalid with errors.Is.
type ValidationError struct {
	Problems []FieldError
}

func (e *ValidationError) Error() string { return e.Message("en") }

// Message lists the problems in lang ("it" or "en").
func (e *ValidationError) Message(lang string) string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Message(lang)
	}
	return editorText.T(lang, "invalid_entry") + ": " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// ValidID says whether id has the form of an entry id (lower-case letters,
// digits, '.', '_' and '-', starting with a letter or digit).
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Normalise fills defaults (status draft, audience public) and tidies text
// (trimmed title, LF line ends, no trailing blank lines in the body), so
// that equal content compares equal whatever editor produced it.
func (e *Entry) Normalise() {
	if e.Status == "" {
		e.Status = StatusDraft
	}
	if e.Audience == "" {
		e.Audience = AudiencePublic
	}
	e.Title = strings.TrimSpace(e.Title)
	e.Body = strings.TrimRight(strings.ReplaceAll(e.Body, "\r\n", "\n"), " \t\n")
	e.Body = strings.TrimLeft(e.Body, "\n")
	e.Questions = tidyList(e.Questions)
	e.Tags = tidyList(e.Tags)
	e.Category = strings.Trim(strings.TrimSpace(e.Category), "/")
	if len(e.Media) == 0 {
		e.Media = nil
	}
}

func tidyList(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Validate checks every field and returns a *ValidationError listing all
// problems, or nil.
func (e *Entry) Validate() error {
	var p []FieldError
	add := func(field, code string, args ...any) {
		p = append(p, FieldError{field, code, args})
	}
	if e.ID == "" {
		add("id", "required")
	} else if !idPattern.MatchString(e.ID) {
		add("id", "bad_id", e.ID)
	}
	switch e.Kind {
	case KindFAQ, KindTutorial, KindManual:
	case "":
		add("kind", "required_kind")
	default:
		add("kind", "bad_kind", e.Kind)
	}
	if e.Lang != LangIT && e.Lang != LangEN {
		add("lang", "bad_lang", e.Lang)
	}
	switch e.Status {
	case StatusDraft, StatusInReview, StatusPublished, StatusArchived:
	default:
		add("status", "bad_status", e.Status)
	}
	if e.Audience != AudiencePublic && e.Audience != AudienceInternal {
		add("audience", "bad_audience", e.Audience)
	}
	if e.Title == "" {
		add("title", "required")
	}
	if e.TranslationOf != "" && !idPattern.MatchString(e.TranslationOf) {
		add("translation_of", "bad_translation", e.TranslationOf)
	}
	if e.TranslationOf == e.ID && e.ID != "" {
		add("translation_of", "self_translation")
	}
	for i, m := range e.Media {
		if !slices.Contains(mediaTypes, m.Type) {
			add(fmt.Sprintf("media[%d].type", i), "bad_media_type", m.Type, strings.Join(mediaTypes, ", "))
		}
		if strings.TrimSpace(m.URL) == "" {
			add(fmt.Sprintf("media[%d].url", i), "required")
		} else if unsafeURL(m.URL) {
			add(fmt.Sprintf("media[%d].url", i), "bad_url", m.URL)
		}
	}
	// Anchors of manual sections and tutorials are the stable part of
	// context-help links (/help/<application>/<anchor>): the same
	// characters as ids, on every kind.
	if e.Anchor != "" && !idPattern.MatchString(e.Anchor) {
		add("anchor", "bad_id", e.Anchor)
	}
	if strings.TrimSpace(e.Body) == "" {
		add("body", "empty_body")
	}
	if len(p) > 0 {
		return &ValidationError{Problems: p}
	}
	return nil
}

// unsafeURL reports whether u has a scheme other than http or https
// (javascript:, data: …).
func unsafeURL(u string) bool {
	u = strings.ToLower(strings.TrimSpace(u))
	i := strings.IndexAny(u, ":/?#")
	if i < 0 || u[i] != ':' {
		return false // relative
	}
	scheme := u[:i]
	return scheme != "http" && scheme != "https"
}

// sameContent reports whether a and b hold the same editorial content
// (store-managed fields are ignored).
func sameContent(a, b Entry) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Lang == b.Lang && a.Status == b.Status &&
		a.Title == b.Title && slices.Equal(a.Questions, b.Questions) && a.Category == b.Category &&
		slices.Equal(a.Tags, b.Tags) && a.Product == b.Product && a.Audience == b.Audience &&
		a.TranslationOf == b.TranslationOf && slices.Equal(a.Media, b.Media) &&
		a.Anchor == b.Anchor && a.Body == b.Body
}

// changedFields lists the names of the fields that differ between a and b.
func changedFields(a, b Entry) []string {
	var out []string
	check := func(name string, same bool) {
		if !same {
			out = append(out, name)
		}
	}
	check("kind", a.Kind == b.Kind)
	check("lang", a.Lang == b.Lang)
	check("status", a.Status == b.Status)
	check("title", a.Title == b.Title)
	check("questions", slices.Equal(a.Questions, b.Questions))
	check("category", a.Category == b.Category)
	check("tags", slices.Equal(a.Tags, b.Tags))
	check("product", a.Product == b.Product)
	check("audience", a.Audience == b.Audience)
	check("translation_of", a.TranslationOf == b.TranslationOf)
	check("media", slices.Equal(a.Media, b.Media))
	check("anchor", a.Anchor == b.Anchor)
	check("body", a.Body == b.Body)
	return out
}
