// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"helpdesk/agents"
)

const apiTokensUsage = `usage: helpdesk api-tokens create NAME SCOPE…
       helpdesk api-tokens list
       helpdesk api-tokens revoke NAME
A token is printed once, when created: only its SHA-256 is kept.
Scopes: tickets:read, tickets:write, conversations:read, kb:read, kb:write, users:read, admin.`

// runAPITokens manages the REST API's tokens of integrations.
func runAPITokens(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.stderr, apiTokensUsage)
		return errUsage
	}
	verb, rest := args[0], args[1:]
	switch {
	case verb == "create" && len(rest) >= 2, verb == "list" && len(rest) == 0, verb == "revoke" && len(rest) == 1:
	default:
		fmt.Fprintln(env.stderr, apiTokensUsage)
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
	tokens, err := agents.NewAPITokens(pool, nil)
	if err != nil {
		return err
	}
	switch verb {
	case "create":
		var scopes []agents.Scope
		for _, s := range rest[1:] {
			for _, one := range strings.Split(s, ",") {
				if one = strings.TrimSpace(one); one != "" {
					scopes = append(scopes, agents.Scope(one))
				}
			}
		}
		tok, err := tokens.Create(ctx, rest[0], scopes)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.stdout, tok)
		fmt.Fprintln(env.stderr, "Keep this token now: it will not be shown again. / Conservate ora questo token: non sarà più mostrato.")
		return nil
	case "revoke":
		return tokens.Revoke(ctx, rest[0])
	}
	ts, err := tokens.List(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSCOPES\tCREATED\tLAST USED\tSTATE")
	for _, t := range ts {
		used, state := "-", "active"
		if t.LastUsedAt != nil {
			used = t.LastUsedAt.Format("2006-01-02 15:04")
		}
		if t.RevokedAt != nil {
			state = "revoked " + t.RevokedAt.Format("2006-01-02")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Name, strings.Join(t.Scopes, " "), t.CreatedAt.Format("2006-01-02 15:04"), used, state)
	}
	return tw.Flush()
}
