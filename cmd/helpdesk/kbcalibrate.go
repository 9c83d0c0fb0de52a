// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"helpdesk/kb"
)

// kbCalibrate fits the search confidence model on labelled query files
// (cross-validated) and writes it where the build embeds it.
func kbCalibrate(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("kb calibrate", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dir := fs.String("kb", "", "content folder (required)")
	var files multiFlag
	fs.Var(&files, "queries", "JSON-lines query file (required; repeat to merge several)")
	out := fs.String("out", "", "write the fitted model here (e.g. kb/calibration.json); default: print only")
	folds := fs.Int("folds", 5, "cross-validation folds")
	target := fs.Float64("target-precision", kb.DefaultTargetPrecision, "precision the reported threshold is chosen for")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	for rest := fs.Args(); len(rest) > 0; rest = fs.Args() {
		i := 0
		for i < len(rest) && !strings.HasPrefix(rest[i], "-") {
			files = append(files, rest[i])
			i++
		}
		if err := fs.Parse(rest[i:]); err != nil {
			return errUsage
		}
	}
	if *dir == "" || len(files) == 0 {
		fmt.Fprintln(env.stderr, kbUsage)
		return errUsage
	}
	for _, f := range files {
		// The model must never see the sets it is judged on.
		if strings.Contains(f, "holdout") {
			return fmt.Errorf("%s: a held-out set is for judging, not for fitting", f)
		}
	}
	queries, err := readEvalFiles(files)
	if err != nil {
		return err
	}
	pool, drop, err := env.throwawayDB(ctx)
	if err != nil {
		return err
	}
	defer drop()
	s, err := kb.NewStore(pool, nil)
	if err != nil {
		return err
	}
	if _, err := s.Import(ctx, *dir, kb.ImportOptions{}); err != nil {
		return err
	}
	sr, err := kb.NewSearcher(ctx, s, kb.SearchOptions{RefreshEvery: -1})
	if err != nil {
		return err
	}
	rep, err := sr.Calibrate(ctx, queries, *folds, *target, files)
	if err != nil {
		return err
	}
	r := rep.CV
	env.printf("fitted on %d queries, %d hits, %d folds\n", r.Queries, rep.Samples, *folds)
	env.printf("cross-validated, threshold %.2f for target precision %.2f:\n", rep.Threshold, *target)
	prec := "n/a"
	if r.Precision != nil {
		prec = fmt.Sprintf("%.3f", *r.Precision)
	}
	env.printf("  answered %.3f  precision %s  choices %.3f  shown_hit %.3f  aurc %.3f  top1 ranked %.3f\n",
		r.Answered, prec, r.Choices, r.ShownHit, r.AURC, r.Top1Ranked)
	if r.AbstainOK != nil {
		env.printf("  abstain_ok %.3f", *r.AbstainOK)
	}
	if r.UncoveredAbstainOK != nil {
		env.printf("  uncovered_abstain_ok %.3f", *r.UncoveredAbstainOK)
	}
	env.printf("\n\n| confidence | hits | expected (mean confidence) | observed (share right) |\n|---|---|---|---|\n")
	for _, b := range rep.Model.Reliability {
		if b.N == 0 {
			continue
		}
		env.printf("| %.1f–%.1f | %d | %.3f | %.3f |\n", b.Lo, b.Hi, b.N, b.Expected, b.Observed)
	}
	if *out == "" {
		return nil
	}
	b, err := json.MarshalIndent(rep.Model, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(*out, append(b, '\n'), 0o644)
}

// readEvalFiles reads and merges JSON-lines query files.
func readEvalFiles(files []string) ([]kb.EvalQuery, error) {
	var queries []kb.EvalQuery
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		qs, err := kb.ReadEvalQueries(fh)
		fh.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		queries = append(queries, qs...)
	}
	return queries, nil
}
