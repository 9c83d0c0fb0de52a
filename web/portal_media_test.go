// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMediaCaptionsServed: a video's WebVTT captions are served as
// text/vtt (a <track> is ignored otherwise by some browsers) and the
// article lists them as <track>s, the page's language by default; a
// video with no captions beside it gets none.
func TestMediaCaptionsServed(t *testing.T) {
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
	// Another demo tutorial whose video is elsewhere: no captions looked for.
	_, page, _ = p.get(c, "/help/a/cns-installare-driver-lettore?lang=it")
	if strings.Contains(page, "<track") {
		t.Errorf("a remote video got captions")
	}
}

// TestTutorialVideoScriptMatchesCommittedFiles: content/make-tutorial-video.sh
// writes the demo tutorial's captions and slide deck exactly as committed
// (SLIDES_ONLY=1: no ffmpeg needed), so the committed video, captions and
// slides come from the script in the repository, and a slide changed in
// the script without running it again fails here.
func TestTutorialVideoScriptMatchesCommittedFiles(t *testing.T) {
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
