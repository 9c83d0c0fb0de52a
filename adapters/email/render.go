// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"bytes"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"

	"helpdesk/bots"
	"helpdesk/bots/markup"
	"helpdesk/internal/i18n"
)

// mailText holds the adapter's own user-facing strings; the replies' wording
// comes from the engine.
var mailText = i18n.Catalog{
	"subject.reply": {"it": "Re: [%s] %s", "en": "Re: [%s] %s"},
	"subject.number": {
		"it": "[%s] La tua richiesta all'help desk",
		"en": "[%s] Your request to the help desk",
	},
	"subject.fallback": {"it": "La tua richiesta all'help desk", "en": "Your request to the help desk"},
	"choices.numbers": {
		"it": "Rispondi a questa e-mail scrivendo solo un numero da 1 a %d.",
		"en": "Reply to this e-mail with just a number from 1 to %d.",
	},
	"choices.list": {
		"it": "Rispondi a questa e-mail scrivendo solo il numero della tua scelta:",
		"en": "Reply to this e-mail with just the number of your choice:",
	},
	"links": {"it": "Collegamenti:", "en": "Links:"},
	"media": {"it": "Materiali:", "en": "Material:"},
	"footer.reply": {
		"it": "Per rispondere all'operatore rispondi a questa e-mail lasciando [%s] nell'oggetto.",
		"en": "To answer the operator, reply to this e-mail keeping [%s] in the subject.",
	},
	"footer.auto": {
		"it": "Messaggio inviato automaticamente dall'help desk.",
		"en": "Message sent automatically by the help desk.",
	},
}

// choice is one numbered choice of a mail.
type choice struct {
	N     int
	Label string
}

// body is what the templates render.
type body struct {
	Lang       string
	Paragraphs []string // of the reply text, Markdown already turned into the output's form
	Choices    []choice
	NumbersOf  int // when the choices are just the numbers 1…N: "reply with a number from 1 to N"
	ChoicesTxt string
	LinksTitle string
	Links      []bots.Link
	MediaTitle string
	Media      []bots.Media
	Footer     string
	DeskName   string
}

var plainTemplate = texttemplate.Must(texttemplate.New("plain").Parse(
	`{{range .Paragraphs}}{{.}}

{{end}}{{if .NumbersOf}}{{.ChoicesTxt}}

{{else if .Choices}}{{.ChoicesTxt}}
{{range .Choices}}  {{.N}} — {{.Label}}
{{end}}
{{end}}{{if .Links}}{{.LinksTitle}}
{{range .Links}}- {{.Label}}: {{.URL}}
{{end}}
{{end}}{{if .Media}}{{.MediaTitle}}
{{range .Media}}- {{.Title}}{{if .Duration}} ({{.Duration}}){{end}}: {{.URL}}
{{end}}
{{end}}-- 
{{.DeskName}}
{{.Footer}}
`))

var htmlTemplate = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"></head>
<body style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; line-height: 1.4; color: #222;">
{{range .Paragraphs}}{{.}}
{{end}}{{if .NumbersOf}}<p><strong>{{.ChoicesTxt}}</strong></p>
{{else if .Choices}}<p><strong>{{.ChoicesTxt}}</strong></p>
<ol>{{range .Choices}}<li>{{.Label}}</li>{{end}}</ol>
{{end}}{{if .Links}}<p>{{.LinksTitle}}</p>
<ul>{{range .Links}}<li><a href="{{.URL}}">{{.Label}}</a></li>{{end}}</ul>
{{end}}{{if .Media}}<p>{{.MediaTitle}}</p>
<ul>{{range .Media}}<li><a href="{{.URL}}">{{.Title}}</a>{{if .Duration}} ({{.Duration}}){{end}}</li>{{end}}</ul>
{{end}}<p style="color: #666; font-size: 12px;">{{.DeskName}}<br>{{.Footer}}</p>
</body></html>
`))

// render gives the plain-text and HTML bodies of a reply. auto says the
// reply was written by the bot (not an agent); number is the ticket's.
func (a *Adapter) render(r bots.Reply, lang, number string, auto bool) (plain, html string, err error) {
	b := body{Lang: lang, DeskName: a.cfg.FromName, LinksTitle: mailText.T(lang, "links"), MediaTitle: mailText.T(lang, "media"),
		Links: r.Links, Media: r.Media}
	if b.DeskName == "" {
		b.DeskName = a.cfg.FromAddress
	}
	if auto {
		b.Footer = mailText.T(lang, "footer.auto")
	} else if number != "" {
		b.Footer = mailText.T(lang, "footer.reply", number)
	}
	numbers := len(r.Buttons) > 0
	for i, btn := range r.Buttons {
		b.Choices = append(b.Choices, choice{N: i + 1, Label: btn.Label})
		if strings.TrimSpace(btn.Label) != strconv.Itoa(i+1) {
			numbers = false
		}
	}
	if numbers {
		b.NumbersOf = len(r.Buttons)
		b.ChoicesTxt = mailText.T(lang, "choices.numbers", len(r.Buttons))
	} else if len(r.Buttons) > 0 {
		b.ChoicesTxt = mailText.T(lang, "choices.list")
	}
	// The text through bots/markup, the one renderer of every channel:
	// plain text for the text part, sanitised HTML blocks (each with its
	// own <p>, list or Label: value lines) for the HTML part.
	b.Paragraphs = markup.Blocks(r.Text, markup.Plain)
	var pb bytes.Buffer
	if err := plainTemplate.Execute(&pb, b); err != nil {
		return "", "", err
	}
	hb := b
	hb.Paragraphs = nil
	var hparas []htmltemplate.HTML
	for _, p := range markup.Blocks(r.Text, markup.HTML) {
		hparas = append(hparas, htmltemplate.HTML(p)) // sanitised by markup (bluemonday)
	}
	var out bytes.Buffer
	if err := htmlTemplate.Execute(&out, struct {
		body
		Paragraphs []htmltemplate.HTML
	}{hb, hparas}); err != nil {
		return "", "", err
	}
	return pb.String(), out.String(), nil
}
