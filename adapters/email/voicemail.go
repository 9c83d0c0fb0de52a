// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"regexp"
	"strings"

	"helpdesk/bots"
	"helpdesk/internal/db"
)

// VoicemailRules recognise the mails a PBX sends for each voicemail. A
// mail is a voicemail when its sender is one of Senders and its subject
// matches one of Subjects; the caller's number is the first group of the
// first of Callers that matches the subject, else the text.
type VoicemailRules struct {
	// Senders are the PBX's addresses ("asterisk@pbx.example.org") or
	// domains ("@pbx.example.org"). Empty: no mail is a voicemail (anyone
	// could otherwise open "call back" tickets by writing the subject).
	Senders []string
	// Subjects are regular expressions; empty: DefaultVoicemailSubjects.
	Subjects []string
	// Callers are regular expressions with one group, the number; empty:
	// DefaultVoicemailCallers.
	Callers []string
}

// DefaultVoicemailSubjects match Asterisk/FreePBX's sample subject
// ("[PBX]: New message 3 in mailbox 200"), 3CX's ("New Voicemail from
// …") and an Italian translation of either.
var DefaultVoicemailSubjects = []string{
	`(?i)\bnew message \d+ in mailbox\b`,
	`(?i)\bnew voice ?mail\b`,
	`(?i)\bnuovo messaggio (vocale|in segreteria|\d+ nella casella)\b`,
}

// phoneRE is a telephone number as PBXs write it: digits, maybe a
// leading +, spaces, dots, dashes or slashes inside.
const phoneRE = `(\+?[0-9][0-9 ./-]{4,}[0-9])`

// DefaultVoicemailCallers find the number in Asterisk's caller id
// ("\"Mario Rossi\" <0612345678>", or "from 0612345678"), 3CX's ("New
// Voicemail from Mario Rossi (0612345678)", "Caller: 0612345678") and
// the Italian forms ("da 0612345678", "Chiamante: …").
var DefaultVoicemailCallers = []string{
	`"[^"\n]*"\s*<\s*` + phoneRE + `\s*>`,
	`(?i)\bvoice ?mail from\b[^(\n]*\(\s*` + phoneRE + `\s*\)`,
	`(?i)\b(?:from|da|caller|chiamante|numero)\s*:?\s*` + phoneRE,
	`(?i)\bvoice ?mail from\s+` + phoneRE,
}

var (
	callerNameRE = []*regexp.Regexp{
		regexp.MustCompile(`"([^"\n]+)"\s*<`),
		regexp.MustCompile(`(?i)\bvoice ?mail from\s+([^(\n]*?[^\s(])\s*\(`),
	}
	mailboxRE = regexp.MustCompile(`(?i)\b(?:mailbox|casella|extension|interno)\s*:?\s*(\d+)`)
)

// voicemailMatcher is VoicemailRules compiled.
type voicemailMatcher struct {
	senders  []string
	subjects []*regexp.Regexp
	callers  []*regexp.Regexp
}

func newVoicemailMatcher(r VoicemailRules) (*voicemailMatcher, error) {
	m := &voicemailMatcher{}
	for _, s := range r.Senders {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			m.senders = append(m.senders, s)
		}
	}
	compile := func(list, defaults []string, what string, groups int) ([]*regexp.Regexp, error) {
		if len(list) == 0 {
			list = defaults
		}
		var out []*regexp.Regexp
		for _, p := range list {
			re, err := regexp.Compile(p)
			if err != nil {
				return nil, fmt.Errorf("%w: voicemail %s pattern %q: %v", ErrConfig, what, p, err)
			}
			if re.NumSubexp() < groups {
				return nil, fmt.Errorf("%w: voicemail %s pattern %q needs a group around the number", ErrConfig, what, p)
			}
			out = append(out, re)
		}
		return out, nil
	}
	var err error
	if m.subjects, err = compile(r.Subjects, DefaultVoicemailSubjects, "subject", 0); err != nil {
		return nil, err
	}
	if m.callers, err = compile(r.Callers, DefaultVoicemailCallers, "caller", 1); err != nil {
		return nil, err
	}
	return m, nil
}

