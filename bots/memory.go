// SPDX-License-Identifier: EUPL-1.2

package bots

import (
	"context"
	"sync"
)

// Memory is the in-process channel: its sender keeps every reply per
// conversation key. Tests, the benchmark and embedding programs use it.
type Memory struct {
	mu      sync.Mutex
	replies map[string][]Outbound
}

// NewMemory returns an empty in-process channel.
func NewMemory() *Memory { return &Memory{replies: map[string][]Outbound{}} }

// Send records the reply.
func (m *Memory) Send(_ context.Context, out Outbound) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.replies[out.ConversationKey] = append(m.replies[out.ConversationKey], out)
	return nil
}

// Replies returns what was sent to a conversation so far.
func (m *Memory) Replies(key string) []Outbound {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Outbound(nil), m.replies[key]...)
}

// Total is the number of replies sent to all conversations.
func (m *Memory) Total() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, rs := range m.replies {
		n += len(rs)
	}
	return n
}
