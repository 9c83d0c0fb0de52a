// SPDX-License-Identifier: EUPL-1.2

// Package webtest holds what the web packages' tests share: one headless
// Chromium per test binary, with a fresh browser context (an incognito
// window) per tab, and the small checks of the pages' HTML (Cells,
// CheckXML). It is not a _test.go file so that the tests of web,
// web/portal and web/console use the same helper, and it imports no web
// package, so that their in-package tests can import it.
package webtest

import (
	"context"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"helpdesk/internal/testwait"
)

// chromium is the package's one headless Chromium, shared by every browser
// test: starting it is the slow part of a browser test (seconds on a busy
// two-core machine), and one process at a time is lighter than one per
// test. Each test works in tabs of its own, each in a fresh browser context
// (cookies, storage and cache of its own, like an incognito window), so no
// test sees another's session. When the process has died, the next test
// that asks for it starts a new one.
var chromium struct {
	mu     sync.Mutex
	ctx    context.Context // the browser's first tab: done once the process is gone
	stop   context.CancelFunc
	starts int // processes started so far (the restart test reads it)
}

// chromiumOptions are the flags that work on this project's machines: the
// background-networking ones keep Chromium from calling Google's hosts,
// which a closed network refuses, many at a time.
func chromiumOptions(path string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("lang", "it-IT"))
}

// Browser returns the shared Chromium, starting it if none runs or the
// last one died. Tests open their tabs in it with openTab.
func Browser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (.ci/setup-tools installs it)")
	}
	chromium.mu.Lock()
	defer chromium.mu.Unlock()
	if chromium.ctx != nil && chromium.ctx.Err() == nil {
		return chromium.ctx
	}
	if chromium.stop != nil {
		chromium.stop() // reaps what is left of the dead one
	}
	alloc, stopAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(path)...)
	// The browser lives as long as the context of its first run: this
	// one, which no test's end or deadline cancels. The test's deadline
	// bounds the start from outside.
	ctx, stopBrowser := chromedp.NewContext(alloc)
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	deadline := time.NewTimer(time.Until(testwait.Deadline(t)))
	defer deadline.Stop()
	select {
	case err := <-started:
		if err != nil {
			stopBrowser()
			stopAlloc()
			t.Fatalf("start chromium: %v", err)
		}
	case <-deadline.C:
		stopBrowser()
		stopAlloc()
		t.Fatal("timed out waiting for chromium to start")
	}
	chromium.ctx, chromium.starts = ctx, chromium.starts+1
	chromium.stop = func() { stopBrowser(); stopAlloc() }
	return ctx
}

// OpenTab opens a tab for t in b, in a browser context of its own, closed
// when t ends. Its steps end at t's deadline (testwait).
func OpenTab(t *testing.T, b context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// This first run opens the tab, whose life is bound to the context
	// of that run: a deadline here would close the tab when it passed.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	tctx, cancelT := context.WithDeadline(ctx, testwait.Deadline(t))
	t.Cleanup(cancelT)
	return tctx
}

// Tab is a fresh tab in the shared Chromium.
func Tab(t *testing.T) context.Context {
	t.Helper()
	return OpenTab(t, Browser(t))
}

// Submit runs click, which sends a form or follows a link, and returns
// once the page it leads to has loaded. Waiting only for an element of the
// new page is not enough when the old page had it too (the .flash of the
// previous action): the test went on while the navigation was still in
// flight, and its next Navigate collided with it (net::ERR_ABORTED).
func Submit(click chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.RunResponse(ctx, click)
		return err
	})
}

// Poll waits, in the page, until expr is truthy and returns its value; the
// tab's deadline bounds it (no polling timeout of its own).
func Poll[T any](expr string) chromedp.Action[T] {
	return chromedp.Poll[T](expr, chromedp.WithPollingTimeout(0))
}

// PageState is where a tab stands, for a failure message: it is read with
// a few seconds of its own, since the tab's deadline may be what failed.
func PageState(ctx context.Context) (loc, main string) {
	short, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	loc, _ = chromedp.Run(short, chromedp.Location())
	main, _ = chromedp.Run(short, chromedp.Text(chromedp.CSS("main")))
	return loc, main
}

// Stop ends the shared Chromium, if one runs: a package's TestMain calls
// it once its tests have run.
func Stop() {
	chromium.mu.Lock()
	defer chromium.mu.Unlock()
	if chromium.stop != nil {
		chromium.stop()
		chromium.stop, chromium.ctx = nil, nil
	}
}
