// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"helpdesk/kb"
	"helpdesk/web/portal"
	"helpdesk/web/webtest"
)

// TestBrowserPublicAccessibility runs axe-core on every public page — help
// centre, search, article (with its video, captions and slides), web
// form, web chat with an answer shown, tracking page — in both languages
// where the text differs: 0 WCAG 2.1 A/AA violations.
func TestBrowserPublicAccessibility(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	ctx := webtest.Tab(t)
	for _, lang := range []string{"it", "en"} {
		topic := map[string]string{"it": "Rete", "en": "Printing"}[lang]
		pages := []struct{ what, path, ready string }{
			{"help centre", "/help/?lang=" + lang, "main h1"},
			{"search", "/help/search?q=stampante&lang=" + lang, "main h1"},
			{"article with media", "/help/a/vpn-configurazione?lang=" + lang, "article h1"},
			{"topic", "/help/c/" + topic + "?lang=" + lang, "main h1"},
			{"web form", "/help/request?lang=" + lang, "#name"},
			{"find my ticket", "/track/?lang=" + lang, "main h1"},
			{"tutorials", "/help/k/tutorial?lang=" + lang, "main h1"},
			{"a tracking link without its token", "/track/HD-2026-000001?lang=" + lang, "main h1"},
			{"page not found", "/help/a/no-such-entry?lang=" + lang, "#page-error"},
			{"chat in another site's frame", "/help/chat/embed?lang=" + lang, "#chat-text"},
		}
		for _, pg := range pages {
			do(t, ctx, "open "+pg.what, chromedp.Navigate(p.ts.URL+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.ready)))
			checkA11y(t, ctx, pg.what+" ("+lang+")")
		}

		// The web form with its errors shown, then sent: the confirmation
		// on the tracking page, its times in the desk's zone.
		do(t, ctx, "send the form empty",
			chromedp.Navigate(p.ts.URL+"/help/request?lang="+lang), chromedp.WaitVisible(chromedp.ID("name")),
			webtest.Submit(chromedp.Click(chromedp.ID("send"))), chromedp.WaitVisible(chromedp.ID("page-error")))
		checkA11y(t, ctx, "web form with errors ("+lang+")")
		do(t, ctx, "send the form",
			chromedp.SendKeys(chromedp.ID("name"), "Marta Neri"),
			chromedp.SendKeys(chromedp.ID("email"), "marta.neri@example.org"),
			chromedp.SendKeys(chromedp.ID("subject"), "Non riesco a stampare le ricette"),
			chromedp.SendKeys(chromedp.ID("description"), "Dalle nove la stampante dell'ambulatorio non stampa le ricette."),
			webtest.Submit(chromedp.Click(chromedp.ID("send"))), chromedp.WaitVisible(chromedp.ID("first-response")))
		checkA11y(t, ctx, "web form confirmation and tracking page ("+lang+")")
		tk := p.ticket(value(t, ctx, "ticket number", chromedp.Text(chromedp.ID("ticket-number"))))
		rome, err := time.LoadLocation("Europe/Rome")
		if err != nil {
			t.Fatal(err)
		}
		want := tk.CreatedAt.In(rome).Format("02/01/2006 15:04")
		times := value(t, ctx, "the page's times", chromedp.Evaluate[[]string](`[...document.querySelectorAll("main time")].map(e => e.textContent)`))
		if len(times) < 2 || times[0] != want || times[1] != want {
			t.Errorf("the tracking page shows the opening at %q, want %s (Europe/Rome; the process runs in %s)", times, want, time.Local)
		}
	}
}

// chatView is what the chat panel shows, read in the page.
type chatView struct {
	Texts []string `json:"texts"` // every message's text, in order
	// The last answer's buttons and the log, as the window shows them.
	Buttons                   int     `json:"buttons"`
	Top                       float64 `json:"top"`
	Bottom                    float64 `json:"bottom"`
	LogTop, LogBottom, Window float64
}

const readChat = `(() => {
  const texts = [...document.querySelectorAll("#chat-log li .text")].map(e => e.textContent.trim());
  const boxes = [...document.querySelectorAll("#chat-log .msg.from-bot .buttons")];
  const v = {texts, buttons: boxes.length, top: 0, bottom: 0, LogTop: 0, LogBottom: 0, Window: innerHeight};
  if (boxes.length) {
    const r = boxes[boxes.length - 1].getBoundingClientRect(), l = document.getElementById("chat-log").getBoundingClientRect();
    Object.assign(v, {top: r.top, bottom: r.bottom, LogTop: l.top, LogBottom: l.bottom});
  }
  return v;
})()`

