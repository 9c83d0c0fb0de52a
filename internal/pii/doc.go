// SPDX-License-Identifier: EUPL-1.2

// Package pii finds and masks personal data in free text (e-mail
// addresses, phone numbers, Italian tax codes, IBANs): before text leaves
// for the language model (internal/llm), in stored search queries and
// feedback (kb), in FAQ drafts (assist) and when a requester is erased
// (tickets). It is a leaf: pure functions, no project imports, so the
// infrastructure under internal/ can use it without importing the domain.
package pii
