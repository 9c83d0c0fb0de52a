// SPDX-License-Identifier: EUPL-1.2

// Package assist is what the help desk asks of the optional language
// model, and the checks on what it answers: the composer of grounded
// answers for users (bots.Composer), the severity opinion joined to the
// local model's (bots.SeverityModel), and the console's handoff
// summaries, reply suggestions and FAQ drafts. It owns the prompts; the
// calls themselves, the budget and the masking are internal/llm's.
//
// Safety rules kept by every prompt built here:
//   - user text is data: it travels inside delimited blocks whose boundary
//     is random per request, and the instructions say so;
//   - only what the reader may see is ever put in a prompt (public,
//     published entries for user answers; never internal notes or other
//     users' tickets), so nothing else can leak whatever the model does;
//   - answers must cite the entries they use by id and revision; foreign
//     or missing citations, echoes of the instructions and ticket numbers
//     that came from nowhere discard the answer;
//   - personal data is masked before leaving the process unless
//     configured off (llm.Client.Mask).
package assist
