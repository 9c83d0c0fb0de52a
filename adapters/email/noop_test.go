package email

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a bytes.Buffer safe for the client's writer goroutine
// and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPollingSendsNoopBeforeSearch: without IDLE every round's UID SEARCH
// follows a NOOP, read on the wire, so a server that announces new mail
// only in answer to a synchronising command (Dovecot) shows it this round.
func TestPollingSendsNoopBeforeSearch(t *testing.T) {
	srv := newIMAPServer(t, false)
	a := newTestAdapter(t, imapConfig(srv), &recordingHandler{})
	trace := &syncBuffer{}
	a.imapTrace = trace
	rounds := countRounds(a)
	startRun(t, a)
	moreRounds(t, rounds, 3)

	var last string
	searches := 0
	for _, line := range strings.Split(trace.String(), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(line, "*") {
			continue // an answer, not a command
		}
		cmd := strings.ToUpper(strings.Join(f[1:min(3, len(f))], " "))
		switch {
		case strings.HasPrefix(cmd, "UID SEARCH"):
			searches++
			if last != "NOOP" {
				t.Fatalf("UID SEARCH after %q, not after NOOP:\n%s", last, trace.String())
			}
			last = "UID SEARCH"
		case cmd == "NOOP" || strings.HasPrefix(cmd, "NOOP"):
			last = "NOOP"
		case strings.HasPrefix(cmd, "OK") || strings.HasPrefix(cmd, "NO") || strings.HasPrefix(cmd, "BAD"):
			// a tagged answer
		default:
			last = cmd
		}
	}
	if searches < 3 {
		t.Fatalf("%d searches on the wire:\n%s", searches, trace.String())
	}
}