// TestBrowserWebChatOnceAndInView: every message shows once — the
// visitor's first message after a page load, the next ones, and the
// history after a reload — and after each answer the log is scrolled so
// that its buttons (Risolto / Non risolto / Parla con un operatore) are in
// the log's visible part and in the window (a laptop's short screen).
func TestBrowserWebChatOnceAndInView(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	ctx := webtest.Tab(t)
	do(t, ctx, "open the chat on a short screen", chromedp.EmulateViewport(1280, 640),
		chromedp.Navigate(p.ts.URL+"/help/chat?lang=it"), chromedp.WaitVisible(chromedp.ID("chat-text")))
	ask := func(question string, answers int) chatView {
		t.Helper()
		do(t, ctx, "ask "+question,
			chromedp.SendKeys(chromedp.ID("chat-text"), question),
			chromedp.Click(chromedp.ID("chat-send")),
		)
		value(t, ctx, "the answer to "+question, webtest.Poll[bool](fmt.Sprintf(
			`document.querySelectorAll("#chat-log .msg.from-bot .buttons").length >= %d`, answers)))
		return value(t, ctx, "the chat", chromedp.Evaluate[chatView](readChat))
	}
	once := func(v chatView, texts ...string) {
		t.Helper()
		for _, want := range texts {
			n := 0
			for _, got := range v.Texts {
				if got == want {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%q shown %d times in the chat, want once: %q", want, n, v.Texts)
			}
		}
	}
	inView := func(v chatView) {
		t.Helper()
		if v.Buttons == 0 || v.Top < v.LogTop-1 || v.Bottom > v.LogBottom+1 || v.Top < 0 || v.Bottom > v.Window+1 {
			t.Errorf("the last answer's buttons are at %.0f–%.0f px, the log shows %.0f–%.0f, the window 0–%.0f: not in view",
				v.Top, v.Bottom, v.LogTop, v.LogBottom, v.Window)
		}
	}

	v := ask("la stampante non stampa", 1)
	once(v, "la stampante non stampa")
	inView(v)
	checkA11y(t, ctx, "web chat with an answer")
	v = ask("la vpn non si collega da casa", 2)
	once(v, "la stampante non stampa", "la vpn non si collega da casa")
	inView(v)

	// A reload shows the history from the server, once, and the next
	// message too.
	do(t, ctx, "reload the chat", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("chat-text")))
	value(t, ctx, "the history", webtest.Poll[bool](`document.querySelectorAll("#chat-log .msg.from-bot .buttons").length >= 2`))
	v = ask("come configuro la vpn", 3)
	once(v, "la stampante non stampa", "la vpn non si collega da casa", "come configuro la vpn")
	inView(v)
}

// TestBrowserHomeLeadsToHelpCentre: the address `make run` prints first
// (/) leads to the help centre, says where the console is, and passes
// axe-core.
func TestBrowserHomeLeadsToHelpCentre(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	ctx := webtest.Tab(t)
	for _, lang := range []string{"it", "en"} {
		do(t, ctx, "open /", chromedp.Navigate(p.ts.URL+"/?lang="+lang), chromedp.WaitVisible(chromedp.ID("to-help")))
		checkA11y(t, ctx, "home ("+lang+")")
		where := value(t, ctx, "where the console is", chromedp.Text(chromedp.ID("console-where")))
		if !strings.Contains(where, "/console/") {
			t.Errorf("the home page (%s) says %q about the console", lang, where)
		}
		do(t, ctx, "follow the link to the help centre", webtest.Submit(chromedp.Click(chromedp.ID("to-help"))),
			chromedp.WaitVisible(chromedp.CSS("main h1")))
		loc := value(t, ctx, "location", chromedp.Location())
		h1 := value(t, ctx, "heading", chromedp.Text(chromedp.CSS("main h1")))
		if !strings.HasPrefix(loc, p.ts.URL+"/help/") || h1 != portal.Text.T(lang, "help.heading") {
			t.Errorf("the home page's link leads to %s (%q), want the help centre", loc, h1)
		}
	}
}

// mediaView is a tutorial page's video as the browser loaded it.
type mediaView struct {
	Duration float64  `json:"duration"`
	Tracks   []string `json:"tracks"` // "<lang>:<mode>:<cues>" per text track
	Slides   []int    `json:"slides"` // natural widths of the slide images
}

