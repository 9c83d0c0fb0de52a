package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"helpdesk/internal/testdb"
	"helpdesk/internal/testwait"
)

// TestServeStartsAndStopsGracefully runs `helpdesk serve` on a fresh
// database, checks health, readiness and metrics, then cancels (as
// SIGTERM does) and expects a clean exit.
func TestServeStartsAndStopsGracefully(t *testing.T) {
	url := testdb.NewURL(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"serve"}, strings.NewReader(""), pw, io.Discard, []string{
			"DATABASE_URL=" + url,
			"HELPDESK_HTTP_ADDR=127.0.0.1:0",
			"HELPDESK_DATA_DIR=" + t.TempDir(),
			"HELPDESK_BACKUP_DIR=" + t.TempDir(),
			"HELPDESK_KB_LOAD_ON_START=false",
		})
		pw.Close()
		done <- code
	}()
	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case code := <-done:
		t.Fatalf("serve exited with %d before listening", code)
	case <-testwait.Expired(t):
		t.Fatal("serve did not print its address")
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s = %d", path, resp.StatusCode)
		}
		if path == "/metrics" {
			for _, want := range []string{`helpdesk_queue_length{level="1"} 0`, `helpdesk_sla_events_total{kind="breach"} 0`, "helpdesk_tickets_open 0"} {
				if !strings.Contains(string(body), want) {
					t.Errorf("/metrics lacks %q", want)
				}
			}
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited with %d after shutdown, want 0", code)
		}
	case <-testwait.Expired(t):
		t.Fatal("serve did not stop after the signal")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("server still answers after shutdown")
	}
}

func TestBadConfigStopsStartUp(t *testing.T) {
	var stderr strings.Builder
	code := run(context.Background(), []string{"serve"}, strings.NewReader(""), io.Discard, &stderr, []string{"HELPDESK_HTTP_ADDR=nonsense"})
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "http.addr (HELPDESK_HTTP_ADDR)") {
		t.Fatalf("stderr %q does not name the key", stderr.String())
	}
}

func TestUnknownCommand(t *testing.T) {
	var stderr strings.Builder
	if code := run(context.Background(), []string{"frobnicate"}, nil, io.Discard, &stderr, nil); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "unknown command") || !strings.Contains(stderr.String(), "serve") {
		t.Fatalf("stderr %q", stderr.String())
	}
}
