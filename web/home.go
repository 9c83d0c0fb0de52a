// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"html/template"
	"net/http"

	"helpdesk/internal/i18n"
)

// homeText is the root page's catalogue: the address `make run` prints
// first, so it must lead a requester to the help centre and tell an agent
// where the console is.
var homeText = i18n.Catalog{
	"home.title":        {"it": "Assistenza", "en": "Help desk"},
	"home.lead":         {"it": "Il servizio di assistenza: guide e risposte, chat, richieste e il loro stato.", "en": "The help desk: guides and answers, chat, requests and where they stand."},
	"home.help":         {"it": "Vai al centro assistenza", "en": "Go to the help centre"},
	"home.help.what":    {"it": "Cerca nelle guide e nelle domande frequenti, chatta con l'assistente o apri una richiesta.", "en": "Search the guides and frequent questions, chat with the assistant or open a request."},
	"home.chat":         {"it": "Chat con l'assistenza", "en": "Help desk chat"},
	"home.request":      {"it": "Apri una richiesta", "en": "Open a request"},
	"home.track":        {"it": "Segui una richiesta", "en": "Follow a request"},
	"home.staff":        {"it": "Per il personale dell'assistenza", "en": "For help desk staff"},
	"home.console":      {"it": "La console degli operatori è su %s.", "en": "The agents' console is at %s."},
	"home.console.link": {"it": "Accedi alla console", "en": "Sign in to the console"},
	"home.service":      {"it": "Stato del servizio", "en": "Service status"},
	"home.health":       {"it": "In funzione", "en": "Alive"},
	"home.ready":        {"it": "Pronto (database)", "en": "Ready (database)"},
	"home.otherlang":    {"it": "English", "en": "Italiano"},
}

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.T "home.title"}}</title>
<link rel="stylesheet" href="/help/static/help.css"></head>
<body>
<header class="site"><a class="brand" href="/help/?lang={{.Lang}}">{{.T "home.title"}}</a>
<a class="lang" href="/?lang={{.Other}}" hreflang="{{.Other}}" lang="{{.Other}}">{{.T "home.otherlang"}}</a></header>
<main id="main" class="home">
<h1>{{.T "home.title"}}</h1>
<p class="lead">{{.T "home.lead"}}</p>
<p><a class="button" id="to-help" href="/help/?lang={{.Lang}}">{{.T "home.help"}}</a></p>
<p>{{.T "home.help.what"}}</p>
<ul>
<li><a href="/help/chat?lang={{.Lang}}">{{.T "home.chat"}}</a></li>
<li><a href="/help/request?lang={{.Lang}}">{{.T "home.request"}}</a></li>
<li><a href="/track/?lang={{.Lang}}">{{.T "home.track"}}</a></li>
</ul>
<h2>{{.T "home.staff"}}</h2>
<p id="console-where">{{.T "home.console" "/console/"}} <a href="/console/" id="to-console">{{.T "home.console.link"}}</a></p>
<h2>{{.T "home.service"}}</h2>
<ul><li><a href="/healthz">{{.T "home.health"}}</a></li><li><a href="/readyz">{{.T "home.ready"}}</a></li></ul>
</main></body></html>
`))

type page struct {
	Lang string
	cat  i18n.Catalog
}

// T looks a string up in the page's language.
func (p page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

// Other is the other language, for the switch.
func (p page) Other() string {
	if p.Lang == "en" {
		return "it"
	}
	return "en"
}

// lang picks the page language: ?lang= first, then the browser's.
func lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		return i18n.Normalize(l)
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := homePage.Execute(w, page{Lang: lang(r), cat: homeText}); err != nil {
		s.log.Error("render home", "err", err)
	}
}
