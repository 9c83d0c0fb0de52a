// SPDX-License-Identifier: EUPL-1.2

// Command helpdesk is the help-desk assistant: the service (serve) and its
// tools (migrate, db, backup, restore, kb, nlp, chat, bench …). main only
// wires: it builds the configuration once and hands values down.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
	_ "time/tzdata" // business hours need Europe/Rome even where the OS has no zone files
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

// environment is what every subcommand receives from main.
type environment struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	configPath     string
	environ        []string
}

// commands lists every subcommand. Each lives in its own file.
func commands() map[string]command {
	return map[string]command{
		"serve":      {"run the service (web console, help centre, channels, jobs)", runServe},
		"migrate":    {"apply or roll back database migrations: up | down | status", runMigrate},
		"db":         {"the private development PostgreSQL: start | stop | url", runDB},
		"backup":     {"dump the database into the backup folder (pg_dump -Fc)", runBackup},
		"restore":    {"restore a backup file into the database: restore FILE", runRestore},
		"bench":      {"measure the whole message path against raw PostgreSQL inserts: bench [-users N] [-messages N] [-rate R] [-json]", runBench},
		"calendar":   {"working hours: calendar due [-calendar NAME] FROM DURATION | open [-calendar NAME] AT", runCalendar},
		"sla":        {"service-level policies, in working minutes: sla list | set PRIORITY TARGET MINUTES", runSLA},
		"report":     {"the period report (volumes, SLA, backlog, rates, satisfaction, KB): report [-from D] [-to D] [-format json|csv]", runReport},
		"channels":   {"check the configured chat platforms' credentials: channels check", runChannels},
		"privacy":    {"a requester's personal data: privacy export|erase [-as ADMIN] [-yes] EMAIL|CHANNEL:ID|requester-N", runPrivacy},
		"chat":       {"talk to the bot from the terminal (real engine and database): chat [-lang it|en] [-as USER]", runChat},
		"nlp":        {"language tools: severity-eval --cases FILE [--json]", runNLP},
		"kb":         {"knowledge base: import DIR | export DIR | eval | stats", runKB},
		"users":      {"console users: add | passwd | role | enable | disable | list", runUsers},
		"api-tokens": {"REST API tokens of integrations: create NAME SCOPE… | list | revoke NAME", runAPITokens},
		"version":    {"what was built: version, commit, Go release", runVersion},
	}
}

var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status; ctx ends on
// SIGINT/SIGTERM.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, environ []string) int {
	fs := flag.NewFlagSet("helpdesk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", lookup(environ, "HELPDESK_CONFIG"), "configuration file (YAML); HELPDESK_CONFIG")
	cmds := commands()
	fs.Usage = func() { usage(stderr, cmds) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		usage(stderr, cmds)
		return 2
	}
	name := fs.Arg(0)
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stderr, "helpdesk: unknown command %q\n\n", name)
		usage(stderr, cmds)
		return 2
	}
	env := &environment{stdout: stdout, stderr: stderr, stdin: stdin, configPath: *configPath, environ: environ}
	if err := cmd.run(ctx, env, fs.Args()[1:]); err != nil {
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			return 2
		}
		fmt.Fprintf(stderr, "helpdesk %s: %v\n", name, err)
		return 1
	}
	return 0
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: helpdesk [-config FILE] COMMAND [flags]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
}

func lookup(environ []string, key string) string {
	for i := len(environ) - 1; i >= 0; i-- {
		if k, v, ok := cutEnv(environ[i]); ok && k == key {
			return v
		}
	}
	return ""
}

func cutEnv(kv string) (string, string, bool) {
	for i := 0; i < len(kv); i++ {
		if kv[i] == '=' {
			return kv[:i], kv[i+1:], true
		}
	}
	return "", "", false
}
