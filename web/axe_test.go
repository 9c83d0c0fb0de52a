package web

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.14 (npm package axe-core, MPL-2.0, licence
// beside it), vendored so the accessibility checks run offline and the
// same everywhere: `npm pack axe-core@4.14` and copy axe.min.js here to
// update it (testdata/axe/README.md).
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// axeTags are the rules public bodies must meet by law: WCAG 2.1 A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeViolation is one failed rule, as axe-core reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeViolations injects axe-core into the page the tab shows (once per
// page load) and returns the WCAG 2.1 A/AA violations it finds.
func axeViolations(ctx context.Context) ([]axeViolation, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		return nil, err
	}
	if !loaded {
		// Evaluated as a script of the page: axe defines window.axe.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+"\n;true")); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
	}
	tags, _ := json.Marshal(axeTags)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`}, resultTypes: ["violations"]})`+
			`.then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		return nil, fmt.Errorf("axe-core's answer: %w", err)
	}
	return vs, nil
}

// checkA11y fails t when the page the tab shows has any WCAG 2.1 A/AA
// violation; page names it in the message.
func checkA11y(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	vs, err := axeViolations(ctx)
	if err != nil {
		loc, _ := pageState(ctx)
		t.Fatalf("%s (%s): %v", page, loc, err)
	}
	for _, v := range vs {
		var where []string
		for i, n := range v.Nodes {
			if i == 3 {
				where = append(where, fmt.Sprintf("… %d more", len(v.Nodes)-3))
				break
			}
			where = append(where, fmt.Sprintf("%v: %s", n.Target, n.Summary))
		}
		t.Errorf("%s: WCAG violation %s (%s): %s\n\t%s", page, v.ID, v.Impact, v.Help, strings.Join(where, "\n\t"))
	}
}

// rawMarkers are what must never reach an agent's eyes: the engine's
// internal keys and Markdown the page did not render.
var rawMarkers = regexp.MustCompile(`agent:|pick:|menu:|\*\*|state:`)

// checkNoRawText fails t when the rendered text of the tab's page shows
// an internal key or a Markdown marker (rawMarkers).
func checkNoRawText(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatalf("%s: read the text: %v", page, err)
	}
	for _, line := range strings.Split(text, "\n") {
		if m := rawMarkers.FindString(line); m != "" {
			t.Errorf("%s shows %q: %q", page, m, strings.TrimSpace(line))
		}
	}
}

// TestBrowserAxeFindsViolations: the vendored file is the 4.14 line, and
// the check fails a page that breaks the rules (an image with no text, a
// field with no label) and passes the same page fixed.
func TestBrowserAxeFindsViolations(t *testing.T) {
	if !strings.HasPrefix(axeSource, "/*! axe v4.14.") {
		t.Fatalf("testdata/axe/axe.min.js starts %.30q, want axe v4.14", axeSource)
	}
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := `<img src="x.png"><input name="q">`
		if r.URL.Path == "/fixed" {
			body = `<img src="x.png" alt="Logo"><label>Search <input name="q"></label>`
		}
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1>%s</main></body></html>`, body)
	}))
	t.Cleanup(page.Close)
	ctx := tab(t)
	for _, tc := range []struct {
		path string
		want []string
	}{{"/broken", []string{"image-alt", "label"}}, {"/fixed", nil}} {
		if err := chromedp.Do(ctx, chromedp.Navigate(page.URL+tc.path)); err != nil {
			t.Fatal(err)
		}
		vs, err := axeViolations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, v.ID)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: violations %v, want %v", tc.path, got, tc.want)
		}
	}
}
