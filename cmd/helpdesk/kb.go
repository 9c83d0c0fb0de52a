// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
	"helpdesk/kb"
)

const kbUsage = `usage: helpdesk kb import DIR
       helpdesk kb export DIR
       helpdesk kb eval --kb DIR --queries FILE [FILE …] [--json] [--engine memory|postgres|bleve] [--semantic] [--threshold T] [--misses] [--no-choices] [--learn FILE [--learn-min N] [--learn-words N]]
       helpdesk kb calibrate --kb DIR --queries FILE [FILE …] [--out FILE] [--folds N] [--target-precision P]
       helpdesk kb stats [--days N] [--limit N] [--json]`

// runKB is the knowledge-base tool.
func runKB(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.stderr, kbUsage)
		return errUsage
	}
	switch args[0] {
	case "import":
		return kbImport(ctx, env, args[1:])
	case "export":
		return kbExport(ctx, env, args[1:])
	case "eval":
		return kbEval(ctx, env, args[1:])
	case "stats":
		return kbStats(ctx, env, args[1:])
	case "calibrate":
		return kbCalibrate(ctx, env, args[1:])
	}
	fmt.Fprintln(env.stderr, kbUsage)
	return errUsage
}

// kbStore opens the configured database (migrated) and a store on it.
func (e *environment) kbStore(ctx context.Context) (*kb.Store, func(), error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	pool, err := e.openDB(ctx, cfg, true)
	if err != nil {
		return nil, nil, err
	}
	s, err := kb.NewStore(pool, nil)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return s, func() { pool.Close() }, nil
}

