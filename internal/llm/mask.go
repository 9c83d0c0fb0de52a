// SPDX-License-Identifier: EUPL-1.2

package llm

import "helpdesk/nlp"

// Placeholders put in place of masked personal data (see nlp).
const (
	MaskEmail   = nlp.MaskEmail
	MaskPhone   = nlp.MaskPhone
	MaskTaxCode = nlp.MaskTaxCode
	MaskIBAN    = nlp.MaskIBAN
)

// MaskPersonalData masks e-mail addresses, phone numbers, Italian tax
// codes and IBANs before text leaves for the model (nlp.MaskPersonalData).
func MaskPersonalData(s string) string { return nlp.MaskPersonalData(s) }
