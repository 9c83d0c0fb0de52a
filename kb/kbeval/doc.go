// SPDX-License-Identifier: EUPL-1.2

// Package kbeval holds the search engines kept only to compare with the
// knowledge base's in-process index (docs/kb-search.md): bleve over the
// same analysis, and PostgreSQL full-text search. The service never uses
// them, and `helpdesk serve` must not carry them: bleve alone brings some
// twenty modules. Only `helpdesk kb eval --engine bleve|postgres` does,
// in a binary built with `-tags kbeval` (cmd/helpdesk/kbengines_kbeval.go);
// cmd/helpdesk's TestServeLinksNoBleve keeps it so.
package kbeval
