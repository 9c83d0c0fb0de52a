// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"

	"helpdesk/bots"
	"helpdesk/bots/markup"
	"helpdesk/internal/db"
	"helpdesk/internal/i18n"
)

var chatText = i18n.Catalog{
	"chat.welcome": {
		"it": "Chat con l'assistente dell'help desk (utente %s). Scrivi un messaggio; un numero sceglie un pulsante; Ctrl-D per uscire.",
		"en": "Chat with the help desk assistant (user %s). Type a message; a number picks a button; Ctrl-D to quit.",
	},
	"chat.toolong": {"it": "Messaggio troppo lungo: dividilo in parti più brevi.", "en": "Message too long: split it into shorter parts."},
	"chat.error":   {"it": "Errore: %v", "en": "Error: %v"},
}

// terminal is the channel of `helpdesk chat`: replies are printed, and
// their buttons numbered so the next line can press one.
type terminal struct {
	mu      sync.Mutex
	out     io.Writer
	buttons []bots.Button
}

func (t *terminal) Send(_ context.Context, o bots.Outbound) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(o.Buttons) > 0 {
		t.buttons = o.Buttons
	}
	_, err := io.WriteString(t.out, renderTerminal(o.Reply))
	return err
}

// renderTerminal is a reply as the terminal prints it: the text, links,
// media, and the buttons numbered so the next line can press one.
func renderTerminal(r bots.Reply) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\n", markup.Render(r.Text, markup.Plain)) // no raw * or ** in a terminal
	for _, l := range r.Links {
		fmt.Fprintf(&b, "  → %s: %s\n", l.Label, l.URL)
	}
	for _, m := range r.Media {
		fmt.Fprintf(&b, "  ▶ %s (%s %s): %s\n", m.Title, m.Type, m.Duration, m.URL)
	}
	for i, btn := range r.Buttons {
		fmt.Fprintf(&b, "  [%d] %s\n", i+1, btn.Label)
	}
	return b.String()
}

// inbound is what a typed line means: a number presses a button of the
// last ones shown, anything else is text.
func (t *terminal) inbound(id, key string, user bots.User, line string) bots.Inbound {
	msg := bots.Inbound{Channel: "terminal", ExternalID: id, ConversationKey: key, User: user}
	if action, ok := t.press(line); ok {
		msg.Action = action
	} else {
		msg.Text = line
	}
	return msg
}

// press maps a typed number to the last buttons shown.
func (t *terminal) press(line string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || n < 1 || n > len(t.buttons) {
		return "", false
	}
	return t.buttons[n-1].Action, true
}

// runChat talks to the real engine and database from the terminal.
func runChat(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	lang := fs.String("lang", "", "your language: it | en (default: detected from what you write)")
	as := fs.String("as", defaultUser(), "the user you chat as (a new name is a new requester)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	cfg.Log.Level = "warn" // the chat is the output; logs only when something is wrong
	log := env.newLogger(cfg)
	pool, err := env.openDB(ctx, cfg, cfg.Database.MigrateOnStart)
	if err != nil {
		return err
	}
	defer pool.Close()
	a, err := newApp(ctx, cfg, log, pool, nil, time.Now, nil)
	if err != nil {
		return err
	}
	term := &terminal{out: env.stdout}
	a.engine.RegisterSender("terminal", term)
	key := "terminal:" + *as
	dbURL, err := env.databaseURL(ctx, cfg)
	if err != nil {
		return err
	}
	// Agents answer from the console, in another process that cannot
	// print here: their replies wait undelivered until this chat prints
	// them, as they arrive.
	fctx, stop := context.WithCancel(ctx)
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		followReplies(fctx, a.engine, dbURL, key, log)
	}()
	defer func() { stop(); <-followed }()

	uiLang := i18n.Normalize(*lang)
	if *lang == "" {
		uiLang = cfg.Language
	}
	fmt.Fprintln(env.stdout, chatText.T(uiLang, "chat.welcome", *as))
	session := strconv.FormatInt(time.Now().UnixNano(), 36)
	in := bufio.NewScanner(env.stdin)
	in.Buffer(make([]byte, 64<<10), 64<<10)
	for seq := 1; ; seq++ {
		fmt.Fprint(env.stdout, "\n> ")
		if !in.Scan() {
			fmt.Fprintln(env.stdout)
			return in.Err()
		}
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		msg := term.inbound(session+"-"+strconv.Itoa(seq), key, bots.User{ID: *as, Name: *as, Lang: *lang}, line)
		if _, err := a.engine.Handle(ctx, msg); err != nil {
			if errors.Is(err, bots.ErrTooLong) {
				fmt.Fprintln(env.stdout, chatText.T(uiLang, "chat.toolong"))
				continue
			}
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintln(env.stdout, chatText.T(uiLang, "chat.error", err))
		}
	}
}

// followReplies prints the conversation's replies written elsewhere (an
// agent in the console): at start, then at each change of a conversation
// PostgreSQL announces, and after a reconnection (announcements may have
// been missed).
func followReplies(ctx context.Context, eng *bots.Engine, dbURL, key string, log *slog.Logger) {
	deliver := func() {
		if _, err := eng.DeliverPending(ctx, "terminal", key); err != nil && ctx.Err() == nil {
			log.Warn("chat: replies from the desk not printed yet", "err", err)
		}
	}
	l := pq.NewDialListener(db.Dialer(), dbURL, time.Second, 30*time.Second, nil)
	defer l.Close()
	if err := l.Listen(bots.NotifyChannel); err != nil {
		log.Warn("chat: cannot follow replies from the desk", "err", err)
		return
	}
	deliver()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.Notify:
			deliver()
		}
	}
}

func defaultUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "guest"
}
