// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"helpdesk/tickets"
)

// runPrivacy exports or erases a requester's personal data on request.
func runPrivacy(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("privacy", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	actor := fs.String("as", "admin", "who asks (recorded in the audit)")
	yes := fs.Bool("yes", false, "erase without asking for confirmation")
	usage := func() error {
		fmt.Fprintln(env.stderr, "usage: helpdesk privacy export|erase [-as ADMIN] [-yes] EMAIL | CHANNEL:ID | requester-ID")
		return errUsage
	}
	if len(args) < 2 {
		return usage()
	}
	verb := args[0]
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 1 || (verb != "export" && verb != "erase") {
		return usage()
	}
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	pool, err := env.openDB(ctx, cfg, cfg.Database.MigrateOnStart)
	if err != nil {
		return err
	}
	defer pool.Close()
	store, err := tickets.NewStore(tickets.Options{Location: cfg.Location()})
	if err != nil {
		return err
	}
	who := fs.Arg(0)
	var rid int64
	switch {
	case strings.HasPrefix(who, "requester-"):
		_, err = fmt.Sscan(strings.TrimPrefix(who, "requester-"), &rid)
	case strings.Contains(who, "@") && !strings.Contains(who, ":"):
		var rids []int64
		if rids, err = store.RequestersByEmail(ctx, pool, who); err == nil && len(rids) > 0 {
			rid = rids[0]
		}
	default:
		ch, ext, _ := strings.Cut(who, ":")
		rid, err = store.RequesterOf(ctx, pool, ch, ext)
	}
	if err != nil || rid == 0 {
		return fmt.Errorf("no requester found for %q (give an e-mail, CHANNEL:ID such as telegram:12345, or requester-ID)", who)
	}
	if verb == "export" {
		exp, err := store.ExportRequester(ctx, pool, rid, "admin:"+*actor)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(exp)
	}
	if !*yes {
		return fmt.Errorf("erasing requester %d cannot be undone: run again with -yes", rid)
	}
	// An e-mail address may name several requesters (one per channel
	// that gave it): the person asked to be forgotten, so all of them go.
	rids := []int64{rid}
	if strings.Contains(who, "@") && !strings.Contains(who, ":") {
		var err error
		if rids, err = store.RequestersByEmail(ctx, pool, who); err != nil {
			return err
		}
	}
	for _, rid := range rids {
		if err := store.EraseRequester(ctx, pool, rid, "admin:"+*actor); err != nil {
			return err
		}
		env.printf("requester %d erased\n", rid)
	}
	return nil
}