// fromPBX tells whether address is one of the PBX's senders.
func (m *voicemailMatcher) fromPBX(address string) bool {
	address = strings.ToLower(strings.TrimSpace(address))
	for _, s := range m.senders {
		if address == s || (strings.HasPrefix(s, "@") && strings.HasSuffix(address, s)) {
			return true
		}
	}
	return false
}

// match returns the voicemail in m, if m is one.
func (m *voicemailMatcher) match(in *inMail) (bots.Voicemail, bool) {
	if m == nil || !m.fromPBX(in.FromAddress) {
		return bots.Voicemail{}, false
	}
	subject := false
	for _, re := range m.subjects {
		subject = subject || re.MatchString(in.Subject)
	}
	if !subject {
		return bots.Voicemail{}, false
	}
	v := bots.Voicemail{MessageID: in.MessageID, FromAddress: in.FromAddress, Subject: in.Subject, Text: in.Text, Lang: in.Lang}
	for _, where := range []string{in.Subject, in.Text} {
		for _, re := range m.callers {
			if g := re.FindStringSubmatch(where); g != nil && v.Caller == "" {
				v.Caller = strings.TrimSpace(g[1])
			}
		}
		for _, re := range callerNameRE {
			if g := re.FindStringSubmatch(where); g != nil && v.CallerName == "" && !strings.ContainsAny(g[1], "0123456789") {
				v.CallerName = strings.TrimSpace(g[1])
			}
		}
		if g := mailboxRE.FindStringSubmatch(where); g != nil && v.Mailbox == "" {
			v.Mailbox = g[1]
		}
	}
	return v, true
}

// audioTypes are the content types a browser plays, by file extension,
// for PBXs that label their audio application/octet-stream or
// audio/x-WAV.
var audioTypes = map[string]string{".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".opus": "audio/ogg", ".m4a": "audio/mp4", ".gsm": "audio/gsm"}

// audioType is the attachment's type as the console should serve it.
func audioType(filename, contentType string) string {
	ct := strings.ToLower(strings.TrimSpace(contentType))
	if t, ok := audioTypes[strings.ToLower(path.Ext(filename))]; ok && (ct == "" || ct == "application/octet-stream" || strings.HasPrefix(ct, "audio/")) {
		return t
	}
	switch ct {
	case "audio/x-wav", "audio/wave", "audio/vnd.wave":
		return "audio/wav"
	case "audio/mp3", "audio/x-mp3", "audio/mpeg3":
		return "audio/mpeg"
	}
	return ct
}

// VoicemailHandler is the engine's side of a voicemail; an engine without
// it (a test's fake) gets the mail as ordinary mail.
type VoicemailHandler interface {
	HandleVoicemail(ctx context.Context, v bots.Voicemail) (bots.VoicemailResult, error)
}

// processVoicemail stores the audio and opens the call-back ticket. It
// comes before the automatic-mail filter on purpose: a PBX's notice is
// automatic mail, and is exactly what we want; it is never answered.
func (a *Adapter) processVoicemail(ctx context.Context, log *slog.Logger, vh VoicemailHandler, m *inMail, v bots.Voicemail) outcome {
	if v.Lang == "" {
		v.Lang = a.cfg.DefaultLang
	}
	if a.files != nil {
		for _, att := range m.Attachments {
			att.ContentType = audioType(att.Filename, att.ContentType)
			meta, err := a.files.save(att)
			if err != nil {
				log.Error("store voicemail audio", "err", err)
				return failedNow
			}
			v.Attachments = append(v.Attachments, meta)
		}
	} else if len(m.Attachments) > 0 {
		log.Warn("voicemail audio not kept: no attachment folder (channels.email.attachment_dir)")
	}
	res, err := vh.HandleVoicemail(ctx, v)
	switch {
	case err == nil:
		log.Info("voicemail registered", "ticket", res.TicketNumber, "caller_known", res.KnownCaller, "duplicate", res.Duplicate)
		return handled
	case errors.Is(err, db.ErrUnavailable):
		log.Warn("database unavailable: voicemail left for the next round", "err", err)
		return retry
	case errors.Is(err, bots.ErrInvalidInbound):
		log.Warn("voicemail refused by the engine", "err", err)
		return ignored
	case ctx.Err() != nil:
		return retry
	default:
		log.Error("handle voicemail", "err", err)
		return failedNow
	}
}
