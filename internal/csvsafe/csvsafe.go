// SPDX-License-Identifier: EUPL-1.2

// Package csvsafe neutralises spreadsheet formulas in CSV cells. Reports
// carry text that anonymous users typed (the unanswered search queries);
// a cell such as =HYPERLINK(…) or @SUM(…) would be a live formula when a
// supervisor opens the file in a spreadsheet (OWASP "CSV injection").
package csvsafe

// Cell returns s with a leading apostrophe when it starts with a
// character a spreadsheet reads as the start of a formula: = + - @, tab
// or carriage return. The apostrophe makes the cell plain text and is
// not shown by the spreadsheet.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Row applies Cell to every cell of a row, in a copy.
func Row(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = Cell(c)
	}
	return out
}
