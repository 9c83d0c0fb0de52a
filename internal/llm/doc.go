// SPDX-License-Identifier: EUPL-1.2

// Package llm is the optional language model of the help desk, reached
// through any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama,
// vLLM, LocalAI) with github.com/sashabaranov/go-openai.
//
// Everything here is an add-on: a nil *Client, a disabled configuration,
// a slow or failing endpoint or an exhausted budget all surface as errors
// the callers treat as "no model", and the service goes on with its own
// knowledge-base answers, severity model and summaries.
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
//   - personal data (e-mail addresses, phone numbers, Italian tax codes,
//     IBANs) is masked before leaving the process unless configured off.
package llm
