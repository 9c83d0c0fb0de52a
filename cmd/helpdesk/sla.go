// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"
	"strconv"

	"helpdesk/tickets"
)

// runSLA lists or changes the service-level policies.
func runSLA(ctx context.Context, env *environment, args []string) error {
	usage := func() error {
		fmt.Fprintln(env.stderr, "usage: helpdesk sla list | set PRIORITY TARGET MINUTES   (targets: take_charge, first_response, intervention, resolve; working minutes; 0 = not measured)")
		return errUsage
	}
	if len(args) == 0 || (args[0] != "list" && args[0] != "set") || (args[0] == "set" && len(args) != 4) {
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
	if args[0] == "set" {
		minutes, err := strconv.Atoi(args[3])
		if err != nil {
			return usage()
		}
		if err := store.SetPolicyTarget(ctx, pool, tickets.Priority(args[1]), tickets.Target(args[2]), minutes); err != nil {
			return err
		}
	}
	ps, err := store.Policies(ctx, pool)
	if err != nil {
		return err
	}
	env.printf("%-4s %-12s %-12s %12s %15s %13s %8s  %s\n", "prio", "category", "product", "take_charge", "first_response", "intervention", "resolve", "on breach")
	for _, p := range ps {
		env.printf("%-4s %-12s %-12s %11dm %14dm %12dm %7dm  %v\n", p.Priority, p.Category, p.Product, p.Targets[tickets.TargetTakeCharge],
			p.Targets[tickets.TargetFirstResponse], p.Targets[tickets.TargetIntervention], p.Targets[tickets.TargetResolve], p.OnBreach)
	}
	return nil
}