func kbImport(ctx context.Context, env *environment, args []string) error {
	if len(args) != 1 {
		fmt.Fprintln(env.stderr, kbUsage)
		return errUsage
	}
	s, closeDB, err := env.kbStore(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	rep, err := importFolder(ctx, env, s, args[0])
	if err != nil {
		return err
	}
	if len(rep.Rejected) > 0 {
		return fmt.Errorf("%d file(s) rejected", len(rep.Rejected))
	}
	return nil
}

// importFolder imports dir and prints the report (progress on stderr).
func importFolder(ctx context.Context, env *environment, s *kb.Store, dir string) (kb.ImportReport, error) {
	last := time.Now()
	rep, err := s.Import(ctx, dir, kb.ImportOptions{Progress: func(done, total int) {
		if total >= 200 && (time.Since(last) > time.Second || done == total) {
			fmt.Fprintf(env.stderr, "kb import: %d/%d\n", done, total)
			last = time.Now()
		}
	}})
	if err != nil {
		return rep, err
	}
	for _, p := range rep.Rejected {
		fmt.Fprintf(env.stderr, "rejected  %s: %s\n", p.File, p.Reason)
	}
	for _, p := range rep.Warnings {
		fmt.Fprintf(env.stderr, "warning   %s: %s\n", p.File, p.Reason)
	}
	env.printf("created %d, updated %d, unchanged %d, rejected %d", len(rep.Created), len(rep.Updated), len(rep.Unchanged), len(rep.Rejected))
	if rep.Synonyms >= 0 {
		env.printf("; %d synonym groups", rep.Synonyms)
	}
	env.printf("\n")
	return rep, nil
}

func kbExport(ctx context.Context, env *environment, args []string) error {
	if len(args) != 1 {
		fmt.Fprintln(env.stderr, kbUsage)
		return errUsage
	}
	s, closeDB, err := env.kbStore(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	n, err := s.Export(ctx, args[0])
	if err != nil {
		return err
	}
	env.printf("exported %d entries to %s\n", n, args[0])
	return nil
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// evalEngine is an engine `kb eval` measures against ours, with its own
// threshold (kb/kbeval's, in a binary built with -tags kbeval).
type evalEngine interface {
	Search(ctx context.Context, q kb.Query) ([]kb.Hit, error)
	Threshold() float64
}

func kbEval(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("kb eval", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dir := fs.String("kb", "", "content folder to evaluate (required)")
	var files multiFlag
	fs.Var(&files, "queries", "JSON-lines query file (required; repeat to merge several)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	engine := fs.String("engine", "memory", "search engine: memory (our in-process index), postgres (full-text search) or bleve; the last two only in a binary built with -tags kbeval")
	misses := fs.Bool("misses", false, "list the queries that went wrong (on stderr)")
	semantic := fs.Bool("semantic", false, "merge semantic search into the memory engine (embeddings: llm.embedding_model when llm.enabled, else the hashed n-gram stand-in)")
	threshold := fs.Float64("threshold", 0, "confidence threshold (default: the engine's)")
	noChoices := fs.Bool("no-choices", false, "never offer choices: answer or give up")
	learn := fs.String("learn", "", "JSON-lines confirmations ({\"query\", \"lang\", \"entry\"}) replayed as learned phrasings before evaluating (memory engine)")
	learnMin := fs.Int("learn-min", kb.DefaultLearnAfter, "confirmations of the same words needed to learn them as a phrasing (the service's kb.learn_after)")
	learnWords := fs.Int("learn-words", kb.LearnWordsAfter, "confirmers of an entry sharing a word needed to learn it as a term of the entry (kb.learn_words_after; 0: off)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	// Extra arguments are more query files: `--queries content/eval/kb-dev-*.jsonl`
	// expands to several names; flags may still follow them.
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
	var queries []kb.EvalQuery
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return err
		}
		qs, err := kb.ReadEvalQueries(fh)
		fh.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		queries = append(queries, qs...)
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
	rep, err := s.Import(ctx, *dir, kb.ImportOptions{})
	if err != nil {
		return err
	}
	for _, p := range rep.Rejected {
		fmt.Fprintf(env.stderr, "rejected  %s: %s\n", p.File, p.Reason)
	}

	if *learn != "" && *engine != "memory" {
		return fmt.Errorf("--learn works with the memory engine only")
	}
	var search kb.SearchFunc
	th := *threshold
	switch *engine {
	case "memory":
		sr, err := kb.NewSearcher(ctx, s, kb.SearchOptions{RefreshEvery: -1, LearnWordsAfter: learnWordsOption(*learnWords)})
		if err != nil {
			return err
		}
		if th == 0 {
			th = sr.Threshold()
		}
		if *learn != "" {
			fh, err := os.Open(*learn)
			if err != nil {
				return err
			}
			confs, err := kb.ReadConfirmations(fh)
			fh.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", *learn, err)
			}
			// A replayed query is never scored: it would measure recall of
			// what was learned, not what learning brings to new queries.
			var dropped int
			queries, dropped = kb.DropReplayed(queries, confs)
			reach := sr.Reach(confs, queries)
			n, err := sr.Learn(ctx, confs, *learnMin)
			if err != nil {
				return err
			}
			terms, entries := 0, map[string]bool{}
			for _, c := range confs {
				if !entries[c.Entry] {
					entries[c.Entry] = true
					terms += len(sr.LearnedTerms(c.Entry))
				}
			}
			fmt.Fprintf(env.stderr, "learned %d phrasings and %d terms from %d confirmations; %d replayed queries not evaluated\n", n, terms, len(confs), dropped)
			fmt.Fprintf(env.stderr, "of %d in-scope queries evaluated, %d share a word with a confirmation of their entry, %d a word the entry's title, questions and tags lack\n", reach.InScope, reach.Shared, reach.New)
		}
		search = func(ctx context.Context, q kb.EvalQuery) ([]kb.Hit, error) {
			return sr.Search(ctx, kb.Query{Text: q.Query, Lang: q.Lang, Limit: 10, NoLog: true})
		}
		if *semantic {
			hy, err := evalHybrid(ctx, env.loadConfig, s, sr, env.stderr)
			if err != nil {
				return err
			}
			search = func(ctx context.Context, q kb.EvalQuery) ([]kb.Hit, error) {
				return hy.Search(ctx, kb.Query{Text: q.Query, Lang: q.Lang, Limit: 10, NoLog: true})
			}
		}
	case "postgres", "bleve":
		eng, err := comparisonEngine(ctx, *engine, s, pool)
		if err != nil {
			return err
		}
		if th == 0 {
			th = eng.Threshold()
		}
		search = func(ctx context.Context, q kb.EvalQuery) ([]kb.Hit, error) {
			return eng.Search(ctx, kb.Query{Text: q.Query, Lang: q.Lang, Limit: 10, NoLog: true})
		}
	default:
		return fmt.Errorf("unknown engine %q (memory, postgres or bleve)", *engine)
	}
	var lat []time.Duration
	timed := func(ctx context.Context, q kb.EvalQuery) ([]kb.Hit, error) {
		t := time.Now()
		hits, err := search(ctx, q)
		lat = append(lat, time.Since(t))
		return hits, err
	}
	policy := kb.PolicyFor(th)
	if *noChoices {
		policy.Choices = 0
	}
	res, err := kb.EvaluatePolicy(ctx, queries, timed, policy)
	if err != nil {
		return err
	}
	if *misses {
		for _, m := range res.Misses {
			fmt.Fprintf(env.stderr, "MISS %-40s conf %.2f got %-32s want %v  %q\n", m.Reason, m.Confidence, m.Got, m.Query.Expected, m.Query.Query)
		}
	}
	if *asJSON {
		return json.NewEncoder(env.stdout).Encode(res)
	}
	env.printf("entries:    %d imported, %d rejected\n", len(rep.Created), len(rep.Rejected))
	env.printf("queries:    %d (%d with an expected entry, %d out of scope)\n", res.Queries, res.InScope, res.OutOfScope)
	env.printf("top-1:      %.3f  (first hit right and confident; %.3f ignoring confidence)\n", res.Top1, res.Top1Ranked)
	env.printf("hit@3:      %.3f\n", res.HitAt3)
	env.printf("MRR@10:     %.3f\n", res.MRRAt10)
	if res.AbstainOK != nil {
		env.printf("abstain ok: %.3f  (out-of-scope queries with no confident answer)\n", *res.AbstainOK)
	} else {
		env.printf("abstain ok: n/a (no out-of-scope query)\n")
	}
	env.printf("answered:   %.3f  (in-scope queries given a single answer)\n", res.Answered)
	if res.Precision != nil {
		env.printf("precision:  %.3f  (right among those answers)\n", *res.Precision)
	} else {
		env.printf("precision:  n/a (nothing answered)\n")
	}
	env.printf("choices:    %.3f  (in-scope queries offered choices)\n", res.Choices)
	env.printf("shown hit:  %.3f  (a right entry shown: the answer or a choice)\n", res.ShownHit)
	env.printf("AURC:       %.3f  (risk-coverage area of the confidence; lower is better)\n", res.AURC)
	if res.UncoveredAbstainOK != nil {
		env.printf("uncovered:  %.3f  (in-domain queries the KB lacks, given neither answer nor choices)\n", *res.UncoveredAbstainOK)
	}
	env.printf("threshold:  %.2f, engine %s\n", th, *engine)
	if len(lat) > 0 {
		slices.Sort(lat)
		env.printf("latency:    p50 %s, p99 %s per query\n", lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)*99/100].Round(time.Microsecond))
	}
	return nil
}

// throwawayDB creates a fresh, migrated database on the configured server
// (or the private cluster) and returns a pool on it and a func that drops
// it.
func (e *environment) throwawayDB(ctx context.Context) (*sqlx.DB, func(), error) {
	pool, _, drop, err := e.throwawayURL(ctx)
	return pool, drop, err
}

// throwawayURL is throwawayDB that also returns the database's URL.
func (e *environment) throwawayURL(ctx context.Context) (*sqlx.DB, string, func(), error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, "", nil, err
	}
	server, err := e.databaseURL(ctx, cfg)
	if err != nil {
		return nil, "", nil, err
	}
	admin, err := db.Open(ctx, server, db.Options{MaxOpenConns: 1})
	if err != nil {
		return nil, "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "kb_eval_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return nil, "", nil, fmt.Errorf("create throw-away database: %w", err)
	}
	drop := func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}
	u, err := url.Parse(server)
	if err != nil {
		drop()
		return nil, "", nil, err
	}
	u.Path = "/" + name
	pool, err := db.Open(ctx, u.String(), db.Options{MaxOpenConns: 4})
	if err != nil {
		drop()
		return nil, "", nil, err
	}
	if err := db.MigrateUp(ctx, pool.DB); err != nil {
		pool.Close()
		drop()
		return nil, "", nil, err
	}
	return pool, u.String(), func() { pool.Close(); drop() }, nil
}

func kbStats(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("kb stats", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	days := fs.Int("days", 30, "period, in days back from now")
	limit := fs.Int("limit", 10, "rows per list")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	s, closeDB, err := env.kbStore(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	st, err := s.Stats(ctx, kb.StatsOptions{Since: time.Now().AddDate(0, 0, -*days), Limit: *limit})
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(env.stdout).Encode(st)
	}
	env.printf("searches since %s: %d, with a confident answer: %d\n", st.Since.Format("2006-01-02"), st.Searches, st.Confident)
	env.printf("\nmost used entries:\n")
	for _, u := range st.MostUsed {
		env.printf("  %-40s shown %4d  helpful %3d  not helpful %3d\n", u.Entry, u.Shown, u.Helpful, u.NotHelpful)
	}
	env.printf("\nworst rated entries:\n")
	for _, u := range st.WorstRated {
		env.printf("  %-40s helpful %3d  not helpful %3d\n", u.Entry, u.Helpful, u.NotHelpful)
	}
	env.printf("\nmost frequent queries with no confident answer:\n")
	for _, g := range st.Gaps {
		env.printf("  %4d×  %-50q best confidence %.2f\n", g.Times, g.Query, g.BestConfidence)
	}
	return nil
}