// TestBrowserDemoTutorialPlays: the demo's VPN tutorial (content/kb) shows
// a real video the browser loads (46 s), with captions in Italian and
// English from WebVTT files — the page's language shown — and its slides;
// axe-core passes the page.
func TestBrowserDemoTutorialPlays(t *testing.T) {
	t.Parallel()
	p := newPortalWith(t, portalSetup{Content: "../content/kb"})
	ctx := webtest.Tab(t)
	for _, tc := range []struct{ id, lang string }{{"vpn-configurare-client", "it"}, {"vpn-set-up-client", "en"}} {
		do(t, ctx, "open the tutorial "+tc.id, chromedp.Navigate(p.ts.URL+"/help/a/"+tc.id+"?lang="+tc.lang),
			chromedp.WaitVisible(chromedp.CSS("article video")))
		m := value(t, ctx, "the video loaded", webtest.Poll[mediaView](`(() => {
		  const v = document.querySelector("article video");
		  const imgs = [...document.querySelectorAll("article figure.media-slides img")];
		  const tracks = [...v.textTracks].map(t => t.language + ":" + t.mode + ":" + (t.cues ? t.cues.length : 0));
		  const showing = [...v.textTracks].find(t => t.mode === "showing");
		  if (v.readyState < 1 || !showing || !showing.cues || !showing.cues.length || imgs.some(i => !i.complete)) return null;
		  return {duration: v.duration, tracks, slides: imgs.map(i => i.naturalWidth)};
		})()`))
		if m.Duration < 40 || m.Duration > 50 {
			t.Errorf("%s: video of %.1f s, want the 46 s demo", tc.id, m.Duration)
		}
		wantTracks := map[string][]string{"it": {"it:showing:9", "en:disabled:0"}, "en": {"it:disabled:0", "en:showing:9"}}[tc.lang]
		if strings.Join(m.Tracks, " ") != strings.Join(wantTracks, " ") {
			t.Errorf("%s: captions %q, want %q", tc.id, m.Tracks, wantTracks)
		}
		if len(m.Slides) < 2 || m.Slides[0] == 0 || m.Slides[1] == 0 {
			t.Errorf("%s: slides %v not shown", tc.id, m.Slides)
		}
		checkA11y(t, ctx, "demo tutorial "+tc.id)
	}
}

// TestBrowserRemoteVideoGivesWay: a tutorial's video on another site that
// does not answer (here a port nothing listens on) does not stay a black
// player: it gives way to a message naming the site, the caption's link
// stays; a video page that is no file (watch?v=) is a link from the start;
// the shipped video keeps its player; axe-core passes the page.
func TestBrowserRemoteVideoGivesWay(t *testing.T) {
	t.Parallel()
	p := newPortal(t, nil)
	e, err := p.kb.Get(context.Background(), "vpn-configurazione")
	if err != nil {
		t.Fatal(err)
	}
	e.Media = append(e.Media, kb.Media{Type: "video", URL: "https://127.0.0.1:1/vpn.mp4", Title: "Il client VPN sul sito della Regione", Duration: "3:00"},
		kb.Media{Type: "video", URL: "https://127.0.0.1:1/watch?v=7", Title: "Lo stesso video sulla piattaforma"})
	if _, _, err := p.kb.Save(context.Background(), e, "ed", "a remote video"); err != nil {
		t.Fatal(err)
	}
	ctx := webtest.Tab(t)
	do(t, ctx, "open the tutorial", chromedp.Navigate(p.ts.URL+"/help/a/vpn-configurazione?lang=it"))
	type figures struct {
		Message  string
		Players  []string
		Captions []string
	}
	got := value(t, ctx, "the remote player gave way", webtest.Poll[figures](`(() => {
	  const note = document.querySelector("p.media-unavailable:not([hidden])");
	  if (!note || document.querySelector("video[data-remote]")) return null;
	  return {message: note.textContent.trim(),
	    players: [...document.querySelectorAll("article video")].map(v => v.getAttribute("src")),
	    captions: [...document.querySelectorAll("article figcaption")].map(c => c.textContent.trim().replace(/\s+/g, " "))};
	})()`))
	if want := portal.Text.T("it", "help.media.unavailable", "127.0.0.1:1"); got.Message != want {
		t.Errorf("message %q, want %q", got.Message, want)
	}
	if strings.Join(got.Players, " ") != "/help/media/test/vpn.mp4" {
		t.Errorf("players left: %q, want only the shipped video", got.Players)
	}
	for _, want := range []string{"Il client VPN sul sito della Regione (3:00) — Il video è sul sito 127.0.0.1:1: guardalo lì",
		"Lo stesso video sulla piattaforma — Il video è sul sito 127.0.0.1:1: guardalo lì"} {
		if !slices.Contains(got.Captions, want) {
			t.Errorf("captions %q lack %q", got.Captions, want)
		}
	}
	checkA11y(t, ctx, "tutorial with a remote video that does not load")
}
