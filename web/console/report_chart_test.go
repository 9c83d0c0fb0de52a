// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"strings"
	"testing"

	"helpdesk/web/webtest"
)

func TestBarChartEscapesAndScales(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		bars []chartBar
		opt  chartOptions
		want []string
	}{
		{"empty", nil, chartOptions{Empty: "Nessun dato nel periodo."}, []string{"Nessun dato nel periodo."}},
		{"markup", []chartBar{{Label: `"><script>x</script>`, Value: 3}}, chartOptions{}, []string{"&lt;script&gt;", `width="310.0"`}},
		{"ref line", []chartBar{{Label: "a", Value: 50}}, chartOptions{Max: 100, RefLine: 100, RefLabel: "100 %"}, []string{`class="ref"`, `width="155.0"`}},
		{"figures in the description", []chartBar{{Label: "Web", Value: 1234}}, chartOptions{Lang: "it"}, []string{"<desc", "Web: 1.234"}},
		{"negative clipped", []chartBar{{Label: "a", Value: -2}, {Label: "b", Value: 1}}, chartOptions{}, []string{`width="0.0"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := string(barChart("c", "T & <t>", tt.bars, tt.opt))
			webtest.CheckXML(t, svg)
			if strings.Contains(svg, "<script>") {
				t.Fatal("markup injected")
			}
			for _, w := range tt.want {
				if !strings.Contains(svg, w) {
					t.Errorf("lacks %s:\n%s", w, svg)
				}
			}
		})
	}
}
