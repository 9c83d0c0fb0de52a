package web

import (
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
