// SPDX-License-Identifier: EUPL-1.2

// Package devdb starts and stops the private PostgreSQL cluster that
// `make run` and `make test` use when DATABASE_URL is not set.
//
// The cluster lives under a folder of the project (git-ignored), listens on
// a free loopback port with trust authentication, and is reused by every
// later call: Ensure is idempotent and safe to call from several processes
// at once (a file lock serialises them). When PostgreSQL is missing and we
// are root, Debian's package is installed; otherwise the error says exactly
// what to install.
package devdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/lib/pq" // driver for the readiness check
)

// ErrNotInstalled is returned when no PostgreSQL server binaries are found
// and they cannot be installed automatically.
var ErrNotInstalled = errors.New("PostgreSQL server is not installed")

// DBName and Role are the database and role created in the private cluster.
const (
	DBName = "helpdesk"
	Role   = "helpdesk"
)

// Cluster describes the private cluster rooted at Dir.
type Cluster struct {
	Dir string    // root folder: data/, port, server.log live here
	Log io.Writer // progress messages; nil discards them
}

func (c *Cluster) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, "devdb: "+format+"\n", args...)
	}
}

func (c *Cluster) dataDir() string { return filepath.Join(c.Dir, "data") }

// Ensure makes sure the cluster exists and runs, and returns the URL of the
// helpdesk database in it.
func (c *Cluster) Ensure(ctx context.Context) (string, error) {
	if err := c.absolute(); err != nil {
		return "", err
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", c.Dir, err)
	}
	unlock, err := lockFile(filepath.Join(c.Dir, "lock"))
	if err != nil {
		return "", err
	}
	defer unlock()

	bin, err := c.findOrInstall(ctx)
	if err != nil {
		return "", err
	}
	owner, err := serverUser()
	if err != nil {
		return "", err
	}
	if err := c.reachable(ctx, owner); err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err != nil {
		if err := c.initdb(ctx, bin, owner); err != nil {
			return "", err
		}
	}
	port, err := c.port()
	if err != nil {
		return "", err
	}
	if !c.running(ctx, bin, owner) {
		if err := c.start(ctx, bin, owner, port); err != nil {
			return "", err
		}
	}
	url := fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", Role, port, DBName)
	if err := createDatabase(ctx, port); err != nil {
		return "", err
	}
	return url, nil
}

// Stop stops the cluster if it runs. Stopping a cluster that does not exist
// or is not running is not an error.
func (c *Cluster) Stop(ctx context.Context) error {
	if err := c.absolute(); err != nil {
		return err
	}
	if owner, err := serverUser(); err == nil {
		if err := c.reachable(ctx, owner); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err != nil {
		c.logf("no cluster under %s", c.Dir)
		return nil
	}
	bin, err := findBinaries()
	if err != nil {
		return err
	}
	owner, err := serverUser()
	if err != nil {
		return err
	}
	if !c.running(ctx, bin, owner) {
		c.logf("cluster under %s is not running", c.Dir)
		return nil
	}
	c.logf("stopping PostgreSQL under %s", c.Dir)
	return owner.run(ctx, nil, filepath.Join(bin, "pg_ctl"), "stop", "-D", c.dataDir(), "-m", "fast", "-w")
}

// absolute makes Dir absolute: the server's programs run from "/".
func (c *Cluster) absolute() error {
	abs, err := filepath.Abs(c.Dir)
	if err != nil {
		return err
	}
	c.Dir = abs
	return nil
}

func (c *Cluster) findOrInstall(ctx context.Context) (string, error) {
	bin, err := findBinaries()
	if err == nil {
		return bin, nil
	}
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("%w: install it with `sudo apt-get install postgresql` "+
			"(Debian/Ubuntu; PostgreSQL 15 or newer), or set DATABASE_URL to an existing database", ErrNotInstalled)
	}
	c.logf("PostgreSQL not found: installing Debian's postgresql package (apt-get)…")
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "postgresql", "postgresql-contrib"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = c.Log, c.Log
		if c.Log == nil {
			cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		}
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("apt-get %s: %w (install PostgreSQL by hand or set DATABASE_URL)", args[0], err)
		}
	}
	return findBinaries()
}

// BinDir returns the folder of the PostgreSQL server programs (initdb,
// pg_ctl, pg_dump, pg_restore …), or ErrNotInstalled.
func BinDir() (string, error) { return findBinaries() }

// findBinaries returns the folder holding initdb and pg_ctl: from PATH, or
// the newest /usr/lib/postgresql/*/bin.
func findBinaries() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	sort.Slice(matches, func(i, j int) bool { return pgVersion(matches[i]) > pgVersion(matches[j]) })
	if len(matches) > 0 {
		return filepath.Dir(matches[0]), nil
	}
	return "", ErrNotInstalled
}

func pgVersion(pgctl string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(pgctl))))
	return v
}

