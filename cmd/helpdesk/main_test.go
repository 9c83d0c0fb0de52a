// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runWith runs one command line, with environ, as main does and returns its exit status
// and what it wrote.
func runWith(t *testing.T, environ []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb strings.Builder
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb, environ)
	return code, out.String(), errb.String()
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

// Without a command, with -h or a flag main does not know, the usage is
// printed (every command, sorted, with its summary) and the exit is 2.
func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"-h"}, {"-colour", "red", "serve"}, {"-config"}} {
		code, out, errOut := runWith(t, nil, args...)
		if code != 2 || out != "" {
			t.Errorf("%q: exit %d, stdout %q", args, code, out)
		}
		if !strings.Contains(errOut, "usage: helpdesk [-config FILE] COMMAND [flags]") {
			t.Errorf("%q: no usage in %q", args, errOut)
		}
	}
	_, _, errOut := runWith(t, nil)
	var listed []string
	for _, line := range strings.Split(errOut, "\n") {
		if f := strings.Fields(line); strings.HasPrefix(line, "  ") && len(f) > 1 {
			listed = append(listed, f[0])
			if cmd, ok := commands()[f[0]]; !ok || !strings.HasSuffix(line, cmd.summary) {
				t.Errorf("usage line %q is not a command with its summary", line)
			}
		}
	}
	if len(listed) != len(commands()) || !slices.IsSorted(listed) {
		t.Errorf("usage lists %v, want the %d commands sorted", listed, len(commands()))
	}
}

// A command's own usage error is exit 2 and says nothing more; its
// failure is exit 1 with "helpdesk NAME: " and the error; success is 0.
func TestExitStatus(t *testing.T) {
	environ := []string{"DATABASE_URL=postgres://nobody@127.0.0.1:1/none", "HELPDESK_DATA_DIR=" + t.TempDir()}
	if code, _, errOut := runWith(t, environ, "db"); code != 2 || strings.Contains(errOut, "helpdesk db:") {
		t.Errorf("usage error: exit %d, %q", code, errOut)
	}
	code, out, errOut := runWith(t, environ, "restore", filepath.Join(t.TempDir(), "none.dump"))
	if code != 1 || !strings.HasPrefix(errOut[strings.LastIndex(strings.TrimSuffix(errOut, "\n"), "\n")+1:], "helpdesk restore: ") || out != "" {
		t.Errorf("failure: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, _ := runWith(t, environ, "db", "url"); code != 0 || out != "postgres://nobody@127.0.0.1:1/none\n" {
		t.Errorf("success: exit %d, stdout %q", code, out)
	}
}

// The configuration file is -config, else HELPDESK_CONFIG (the last one
// given in the environment).
func TestConfigPath(t *testing.T) {
	dir := t.TempDir()
	write := func(name, url string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("database_url: "+url+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := write("a.yaml", "postgres://a@127.0.0.1:1/a"), write("b.yaml", "postgres://b@127.0.0.1:1/b")
	for _, c := range []struct {
		environ []string
		args    []string
		want    string
	}{
		{[]string{"HELPDESK_CONFIG=" + a}, []string{"db", "url"}, "postgres://a@127.0.0.1:1/a"},
		{[]string{"HELPDESK_CONFIG=" + b, "HELPDESK_CONFIG=" + a}, []string{"db", "url"}, "postgres://a@127.0.0.1:1/a"},
		{[]string{"HELPDESK_CONFIG=" + a}, []string{"-config", b, "db", "url"}, "postgres://b@127.0.0.1:1/b"},
	} {
		if code, out, errOut := runWith(t, c.environ, c.args...); code != 0 || out != c.want+"\n" {
			t.Errorf("%v %v: exit %d, %q (%s), want %s", c.environ, c.args, code, out, errOut, c.want)
		}
	}
}

func TestLookup(t *testing.T) {
	environ := []string{"A=1", "B=x=y", "A=2", "EMPTY=", "NOEQUALS"}
	for key, want := range map[string]string{"A": "2", "B": "x=y", "EMPTY": "", "NOEQUALS": "", "C": "", "": ""} {
		if got := lookup(environ, key); got != want {
			t.Errorf("lookup(%q) = %q, want %q", key, got, want)
		}
	}
}
