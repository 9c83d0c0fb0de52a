// SPDX-License-Identifier: EUPL-1.2

package webtest

import (
	"context"
	"fmt"
	"helpdesk/internal/testwait"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestMain(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// TestBrowserSharedChromium: two tabs share the process but not their
// cookies, and a Chromium that dies (killed here, as the kernel's
// out-of-memory killer would) is replaced for the next tab.
func TestBrowserSharedChromium(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html><body><p id="ready">ready</p></body></html>`)
	}))
	t.Cleanup(page.Close)
	open := func(t *testing.T) context.Context {
		ctx := Tab(t)
		if err := chromedp.Do(ctx, chromedp.Navigate(page.URL), chromedp.WaitVisible(chromedp.ID("ready"))); err != nil {
			t.Fatal(err)
		}
		return ctx
	}
	// Subtests, so that their tabs are closed before the kill.
	t.Run("a tab's cookies stay in its tab", func(t *testing.T) {
		if _, err := chromedp.Run(open(t), chromedp.Evaluate[string](`document.cookie = "session=first; path=/"`)); err != nil {
			t.Fatal(err)
		}
		if c, err := chromedp.Run(open(t), chromedp.Evaluate[string](`document.cookie`)); err != nil || c != "" {
			t.Fatalf("a second tab sees cookies %q (%v), want none", c, err)
		}
	})
	t.Run("a dead browser is replaced", func(t *testing.T) {
		dead := Browser(t)
		chromium.mu.Lock()
		starts := chromium.starts
		chromium.mu.Unlock()
		if err := chromedp.FromContext(dead).Browser.Process().Kill(); err != nil {
			t.Fatal(err)
		}
		testwait.Closed(t, "the killed browser's context to end", dead.Done())
		open(t)
		chromium.mu.Lock()
		restarted := chromium.starts
		chromium.mu.Unlock()
		if restarted != starts+1 {
			t.Fatalf("%d starts after the kill, want %d", restarted, starts+1)
		}
	})
}
