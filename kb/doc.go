// SPDX-License-Identifier: EUPL-1.2

// Package kb is the knowledge base: FAQ, tutorials and manual sections,
// their editorial workflow and revisions, import/export as Markdown files,
// and the search the bot and the help centre answer from.
package kb
