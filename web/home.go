package web

import (
	"html/template"
	"net/http"

	"helpdesk/internal/i18n"
)

var homeText = i18n.Catalog{
	"home.title":   {"it": "Help desk", "en": "Help desk"},
	"home.running": {"it": "Il servizio è attivo.", "en": "The service is running."},
	"home.health":  {"it": "Stato del servizio", "en": "Service status"},
	"home.ready":   {"it": "Prontezza (database)", "en": "Readiness (database)"},
	"home.metrics": {"it": "Metriche Prometheus", "en": "Prometheus metrics"},
}

var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.T "home.title"}}</title></head>
<body><h1>{{.T "home.title"}}</h1><p>{{.T "home.running"}}</p>
<ul><li><a href="/healthz">{{.T "home.health"}}</a></li><li><a href="/readyz">{{.T "home.ready"}}</a></li>
<li><a href="/metrics">{{.T "home.metrics"}}</a></li></ul></body></html>
`))

type page struct {
	Lang string
	cat  i18n.Catalog
}

// T looks a string up in the page's language.
func (p page) T(key string, args ...any) string { return p.cat.T(p.Lang, key, args...) }

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
