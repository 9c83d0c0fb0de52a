// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"helpdesk/agents"
)

const usersUsage = `usage: helpdesk users add USERNAME --role ROLE [--name NAME] [--email EMAIL] [--lang it|en] [--generate]
       helpdesk users passwd USERNAME [--generate]
       helpdesk users role USERNAME ROLE
       helpdesk users disable|enable USERNAME
       helpdesk users list
       helpdesk users link USERNAME [-slack SLACK_USER_ID] [-mattermost MATTERMOST_USER_ID]
The password is read from the first line of standard input
(echo 'a long password' | helpdesk users add …), or made up and printed with --generate.
Roles: agent_l1, agent_l2, editor, supervisor, admin.`

// runUsers manages the console's users.
func runUsers(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.stderr, usersUsage)
		return errUsage
	}
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	pool, err := env.openDB(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer pool.Close()
	users, err := agents.NewUsers(pool, nil)
	if err != nil {
		return err
	}
	verb, rest := args[0], args[1:]
	switch verb {
	case "add":
		return usersAdd(ctx, env, users, rest)
	case "passwd":
		fs := flag.NewFlagSet("users passwd", flag.ContinueOnError)
		fs.SetOutput(env.stderr)
		generate := fs.Bool("generate", false, "make up a password and print it")
		name, err := oneArg(fs, rest)
		if err != nil {
			return err
		}
		pw, err := password(env, *generate)
		if err != nil {
			return err
		}
		if err := users.SetPassword(ctx, name, pw); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "password of %s changed; their sessions are closed\n", name)
		return nil
	case "role":
		if len(rest) != 2 {
			fmt.Fprintln(env.stderr, usersUsage)
			return errUsage
		}
		if err := users.SetRole(ctx, rest[0], agents.Role(rest[1])); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s is now %s\n", rest[0], rest[1])
		return nil
	case "disable", "enable":
		if len(rest) != 1 {
			fmt.Fprintln(env.stderr, usersUsage)
			return errUsage
		}
		if err := users.SetActive(ctx, rest[0], verb == "enable"); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s %sd\n", rest[0], verb)
		return nil
	case "link":
		return usersLink(ctx, env, users, rest)
	case "list":
		us, err := users.List(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tNAME\tROLE\tLANG\tACTIVE")
		for _, u := range us {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", u.Username, u.DisplayName, u.Role, u.Lang, u.Active)
		}
		return tw.Flush()
	}
	fmt.Fprintln(env.stderr, usersUsage)
	return errUsage
}

func usersAdd(ctx context.Context, env *environment, users *agents.Users, args []string) error {
	fs := flag.NewFlagSet("users add", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	role := fs.String("role", "", "agent_l1 | agent_l2 | editor | supervisor | admin")
	name := fs.String("name", "", "display name (default: the username)")
	email := fs.String("email", "", "e-mail address")
	lang := fs.String("lang", "it", "console language: it | en")
	generate := fs.Bool("generate", false, "make up a password and print it")
	username, err := oneArg(fs, args)
	if err != nil {
		return err
	}
	if *role == "" {
		fmt.Fprintln(env.stderr, "users add: --role is required")
		return errUsage
	}
	pw, err := password(env, *generate)
	if err != nil {
		return err
	}
	if _, err := users.Add(ctx, agents.NewUser{Username: username, DisplayName: *name, Email: *email, Lang: *lang,
		Role: agents.Role(*role), Password: pw}); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "user %s added (%s)\n", username, *role)
	return nil
}

// usersLink sets the chat accounts a console user works from in the
// triage channel (an empty value clears one).
func usersLink(ctx context.Context, env *environment, users *agents.Users, args []string) error {
	fs := flag.NewFlagSet("users link", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	var ids [2]*string
	ids[0] = fs.String("slack", "-", "Slack user id (U…); empty clears it")
	ids[1] = fs.String("mattermost", "-", "Mattermost user id; empty clears it")
	username, err := oneArg(fs, args)
	if err != nil {
		return err
	}
	done := false
	for i, platform := range []string{agents.PlatformSlack, agents.PlatformMattermost} {
		if *ids[i] == "-" {
			continue
		}
		if err := users.LinkChat(ctx, username, platform, *ids[i]); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s: %s account set to %q\n", username, platform, *ids[i])
		done = true
	}
	if !done {
		fmt.Fprintln(env.stderr, "users link: give -slack and/or -mattermost")
		return errUsage
	}
	return nil
}

// oneArg parses flags placed before or after the one positional argument.
func oneArg(fs *flag.FlagSet, args []string) (string, error) {
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return "", errUsage
		}
		args = fs.Args()
		if len(args) > 0 {
			pos = append(pos, args[0])
			args = args[1:]
		}
	}
	if len(pos) != 1 {
		fmt.Fprintln(fs.Output(), usersUsage)
		return "", errUsage
	}
	return pos[0], nil
}

// password reads the password from stdin's first line, or makes one up.
func password(env *environment, generate bool) (string, error) {
	if generate {
		b := make([]byte, 15)
		rand.Read(b)
		pw := base64.RawURLEncoding.EncodeToString(b)
		fmt.Fprintf(env.stdout, "password: %s\n", pw)
		return pw, nil
	}
	line, err := bufio.NewReader(env.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil {
			return "", errors.New("no password on standard input (or use --generate)")
		}
		return "", errors.New("empty password")
	}
	return line, nil
}
