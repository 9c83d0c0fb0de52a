// SPDX-License-Identifier: EUPL-1.2

// Package adapters groups one package per channel (slack, telegram,
// mattermost, email, …). Each verifies, parses and normalises platform
// events into bots.Inbound and renders replies natively; no platform type
// leaves its package.
package adapters
