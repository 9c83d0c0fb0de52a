// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
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
	// The ready message: the base address, then one line per page a
	// newcomer opens (servedAddresses).
	printed := make(chan []string, 1)
	go func() {
		re := regexp.MustCompile(`http://127\.0\.0\.1:\d+\S*`)
		sc := bufio.NewScanner(pr)
		var urls []string
		for sc.Scan() {
			if m := re.FindString(sc.Text()); m != "" {
				if urls = append(urls, m); len(urls) == 1+len(servedAddresses) {
					printed <- urls
				}
			}
		}
	}()
	var base string
	var urls []string
	select {
	case urls = <-printed:
		base = urls[0]
	case code := <-done:
		t.Fatalf("serve exited with %d before listening", code)
	case <-testwait.Expired(t):
		t.Fatal("serve did not print its addresses")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range servedAddresses {
		if urls[1+i] != base+a.path {
			t.Errorf("printed %s, want %s%s (%s)", urls[1+i], base, a.path, a.label)
		}
		// The README names the same addresses, on the default port.
		if !strings.Contains(string(readme), "http://127.0.0.1:8080"+a.path) {
			t.Errorf("README does not name http://127.0.0.1:8080%s (%s)", a.path, a.label)
		}
	}
	for _, u := range urls[1:] {
		resp, err := http.Get(u) // the console's address leads to its login page
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s (printed at start) = %d", u, resp.StatusCode)
		}
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
