// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// batchSize is how many mails one round handles before it looks again
// (and sees whether ctx, which ends with the leadership, is still live).
const batchSize = 50

// errNoKeywords means the mailbox cannot keep our keyword, so flag mode
// would read the same mail forever.
var errNoKeywords = errors.New("email: the mailbox does not accept custom keywords")

// Run polls the mailbox until ctx ends: it logs in, handles what is
// waiting, then waits in IDLE (or sleeps PollInterval) for new mail. It
// reconnects with backoff after any failure. Without an IMAP server it
// only waits. With several instances, cmd/helpdesk runs it under the
// leadership LeaderName, which cancels ctx when the leadership is lost.
func (a *Adapter) Run(ctx context.Context) error {
	if a.cfg.IMAPAddr == "" {
		<-ctx.Done()
		return nil
	}
	backoff := time.Second
	for ctx.Err() == nil {
		start := time.Now()
		err := a.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(start) > 2*time.Minute {
			backoff = time.Second
		}
		a.log.Warn("mailbox session ended; reconnecting", "err", err, "in", backoff)
		a.sleep(ctx, backoff)
		backoff = min(2*backoff, 5*time.Minute)
	}
	return nil
}

// dialIMAP connects and logs in.
func (a *Adapter) dialIMAP(ctx context.Context, handler *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
	opts := &imapclient.Options{TLSConfig: a.tlsConfig(a.cfg.IMAPAddr), UnilateralDataHandler: handler,
		Dialer: &net.Dialer{Timeout: a.cfg.Timeout}, DebugWriter: a.imapTrace}
	var c *imapclient.Client
	var err error
	switch a.cfg.IMAPSecurity {
	case SecurityTLS:
		c, err = imapclient.DialTLS(a.cfg.IMAPAddr, opts)
	case SecurityStartTLS:
		c, err = imapclient.DialStartTLS(a.cfg.IMAPAddr, opts)
	default:
		c, err = imapclient.DialInsecure(a.cfg.IMAPAddr, opts)
	}
	if err != nil {
		if isTLSError(err) {
			return nil, fmt.Errorf("email: TLS with IMAP server %s (%s): %w", a.cfg.IMAPAddr, a.cfg.IMAPSecurity, err)
		}
		return nil, fmt.Errorf("connect to IMAP server %s (%s): %w", a.cfg.IMAPAddr, a.cfg.IMAPSecurity, err)
	}
	stop := a.guard(c)
	defer stop()
	if err := c.Login(a.cfg.IMAPUsername, a.cfg.IMAPPassword).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("IMAP login as %q refused: %w", a.cfg.IMAPUsername, err)
	}
	if ctx.Err() != nil {
		c.Close()
		return nil, ctx.Err()
	}
	return c, nil
}

// guard closes the connection if the commands it covers take longer than
// Config.Timeout: imapclient has no deadline of its own.
func (a *Adapter) guard(c *imapclient.Client) (stop func() bool) {
	t := time.AfterFunc(a.cfg.Timeout, func() { c.Close() })
	return t.Stop
}

// selectMailbox opens the mailbox and checks flag mode can work in it.
func (a *Adapter) selectMailbox(c *imapclient.Client) (*imap.SelectData, error) {
	stop := a.guard(c)
	defer stop()
	sel, err := c.Select(a.cfg.Mailbox, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("select mailbox %q: %w", a.cfg.Mailbox, err)
	}
	if a.cfg.Processed == ProcessedFlag && !slices.Contains(sel.PermanentFlags, imap.FlagWildcard) &&
		!slices.Contains(sel.PermanentFlags, imap.Flag(a.cfg.ProcessedKeyword)) {
		return nil, fmt.Errorf("%w (PERMANENTFLAGS %v): use processed=move with a folder", errNoKeywords, sel.PermanentFlags)
	}
	return sel, nil
}

