// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"flag"
	"fmt"

	"helpdesk/internal/backup"
)

// runBackup writes one dump into the backup folder.
func runBackup(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dir := fs.String("dir", "", "backup folder (default: backup.dir)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	if *dir != "" {
		cfg.Backup.Dir = *dir
	}
	url, err := env.databaseURL(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "dumping the database into %s …\n", cfg.Backup.Dir)
	path, err := backup.Run(ctx, backup.Options{DatabaseURL: url, Dir: cfg.Backup.Dir, Keep: cfg.Backup.Keep})
	if err != nil {
		return err
	}
	env.printf("%s\n", path)
	return nil
}

// runRestore loads a dump into the configured database.
func runRestore(ctx context.Context, env *environment, args []string) error {
	if len(args) != 1 {
		fmt.Fprintln(env.stderr, "usage: helpdesk restore FILE   (replaces the database's content with the backup's)")
		return errUsage
	}
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	url, err := env.databaseURL(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "restoring %s …\n", args[0])
	if err := backup.Restore(ctx, url, args[0]); err != nil {
		return err
	}
	env.printf("restored %s\n", args[0])
	return nil
}
