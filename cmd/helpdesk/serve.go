package main

import (
	"context"
	"errors"
)

// runServe runs the service. (Being built: see issue 2.)
func runServe(ctx context.Context, env *environment, args []string) error {
	return errors.New("not built yet")
}

func runBackup(ctx context.Context, env *environment, args []string) error {
	return errors.New("not built yet")
}

func runRestore(ctx context.Context, env *environment, args []string) error {
	return errors.New("not built yet")
}
