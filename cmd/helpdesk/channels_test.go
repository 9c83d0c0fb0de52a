package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestChannelsCheck(t *testing.T) {
	var out, errOut strings.Builder
	if code := run(context.Background(), []string{"channels", "check"}, nil, &out, &errOut, nil); code != 0 {
		t.Fatalf("nothing enabled: exit %d %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "no channel is enabled") {
		t.Fatalf("output %q", out.String())
	}
	out.Reset()
	errOut.Reset()
	code := run(context.Background(), []string{"channels", "check"}, nil, &out, &errOut, []string{
		"HELPDESK_CHANNELS_MATTERMOST_ENABLED=true",
		"HELPDESK_CHANNELS_MATTERMOST_URL=http://127.0.0.1:1",
		"HELPDESK_CHANNELS_MATTERMOST_TOKEN=abc",
	})
	if code != 1 || !strings.Contains(out.String(), "mattermost FAIL") {
		t.Fatalf("unreachable server: exit %d, out %q, err %q", code, out.String(), errOut.String())
	}
	if code := run(context.Background(), []string{"channels"}, nil, io.Discard, io.Discard, nil); code != 2 {
		t.Fatalf("no subcommand: exit %d", code)
	}
}
