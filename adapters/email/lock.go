// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net"
	"os"
)

// pollLock is the right to poll the mailbox: a PostgreSQL session-level
// advisory lock held on a connection of its own. If that connection dies
// the lock is gone with it, so check fails and the session ends.
type pollLock struct {
	a    *Adapter
	conn *sql.Conn // nil without a database: nothing to hold
}

// acquire tries to take the poll lock; ok is false when another instance
// holds it.
func (a *Adapter) acquire(ctx context.Context) (*pollLock, bool, error) {
	if a.db == nil {
		return &pollLock{a: a}, true, nil
	}
	conn, err := a.db.Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("email: connection for the poll lock: %w", err)
	}
	var got bool
	if err := conn.QueryRowContext(ctx, a.q.LockTry, a.lockKey).Scan(&got); err != nil {
		conn.Close()
		return nil, false, fmt.Errorf("email: take the poll lock: %w", err)
	}
	if !got {
		conn.Close()
		return nil, false, nil
	}
	return &pollLock{a: a, conn: conn}, true, nil
}

// check fails when the lock's connection is gone.
func (l *pollLock) check(ctx context.Context) error {
	if l.conn == nil {
		return nil
	}
	if err := l.conn.PingContext(ctx); err != nil {
		return fmt.Errorf("email: poll lock lost: %w", err)
	}
	return nil
}

// release gives the lock back (closing the connection would too).
func (l *pollLock) release() {
	if l.conn == nil {
		return
	}
	if _, err := l.conn.ExecContext(context.Background(), l.a.q.LockRelease, l.a.lockKey); err != nil {
		l.a.log.Warn("release the poll lock", "err", err)
		// Never hand a connection that may still hold the lock back to
		// the pool: ErrBadConn makes database/sql close it.
		l.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	l.conn.Close()
}

// tlsWithCAFile trusts the certificates of a PEM file on top of the
// system's roots.
func tlsWithCAFile(path string) (*tls.Config, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: CA file: %w", ErrConfig, err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%w: CA file %s holds no PEM certificate", ErrConfig, path)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}, nil
}

// tlsConfig is the TLS configuration for a server: the one given with
// WithTLSConfig, or the system's roots, with the server's host name.
func (a *Adapter) tlsConfig(addr string) *tls.Config {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	var c *tls.Config
	if a.tls != nil {
		c = a.tls.Clone()
	} else {
		c = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if c.ServerName == "" {
		c.ServerName = host
	}
	return c
}
