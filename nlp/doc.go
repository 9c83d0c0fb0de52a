// SPDX-License-Identifier: EUPL-1.2

// Package nlp holds pure text functions: language detection, normalising
// and stemming for Italian and English, intents and the severity model. It
// imports nothing of ours and touches no database.
package nlp
