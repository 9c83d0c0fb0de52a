// SPDX-License-Identifier: EUPL-1.2

package webtest

import (
	"encoding/xml"
	"errors"
	"html/template"
	"io"
	"strings"
	"testing"
)

// Cells is a table row as html/template writes it: what a page shows of
// row, escaped, for a test to look for.
func Cells(row []string) string {
	var sb strings.Builder
	sb.WriteString("<tr>")
	for _, c := range row {
		sb.WriteString("<td>" + template.HTMLEscapeString(c) + "</td>")
	}
	sb.WriteString("</tr>")
	return sb.String()
}

// CheckXML fails the test unless doc (an inline SVG) is well-formed XML.
func CheckXML(t testing.TB, doc string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("SVG not well-formed: %v\n%s", err, doc)
		}
	}
}
