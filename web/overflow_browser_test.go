// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"helpdesk/web/webtest"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// overflowScript lists what sticks out sideways on the page as it is laid
// out now: an element whose right edge passes the window's, or whose
// content is wider than its box (a table wider than its card, a word that
// does not wrap) — whether the box lets it spill or scrolls it. Elements
// out of the layout (hidden, the skip link parked off screen, the 1-pixel
// screen-reader texts) do not count.
const overflowScript = `(() => {
  const vw = document.documentElement.clientWidth, out = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + [...el.classList].join(".") : "");
  if (document.documentElement.scrollWidth > vw) out.push("the page scrolls sideways: " + document.documentElement.scrollWidth + " > " + vw);
  for (const el of document.body.querySelectorAll("*")) {
    const cs = getComputedStyle(el);
    if (cs.display === "none" || cs.visibility === "hidden" || cs.position === "absolute" && cs.clip !== "auto") continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.right < 0) continue;
    if (r.right > vw + 0.5) out.push(name(el) + " ends at " + Math.round(r.right) + " px");
    else if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && !["textarea", "input", "select"].includes(el.tagName.toLowerCase()))
      out.push(name(el) + " holds " + el.scrollWidth + " px in " + el.clientWidth);
    if (out.length >= 10) break;
  }
  return out;
})()`

// checkNoSidewaysOverflow fails the test when anything on the page in ctx
// overflows horizontally.
func checkNoSidewaysOverflow(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	over := value(t, ctx, "overflow of "+page, chromedp.Evaluate[[]string](overflowScript))
	if len(over) > 0 {
		t.Errorf("%s overflows sideways:\n  %s", page, strings.Join(over, "\n  "))
	}
}

// TestBrowserOverflowCheck: the check finds a seven-column table that
// cannot wrap in half a 1280-pixel window (the SLA table's old place) and
// a block wider than the window, and passes the table at full width, a
// scrolling box that does not need to scroll, the skip link parked off
// screen and a screen-reader text.
func TestBrowserOverflowCheck(t *testing.T) {
	t.Parallel()
	cells := strings.Repeat("<td style=\"white-space:nowrap\">lunedì 7 dicembre alle 08:00</td>", 7)
	pages := map[string]string{
		"/half": `<div style="display:grid;grid-template-columns:1fr 1fr"><div class="card" style="overflow:auto"><table><tr>` + cells + `</tr></table></div><div>x</div></div>`,
		"/wide": `<div id="banner" style="width:1500px">x</div>`,
		"/fine": `<div class="card" style="overflow:auto"><table style="width:100%"><tr>` + strings.ReplaceAll(cells, ` style="white-space:nowrap"`, "") + `</tr></table></div>` +
			`<a href="#m" style="position:absolute;left:-999px">skip</a><span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap">` +
			strings.Repeat("a long text for screen readers only ", 20) + `</span>`,
	}
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html lang="it"><head><title>t</title></head><body style="margin:0"><main id="m">%s</main></body></html>`, pages[r.URL.Path])
	}))
	t.Cleanup(page.Close)
	ctx := webtest.Tab(t)
	do(t, ctx, "window size", chromedp.EmulateViewport(shotWidth, shotHeight))
	for _, tc := range []struct{ path, want string }{
		{"/half", "div.card holds"}, {"/wide", "div#banner ends at 1500 px"}, {"/fine", ""},
	} {
		do(t, ctx, "open "+tc.path, chromedp.Navigate(page.URL+tc.path))
		got := strings.Join(value(t, ctx, "overflow of "+tc.path, chromedp.Evaluate[[]string](overflowScript)), "; ")
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s: check says %q, want %q", tc.path, got, tc.want)
		}
	}
}
