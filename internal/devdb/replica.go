// SPDX-License-Identifier: EUPL-1.2

package devdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// This file turns a private cluster into one half of a primary/standby
// pair, for the fail-over tests (internal/chaos) and for trying a fail-over
// by hand. A real deployment gets the same from its fail-over manager
// (Patroni, pg_auto_failover, a managed service): see docs/operations.md.

// Port returns the port the cluster listens on (known after Ensure).
func (c *Cluster) Port() (int, error) {
	if err := c.absolute(); err != nil {
		return 0, err
	}
	b, err := os.ReadFile(filepath.Join(c.Dir, "port"))
	if err != nil {
		return 0, fmt.Errorf("cluster under %s has no port yet (call Ensure first): %w", c.Dir, err)
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// NewStandby makes a streaming standby of the running cluster c in dir: a
// base backup taken with pg_basebackup -R (which writes standby.signal and
// primary_conninfo), started on a port of its own. The standby is
// asynchronous until the primary names it in synchronous_standby_names.
func (c *Cluster) NewStandby(ctx context.Context, dir string) (*Cluster, error) {
	port, err := c.Port()
	if err != nil {
		return nil, err
	}
	s := &Cluster{Dir: dir, Log: c.Log}
	if err := s.absolute(); err != nil {
		return nil, err
	}
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	owner, err := serverUser()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return nil, err
	}
	if err := s.reachable(ctx, owner); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(s.dataDir(), "PG_VERSION")); err == nil {
		return nil, fmt.Errorf("%s already holds a cluster", s.dataDir())
	}
	if err := os.MkdirAll(s.dataDir(), 0o700); err != nil {
		return nil, err
	}
	for _, p := range []string{s.Dir, s.dataDir()} {
		if err := owner.chown(p); err != nil {
			return nil, err
		}
	}
	s.logf("taking a base backup of 127.0.0.1:%d into %s", port, s.dataDir())
	err = owner.run(ctx, s.logFile(owner), filepath.Join(bin, "pg_basebackup"),
		"-h", "127.0.0.1", "-p", strconv.Itoa(port), "-U", Role, "-D", s.dataDir(),
		"-R", "-X", "stream", "-c", "fast")
	if err != nil {
		return nil, fmt.Errorf("pg_basebackup failed (see %s): %w", filepath.Join(s.Dir, "server.log"), err)
	}
	if _, err := s.Ensure(ctx); err != nil {
		return nil, fmt.Errorf("start standby: %w", err)
	}
	return s, nil
}

// Promote ends recovery on a standby (pg_ctl promote) and returns once it
// accepts writes.
func (c *Cluster) Promote(ctx context.Context) error {
	if err := c.absolute(); err != nil {
		return err
	}
	bin, err := findBinaries()
	if err != nil {
		return err
	}
	owner, err := serverUser()
	if err != nil {
		return err
	}
	c.logf("promoting the standby under %s", c.Dir)
	if err := owner.run(ctx, c.logFile(owner), filepath.Join(bin, "pg_ctl"), "promote", "-D", c.dataDir(), "-w", "-t", "60"); err != nil {
		return fmt.Errorf("pg_ctl promote failed (see %s): %w", filepath.Join(c.Dir, "server.log"), err)
	}
	return nil
}

// Kill sends SIGKILL to the postmaster: a crash, not a shutdown. Its
// backends notice their parent is gone and exit; nothing is flushed or
// handed over.
func (c *Cluster) Kill() error {
	if err := c.absolute(); err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(c.dataDir(), "postmaster.pid"))
	if err != nil {
		return fmt.Errorf("cluster under %s is not running: %w", c.Dir, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 {
		return errors.New("postmaster.pid does not start with a process id")
	}
	c.logf("killing the postmaster %d (SIGKILL)", pid)
	return syscall.Kill(pid, syscall.SIGKILL)
}
