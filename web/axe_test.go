// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"helpdesk/web/webtest"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axe-core is not part of the repository (its code is not ours): the
// browser tests fetch the npm package once from the npm registry into
// <project>/.data/axe/, check it against the digest pinned here, and
// inject it into each page. To move to a newer version, change the three
// values together (the digest is the sha512 "integrity" the registry
// publishes for the tarball).
const (
	axeVersion   = "4.14.1"
	axeTarball   = "https://registry.npmjs.org/axe-core/-/axe-core-" + axeVersion + ".tgz"
	axeIntegrity = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// loadAxe returns axe.min.js, fetched and cached on first use.
func loadAxe() (string, error) {
	axeOnce.Do(func() { axeSource, axeErr = fetchAxe() })
	return axeSource, axeErr
}

func fetchAxe() (string, error) {
	dir, err := filepath.Abs(filepath.Join("..", ".data", "axe"))
	if err != nil {
		return "", err
	}
	cached := filepath.Join(dir, "axe-core-"+axeVersion+".tgz")
	tgz, err := os.ReadFile(cached)
	if err != nil || integrity(tgz) != axeIntegrity {
		resp, err := http.Get(axeTarball)
		if err != nil {
			return "", fmt.Errorf("fetch axe-core from the npm registry (needed by the accessibility checks): %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("fetch %s: %s", axeTarball, resp.Status)
		}
		if tgz, err = io.ReadAll(resp.Body); err != nil {
			return "", fmt.Errorf("fetch %s: %w", axeTarball, err)
		}
		if got := integrity(tgz); got != axeIntegrity {
			return "", fmt.Errorf("%s: integrity %s, want %s", axeTarball, got, axeIntegrity)
		}
		os.MkdirAll(dir, 0o755)
		if err := os.WriteFile(cached, tgz, 0o644); err != nil {
			return "", err
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return "", err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return "", fmt.Errorf("%s: no package/axe.min.js: %w", cached, err)
		}
		if h.Name == "package/axe.min.js" {
			b, err := io.ReadAll(tr)
			return string(b), err
		}
	}
}

// integrity is npm's Subresource Integrity string of b.
func integrity(b []byte) string {
	sum := sha512.Sum512(b)
	return "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
}

// axeTags are the rules public bodies must meet by law: WCAG 2.1 A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeScreenReaderRules are axe-core's best-practice rules about what a
// screen reader's user navigates by — one main landmark, everything
// inside a landmark, one h1, headings in order, no nameless table header —
// run with the WCAG ones (the screen-reader pass of issue 19).
var axeScreenReaderRules = []string{"landmark-one-main", "region", "page-has-heading-one", "heading-order", "empty-table-header",
	"landmark-unique", "landmark-no-duplicate-main"}

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
		src, err := loadAxe()
		if err != nil {
			return nil, err
		}
		// Evaluated as a script of the page: axe defines window.axe.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](src+"\n;true")); err != nil {
			return nil, fmt.Errorf("inject axe-core: %w", err)
		}
	}
	tags, _ := json.Marshal(axeTags)
	extra, _ := json.Marshal(axeScreenReaderRules)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {runOnly: {type: "rule", values: axe.getRules(`+string(tags)+`).map(r => r.ruleId).concat(`+string(extra)+`)},`+
			` resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
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
		loc, _ := webtest.PageState(ctx)
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

// TestBrowserAxeFindsViolations: the fetched file is the 4.14 line, and
// the check fails a page that breaks the rules (an image with no text, a
// field with no label) and passes the same page fixed.
func TestBrowserAxeFindsViolations(t *testing.T) {
	t.Parallel()
	src, err := loadAxe()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(src, "/*! axe v4.14.") {
		t.Fatalf("axe.min.js of %s starts %.30q, want axe v4.14", axeTarball, src)
	}
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := `<img src="x.png"><input name="q">`
		if r.URL.Path == "/fixed" {
			body = `<img src="x.png" alt="Logo"><label>Search <input name="q"></label>`
		}
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1>%s</main></body></html>`, body)
	}))
	t.Cleanup(page.Close)
	ctx := webtest.Tab(t)
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
