// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"helpdesk/kb"
)

// TestMediaCaptionsServed: a video's WebVTT captions are served as
// text/vtt (a <track> is ignored otherwise by some browsers) and the
// article lists them as <track>s, the page's language by default; a
// video with no captions beside it gets none.
func TestMediaCaptionsServed(t *testing.T) {
	t.Parallel()
	p := newPortalWith(t, portalSetup{Content: "../content/kb"})
	c := p.client()
	code, body, h := p.get(c, "/help/media/health/vpn-tutorial.it.vtt")
	if code != 200 || h.Get("Content-Type") != "text/vtt; charset=utf-8" || !strings.HasPrefix(body, "WEBVTT\n") {
		t.Fatalf("captions = %d %q %.20q", code, h.Get("Content-Type"), body)
	}
	_, page, _ := p.get(c, "/help/a/vpn-set-up-client?lang=en")
	for _, want := range []string{
		`<video controls preload="metadata" src="/help/media/health/vpn-tutorial.mp4">`,
		`<track kind="captions" src="/help/media/health/vpn-tutorial.it.vtt" srclang="it" label="Italiano">`,
		`<track kind="captions" src="/help/media/health/vpn-tutorial.en.vtt" srclang="en" label="English" default>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the tutorial page lacks %s", want)
		}
	}
	// A demo tutorial with slides and no video says so: no player.
	_, page, _ = p.get(c, "/help/a/cns-installare-driver-lettore?lang=it")
	if strings.Contains(page, "<video") || !strings.Contains(page, `<h2 id="media-h">Presentazioni e immagini</h2>`) {
		t.Errorf("a tutorial without a video shows a player or calls its slides videos")
	}
}

// TestDemoMediaShipped: every medium of the demo knowledge base
// (content/kb) is a file shipped beside it — no address on another site,
// which a demo cannot promise to answer — and every video has its
// captions in Italian and English. The shipped media stay small.
func TestDemoMediaShipped(t *testing.T) {
	t.Parallel()
	const root = "../content/kb"
	var entries, videos int
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		e, err := kb.ParseFile(b)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		entries++
		for _, m := range e.Media {
			if strings.Contains(m.URL, "://") || !strings.HasPrefix(m.URL, "media/") {
				t.Errorf("%s: %s %q is not a file shipped in content/kb/media", p, m.Type, m.URL)
				continue
			}
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(m.URL))); err != nil {
				t.Errorf("%s: %s %q is not shipped: %v", p, m.Type, m.URL, err)
			}
			if m.Type == "video" {
				videos++
				for _, lang := range []string{"it", "en"} {
					vtt := strings.TrimSuffix(m.URL, path.Ext(m.URL)) + "." + lang + ".vtt"
					if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(vtt))); err != nil {
						t.Errorf("%s: the video %q has no %s captions (%s)", p, m.URL, lang, vtt)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if entries < 20 || videos == 0 {
		t.Fatalf("read %d entries with %d videos: is %s the demo?", entries, videos, root)
	}
	var size int64
	err = filepath.WalkDir(filepath.Join(root, "media"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			size += info.Size()
		}
		return err
	})
	if err != nil || size > 3<<20 {
		t.Errorf("content/kb/media holds %d bytes (%v), want at most 3 MB", size, err)
	}
}

// TestTutorialVideoScriptMatchesCommittedFiles: content/make-tutorial-video.sh
// writes the demo tutorial's captions and slide deck exactly as committed
// (SLIDES_ONLY=1: no ffmpeg needed), so the committed video, captions and
// slides come from the script in the repository, and a slide changed in
// the script without running it again fails here.
func TestTutorialVideoScriptMatchesCommittedFiles(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	out := t.TempDir()
	cmd := exec.Command("../content/make-tutorial-video.sh", out)
	cmd.Env = append(os.Environ(), "SLIDES_ONLY=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make-tutorial-video.sh: %v\n%s", err, b)
	}
	for _, f := range []string{"vpn-tutorial.it.vtt", "vpn-tutorial.en.vtt", "vpn-tutorial-slides.svg"} {
		made, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile("../content/kb/media/health/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if string(made) != string(committed) {
			t.Errorf("%s: the script writes something else than the committed file: run content/make-tutorial-video.sh", f)
		}
	}
	if st, err := os.Stat("../content/kb/media/health/vpn-tutorial.mp4"); err != nil || st.Size() < 10<<10 || st.Size() > 400<<10 {
		t.Errorf("the committed video: %v, %v (want 10–400 KB)", st, err)
	}
}
