// SPDX-License-Identifier: EUPL-1.2

package triage

import (
	"context"
	"errors"
	"strings"
	"testing"

	"helpdesk/bots"
)

// nowhere is a Poster New accepts; the configuration tests never run the
// relay, so it is never called.
type nowhere struct{}

func (nowhere) PostMessage(context.Context, string, string, bots.Reply) (string, error) {
	return "", errors.New("nowhere")
}

func (nowhere) Profile(context.Context, string) bots.User { return bots.User{} }

func TestNewRejectsBadConfig(t *testing.T) {
	v := newEnv(t)
	good := Config{Platform: PlatformSlack, ChannelID: "C1"}
	if _, err := New(good, v.engine, quietLog(), WithDB(v.pool), WithPoster(nowhere{})); err != nil {
		t.Fatalf("New(%+v) = %v", good, err)
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		eng  bots.AgentActions
		opts []Option
		want string
	}{
		{"unknown platform", Config{Platform: "teams", ChannelID: "C1"}, v.engine, []Option{WithDB(v.pool), WithPoster(nowhere{})}, `"teams" is unknown`},
		{"no chat", good, v.engine, []Option{WithDB(v.pool)}, "no chat"},
		{"no channel", Config{Platform: PlatformMattermost}, v.engine, []Option{WithDB(v.pool), WithPoster(nowhere{})}, "channel id is empty"},
		{"no database", good, v.engine, []Option{WithPoster(nowhere{})}, "no database"},
		{"no engine", good, nil, []Option{WithDB(v.pool), WithPoster(nowhere{})}, "no engine"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, tc.eng, quietLog(), tc.opts...)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New(%+v) = %v, want ErrConfig saying %q", tc.cfg, err, tc.want)
			}
		})
	}
}
