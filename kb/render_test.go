// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"strings"
	"testing"
)

func TestRendererSanitisesHostileMarkdown(t *testing.T) {
	r := NewRenderer()
	tests := []struct {
		name, in string
		banned   []string
		keep     string
	}{
		{"script tag", "Hello\n\n<script>alert(1)</script>", []string{"<script", "alert(1)"}, "Hello"},
		{"event handler", `<img src="x.png" onerror="alert(1)"> <a href="/ok" onclick="steal()">ok</a>`, []string{"onerror", "onclick", "steal"}, `href="/ok"`},
		{"javascript link", "[click](javascript:alert(1))", []string{"javascript:"}, "click"},
		{"javascript link in html", `<a href="JaVaScRiPt:alert(1)">x</a>`, []string{"javascript", "alert"}, "x"},
		{"data uri", "[x](data:text/html;base64,PHNjcmlwdD4=)", []string{"data:"}, "x"},
		{"iframe", `<iframe src="https://evil.example"></iframe>text`, []string{"<iframe"}, "text"},
		{"style", `<p style="background:url(javascript:x)">p</p>`, []string{"style=", "javascript"}, "p"},
		{"plain markdown survives", "**bold** and [link](https://example.org)\n\n1. one\n2. two", nil, "<strong>bold</strong>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.HTML(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			low := strings.ToLower(got)
			for _, b := range tt.banned {
				if strings.Contains(low, strings.ToLower(b)) {
					t.Errorf("output keeps %q: %s", b, got)
				}
			}
			if !strings.Contains(got, tt.keep) {
				t.Errorf("output lost %q: %s", tt.keep, got)
			}
		})
	}
}