func (c *Cluster) initdb(ctx context.Context, bin string, owner *osUser) error {
	c.logf("creating a private PostgreSQL cluster under %s", c.dataDir())
	if err := os.MkdirAll(c.dataDir(), 0o700); err != nil {
		return err
	}
	if err := owner.chown(c.Dir); err != nil {
		return err
	}
	if err := owner.chown(c.dataDir()); err != nil {
		return err
	}
	err := owner.run(ctx, c.logFile(owner), filepath.Join(bin, "initdb"),
		"-D", c.dataDir(), "-U", Role, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
	if err != nil {
		return fmt.Errorf("initdb failed (see %s): %w", filepath.Join(c.Dir, "server.log"), err)
	}
	return nil
}

// port returns the port recorded for the cluster, choosing a free one the
// first time.
func (c *Cluster) port() (int, error) {
	path := filepath.Join(c.Dir, "port")
	if b, err := os.ReadFile(path); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && p > 0 {
			return p, nil
		}
	}
	return c.newPort()
}

func (c *Cluster) newPort() (int, error) {
	p, err := FreePort()
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	if err := os.WriteFile(filepath.Join(c.Dir, "port"), []byte(strconv.Itoa(p)+"\n"), 0o644); err != nil {
		return 0, err
	}
	return p, nil
}

func (c *Cluster) running(ctx context.Context, bin string, owner *osUser) bool {
	return owner.run(ctx, nil, filepath.Join(bin, "pg_ctl"), "status", "-D", c.dataDir()) == nil
}

func (c *Cluster) start(ctx context.Context, bin string, owner *osUser, port int) error {
	for attempt := 0; ; attempt++ {
		c.logf("starting PostgreSQL on 127.0.0.1:%d (data %s)", port, c.dataDir())
		opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300", port)
		err := owner.run(ctx, nil, filepath.Join(bin, "pg_ctl"), "start", "-D", c.dataDir(),
			"-l", filepath.Join(c.Dir, "server.log"), "-w", "-t", "60", "-o", opts)
		if err == nil {
			return nil
		}
		if attempt > 0 || portFree(port) {
			return fmt.Errorf("pg_ctl start failed (see %s): %w", filepath.Join(c.Dir, "server.log"), err)
		}
		// The recorded port was taken by someone else meanwhile: pick another.
		if port, err = c.newPort(); err != nil {
			return err
		}
	}
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// logFile opens server.log for appending, owned by the server's user so
// that pg_ctl can write to it later.
func (c *Cluster) logFile(owner *osUser) *os.File {
	f, err := os.OpenFile(filepath.Join(c.Dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil
	}
	owner.chown(f.Name())
	return f
}

// reachable makes sure the server's OS user can enter the cluster folder. A
// project cloned under /root is not reachable by `postgres`: root then keeps
// the cluster under /var/tmp, in a folder named after the project's path,
// and leaves a note in the project's folder saying where it went.
func (c *Cluster) reachable(ctx context.Context, owner *osUser) error {
	if owner.uid < 0 || owner.canEnter(ctx, c.Dir) {
		return nil
	}
	alt := filepath.Join(os.TempDir(), fmt.Sprintf("helpdesk-pg-%08x", fnv32(c.Dir)))
	if err := os.MkdirAll(alt, 0o755); err != nil {
		return err
	}
	if owner.canEnter(ctx, alt) {
		os.WriteFile(filepath.Join(c.Dir, "WHERE"), []byte("the cluster lives in "+alt+" because user "+owner.name+" cannot enter this folder\n"), 0o644)
		c.logf("user %s cannot enter %s: keeping the cluster in %s", owner.name, c.Dir, alt)
		c.Dir = alt
		return nil
	}
	return fmt.Errorf("the PostgreSQL server runs as user %q, which cannot enter %s nor %s: "+
		"make the folders above it traversable (chmod o+x) or set DATABASE_URL", owner.name, c.Dir, alt)
}

func (u *osUser) canEnter(ctx context.Context, dir string) bool {
	return u.run(ctx, nil, "/bin/sh", "-c", `cd "$1"`, "sh", dir) == nil
}

func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

func createDatabase(ctx context.Context, port int) error {
	dsn := fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres?sslmode=disable", Role, port)
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err = db.PingContext(ctx)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("connect to the private cluster: %w", err)
	}
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, DBName).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := db.ExecContext(ctx, `CREATE DATABASE `+DBName); err != nil {
			return fmt.Errorf("create database: %w", err)
		}
	}
	return nil
}

// osUser is the account the server runs as: PostgreSQL refuses to run as
// root, so root hands the work to `postgres`; anyone else runs it as
// themselves (uid < 0).
type osUser struct {
	name     string
	uid, gid int
}

func serverUser() (*osUser, error) {
	if os.Geteuid() != 0 {
		return &osUser{uid: -1, gid: -1}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the `postgres` system user (created by Debian's postgresql package): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &osUser{name: u.Username, uid: uid, gid: gid}, nil
}

func (u *osUser) chown(path string) error {
	if u.uid < 0 {
		return nil
	}
	return os.Chown(path, u.uid, u.gid)
}

// run executes a command as the user. Output goes to out (a file, so that a
// daemonised postgres holding it open never blocks Wait), or is discarded.
func (u *osUser) run(ctx context.Context, out *os.File, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if u.uid >= 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(u.uid), Gid: uint32(u.gid)}
	}
	if out != nil {
		defer out.Close()
		cmd.Stdout, cmd.Stderr = out, out
	}
	return cmd.Run()
}

// lockFile takes an exclusive flock on path, waiting for other holders.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
