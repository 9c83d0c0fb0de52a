// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"testing"
)

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs and breaks", "<p>Uno</p><p>Due<br>Tre</p>", "Uno\nDue\nTre"},
		{"entities", "<p>perch&eacute; &amp; &#8220;cos&igrave;&#8221;&nbsp;!</p>", "perché & “così” !"},
		{"lists", "<ul><li>a</li><li>b</li></ul>", "- a\n- b"},
		{"links keep the address", `<a href="https://x.example/p">pagina</a>`, "pagina (https://x.example/p)"},
		{"links whose text is the address", `<a href="https://x.example/p">https://x.example/p</a>`, "https://x.example/p"},
		{"mailto is not repeated", `<a href="mailto:a@b.example">a@b.example</a>`, "a@b.example"},
		{"hidden parts", `<head><title>T</title><style>p{}</style></head><script>x()</script><p>ok</p><div style="display:none">pre<div>x</div>header</div><p>fine</p>`, "ok\nfine"},
		{"quotes marked", `<p>Nuovo</p><blockquote type="cite"><p>vecchio</p></blockquote>`, "Nuovo\n> vecchio"},
		{"gmail quote", `<div>Nuovo</div><div class="gmail_quote"><div>On x wrote:</div><blockquote>vecchio</blockquote></div>`, "Nuovo\n> On x wrote:\n> > vecchio"},
		{"images", `<p>Vedi <img src="cid:1" alt="schermata"></p>`, "Vedi [schermata]"},
		{"word html", "<html><head><style><!-- p.MsoNormal {margin:0cm} --></style><!--[if gte mso 9]><xml><o:shapedefaults/></xml><![endif]--></head><body lang=IT><div class=WordSection1><p class=MsoNormal>Buongiorno,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>il PC non si avvia.<o:p></o:p></p></div></body></html>", "Buongiorno,\n\nil PC non si avvia."},
		{"outlook reply header", `<div>Ok.</div><div id="divRplyFwdMsg"><b>Da:</b> Help desk<br><b>Inviato:</b> martedì</div><div>vecchio testo</div>`, "Ok.\n________________________________\nDa: Help desk\nInviato: martedì\nvecchio testo"},
		{"broken html", `<p>aperto <b>grassetto <i>corsivo</p>resto`, "aperto grassetto corsivo\nresto"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := normalizeText(htmlToText(tc.in)); got != tc.want {
				t.Fatalf("htmlToText = %q, want %q", got, tc.want)
			}
		})
	}
}
