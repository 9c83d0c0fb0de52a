// SPDX-License-Identifier: EUPL-1.2

// Package bots is the conversation engine, the same for every channel: it
// records each inbound message once, runs the conversation's state machine
// (bot → queued → agent → resolved → closed), asks nlp and kb, opens
// tickets, and hands conversations to human agents.
package bots