// session is one login: rounds until an error or the end of ctx.
func (a *Adapter) session(ctx context.Context) error {
	news := make(chan struct{}, 1)
	handler := &imapclient.UnilateralDataHandler{Mailbox: func(d *imapclient.UnilateralDataMailbox) {
		if d.NumMessages != nil {
			select {
			case news <- struct{}{}:
			default:
			}
		}
	}}
	c, err := a.dialIMAP(ctx, handler)
	if err != nil {
		return err
	}
	defer c.Close()
	defer context.AfterFunc(ctx, func() { c.Close() })()
	sel, err := a.selectMailbox(c)
	if err != nil {
		return err
	}
	idle := !a.cfg.DisableIdle && c.Caps().Has(imap.CapIdle)
	a.log.Info("mailbox open", "mailbox", a.cfg.Mailbox, "messages", sel.NumMessages, "idle", idle)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !idle {
			// Dovecot announces mail delivered since the last command
			// (EXISTS) only in answer to a command that synchronises the
			// mailbox view, which UID SEARCH is not: without this NOOP a
			// new mail waited for the next round, twice PollInterval.
			stop := a.guard(c)
			err := c.Noop().Wait()
			stop()
			if err != nil {
				return fmt.Errorf("NOOP: %w", err)
			}
		}
		more, err := a.round(ctx, c, sel.UIDValidity)
		if err != nil {
			return err
		}
		if a.onRound != nil {
			a.onRound()
		}
		if more {
			continue
		}
		if idle {
			if err := a.idle(ctx, c, news); err != nil {
				return err
			}
		} else if err := a.sleep(ctx, a.cfg.PollInterval); err != nil {
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// idle waits in IDLE for new mail, at most PollInterval.
func (a *Adapter) idle(ctx context.Context, c *imapclient.Client, news <-chan struct{}) error {
	cmd, err := c.Idle()
	if err != nil {
		return fmt.Errorf("IDLE: %w", err)
	}
	if a.onIdle != nil {
		a.onIdle()
	}
	t := time.NewTimer(a.cfg.PollInterval)
	defer t.Stop()
	select {
	case <-news:
	case <-t.C:
	case <-ctx.Done():
	case <-c.Closed():
	}
	stop := a.guard(c)
	defer stop()
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("end IDLE: %w", err)
	}
	if err := cmd.Wait(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("IDLE: %w", err)
	}
	return nil
}

// round handles the mail not yet processed, oldest first, at most
// batchSize; more is true when there may be more waiting.
func (a *Adapter) round(ctx context.Context, c *imapclient.Client, validity uint32) (more bool, err error) {
	criteria := &imap.SearchCriteria{}
	if a.cfg.Processed == ProcessedFlag {
		criteria.NotFlag = []imap.Flag{imap.Flag(a.cfg.ProcessedKeyword)}
	}
	stop := a.guard(c)
	data, err := c.UIDSearch(criteria, nil).Wait()
	stop()
	if err != nil {
		return false, fmt.Errorf("search new mail: %w", err)
	}
	uids := data.AllUIDs()
	slices.Sort(uids)
	var todo []imap.UID
	for _, uid := range uids {
		if a.attempts(validity, uid) < maxAttempts {
			todo = append(todo, uid)
		}
	}
	if len(todo) > batchSize {
		todo, more = todo[:batchSize], true
	}
	for _, uid := range todo {
		if ctx.Err() != nil {
			return false, nil
		}
		raw, err := a.fetch(c, uid)
		if err != nil {
			return false, err
		}
		if raw == nil {
			continue // expunged meanwhile
		}
		switch a.process(ctx, raw) {
		case handled, ignored:
			if err := a.markProcessed(c, uid); err != nil {
				return false, err
			}
			a.forget(validity, uid)
		case retry:
			return false, nil // the database is down: wait for the next round
		case failedNow:
			if n := a.failed(validity, uid); n >= maxAttempts {
				a.log.Error("mail failed too many times; set aside (left in the mailbox, not flagged)", "uid", uid, "attempts", n)
			}
		}
	}
	return more, nil
}

// fetch reads one mail, up to MaxMessageBytes, without setting \Seen.
func (a *Adapter) fetch(c *imapclient.Client, uid imap.UID) ([]byte, error) {
	section := &imap.FetchItemBodySection{Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: a.cfg.MaxMessageBytes}}
	stop := a.guard(c)
	defer stop()
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch mail %d: %w", uid, err)
	}
	for _, m := range msgs {
		if m.UID != uid {
			continue
		}
		for _, s := range m.BodySection {
			if s.Bytes != nil {
				return s.Bytes, nil
			}
		}
		return []byte{}, nil
	}
	return nil, nil
}

// markProcessed flags or moves a handled mail.
func (a *Adapter) markProcessed(c *imapclient.Client, uid imap.UID) error {
	stop := a.guard(c)
	defer stop()
	if a.cfg.Processed == ProcessedMove {
		if _, err := c.Move(imap.UIDSetNum(uid), a.cfg.ProcessedFolder).Wait(); err != nil {
			return fmt.Errorf("move mail %d to %q: %w", uid, a.cfg.ProcessedFolder, err)
		}
		return nil
	}
	flags := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen, imap.Flag(a.cfg.ProcessedKeyword)}}
	if err := c.Store(imap.UIDSetNum(uid), flags, nil).Close(); err != nil {
		return fmt.Errorf("flag mail %d: %w", uid, err)
	}
	return nil
}

func failureKey(validity uint32, uid imap.UID) string { return fmt.Sprintf("%d/%d", validity, uid) }

func (a *Adapter) attempts(validity uint32, uid imap.UID) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failures[failureKey(validity, uid)]
}

func (a *Adapter) failed(validity uint32, uid imap.UID) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := failureKey(validity, uid)
	a.failures[k]++
	return a.failures[k]
}

func (a *Adapter) forget(validity uint32, uid imap.UID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.failures, failureKey(validity, uid))
}
