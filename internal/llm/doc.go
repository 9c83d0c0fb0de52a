// SPDX-License-Identifier: EUPL-1.2

// Package llm is the client of the optional language model, reached
// through any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama,
// vLLM, LocalAI) with github.com/sashabaranov/go-openai: chat calls,
// embeddings, the per-minute budget and the masking of personal data. It
// knows nothing of the help desk; the prompts and what is made of their
// answers (the composer, severity, summaries, suggestions, FAQ drafts)
// are the assist package's.
//
// Everything here is an add-on: a nil *Client, a disabled configuration,
// a slow or failing endpoint or an exhausted budget all surface as errors
// the callers treat as "no model", and the service goes on with its own
// knowledge-base answers, severity model and summaries.
//
// Personal data (e-mail addresses, phone numbers, Italian tax codes,
// IBANs) is masked before leaving the process unless configured off:
// Embed masks its texts, and prompt builders pass the user's text through
// Client.Mask.
package llm
