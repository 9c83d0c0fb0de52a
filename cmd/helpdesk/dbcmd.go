// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"
	"path/filepath"

	"helpdesk/internal/db"
	"helpdesk/internal/devdb"
)

// runDB manages the private development cluster.
func runDB(ctx context.Context, env *environment, args []string) error {
	if len(args) != 1 {
		fmt.Fprintln(env.stderr, "usage: helpdesk db start | stop | url")
		return errUsage
	}
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	c := &devdb.Cluster{Dir: filepath.Join(cfg.DataDir, "pg"), Log: env.stderr}
	switch args[0] {
	case "start", "url":
		if cfg.DatabaseURL != "" {
			if args[0] == "url" {
				env.printf("%s\n", cfg.DatabaseURL)
			} else {
				fmt.Fprintln(env.stderr, "DATABASE_URL is set: nothing to start")
			}
			return nil
		}
		url, err := c.Ensure(ctx)
		if err != nil {
			return err
		}
		env.printf("%s\n", url)
		return nil
	case "stop":
		return c.Stop(ctx)
	}
	fmt.Fprintln(env.stderr, "usage: helpdesk db start | stop | url")
	return errUsage
}

// runMigrate applies, rolls back or lists migrations.
func runMigrate(ctx context.Context, env *environment, args []string) error {
	if len(args) != 1 || (args[0] != "up" && args[0] != "down" && args[0] != "status") {
		fmt.Fprintln(env.stderr, "usage: helpdesk migrate up | down | status")
		return errUsage
	}
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	pool, err := env.openDB(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer pool.Close()
	switch args[0] {
	case "up":
		if err := db.MigrateUp(ctx, pool.DB); err != nil {
			return err
		}
	case "down":
		v, err := db.MigrateDown(ctx, pool.DB)
		if err != nil {
			return err
		}
		env.printf("rolled back migration %d\n", v)
		return nil
	}
	st, err := db.MigrationStatus(ctx, pool.DB)
	if err != nil {
		return err
	}
	for _, s := range st {
		applied := "pending"
		if s.Applied {
			applied = "applied " + s.AppliedAt.Format("2006-01-02 15:04:05")
		}
		env.printf("%05d  %-40s %s\n", s.Version, s.Name, applied)
	}
	return nil
}
