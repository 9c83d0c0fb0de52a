// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
)

// benchScript is what one simulated user writes in one conversation: a
// greeting, a question the knowledge base can answer, and a verdict.
var benchQuestions = []struct{ lang, text string }{
	{"it", "il lettore non legge la smart card"},
	{"it", "non riesco a mandare il certificato di malattia all'INPS"},
	{"it", "la ricetta elettronica da errore quando la invio"},
	{"it", "ho dimenticato il PIN della CNS"},
	{"it", "la VPN non si collega da casa"},
	{"it", "come resetto la password della posta"},
	{"it", "la casella PEC è piena"},
	{"it", "la stampante di rete non stampa"},
	{"en", "how do I reset my e-mail password"},
	{"en", "the VPN does not connect from home"},
	{"en", "my smart card reader is not recognised"},
	{"en", "how do I submit a SUAP practice"},
}

type benchReport struct {
	Users        int     `json:"users"`
	Messages     int     `json:"messages"`
	MsgsPerS     float64 `json:"msgs_per_s"`
	P50ms        float64 `json:"p50_ms"`
	P95ms        float64 `json:"p95_ms"`
	P99ms        float64 `json:"p99_ms"`
	PGInsertPerS float64 `json:"pg_insert_per_s"`
	Ratio        float64 `json:"ratio"`
	SQLFloorPerS float64 `json:"sql_floor_per_s"`
	FloorRatio   float64 `json:"floor_ratio"`
	// The floor of group commit: the same statements, GroupMax messages
	// of different conversations per transaction.
	GroupFloorPerS float64 `json:"group_floor_per_s"`
	GroupFloorRat  float64 `json:"group_floor_ratio"`
	// The batched floor as issue 21 measured it: the same statements for
	// each message, several messages a transaction, in the best of the
	// shapes (connections × messages a transaction) it tried.
	BatchedFloorPerS  float64 `json:"batched_floor_per_s"`
	BatchedFloorShape string  `json:"batched_floor_shape"`
	BatchedFloorRat   float64 `json:"batched_floor_ratio"`
	MeanGroup         float64 `json:"mean_group_size"`
	OfferedRate       float64 `json:"offered_rate"`
	AtRateP50ms       float64 `json:"at_rate_p50_ms"`
	AtRateP99ms       float64 `json:"at_rate_p99_ms"`
	AtRateAchieve     float64 `json:"at_rate_msgs_per_s"`
	Errors            int64   `json:"errors"`
	// The machine's load (1-minute average; -1 where it cannot be read)
	// before the run, from what else ran, and after it, with the run's own.
	LoadBefore, LoadAfter float64
}

// runBench measures the whole message path (engine, knowledge base, real
// PostgreSQL) with simulated users on the in-process channel, and, in the
// same run, PostgreSQL's raw single-row insert rate at the same
// concurrency: the physical limit the engine's rate is compared with.
func runBench(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	users := fs.Int("users", 32, "simulated users writing at the same time")
	messages := fs.Int("messages", 6000, "messages in the throughput run")
	rate := fs.Float64("rate", 300, "offered messages per second in the latency run")
	rateFor := fs.Duration("rate-for", 10*time.Second, "length of the latency run")
	asJSON := fs.Bool("json", false, "print one JSON object")
	history := fs.Int("history", 20000, "closed conversations in the database before the runs, as on a desk that has been running")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the runs to this file")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	cfg.Log.Level = "error"
	// Each simulated user stands for many real ones writing at human
	// pace: the per-user rate limit would turn the run into a test of it.
	cfg.Bot.UserRatePerMinute = 0
	progress := func(format string, a ...any) { fmt.Fprintf(env.stderr, "bench: "+format+"\n", a...) }
	progress("preparing a throw-away database with the demo knowledge base …")
	pool, dbURL, drop, err := env.throwawayURL(ctx)
	if err != nil {
		return err
	}
	defer drop()
	async, err := openAsync(ctx, dbURL, cfg.Database.DurableMarks)
	if err != nil {
		return err
	}
	defer async.Close()
	pool.SetMaxOpenConns(*users + 8)
	pool.SetMaxIdleConns(*users + 8)
	a, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), pool, async, time.Now, nil)
	if err != nil {
		return err
	}
	if *history > 0 {
		progress("giving it the history of a running desk: %d closed conversations …", *history)
		if err := benchHistory(ctx, pool, *history); err != nil {
			return err
		}
	}
	mem := bots.NewMemory()
	a.engine.RegisterSender("memory", mem)

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep := benchReport{Users: *users, Messages: *messages, OfferedRate: *rate, LoadBefore: loadAvg()}
	progress("raw PostgreSQL single-row inserts, %d connections …", *users)
	if rep.PGInsertPerS, err = rawInsertRate(ctx, pool, *users, *messages); err != nil {
		return err
	}
	progress("the engine's two hot-path statements alone, %d connections …", *users)
	if rep.SQLFloorPerS, err = bots.SQLFloor(ctx, pool, a.tickets, *users, *messages); err != nil {
		return err
	}
	// The batched floor runs as the engine's committers do: as many
	// transactions at once, each of bot.group.max messages.
	perTx, committers := max(1, cfg.Bot.Group.Max), max(1, cfg.Bot.Group.Committers)
	progress("the same, %d transactions at once of %d messages of different conversations …", committers, perTx)
	if rep.GroupFloorPerS, err = bots.SQLFloorGrouped(ctx, pool, a.tickets, committers, *messages, perTx); err != nil {
		return err
	}
	for _, sh := range batchedShapes(committers, perTx) {
		progress("the same statements for each message, %d transactions at once of %d messages …", sh[0], sh[1])
		r, err := bots.SQLFloorBatched(ctx, pool, a.tickets, sh[0], *messages, sh[1])
		if err != nil {
			return err
		}
		if r > rep.BatchedFloorPerS {
			rep.BatchedFloorPerS, rep.BatchedFloorShape = r, fmt.Sprintf("%dx%d", sh[0], sh[1])
		}
	}
	progress("vacuuming the database after the floors …")
	if err := benchSettle(ctx, pool); err != nil {
		return err
	}
	progress("throughput: %d users, %d messages …", *users, *messages)
	var errs benchErrors
	g0, m0 := a.engine.GroupStats()
	lat, took := closedLoop(ctx, a.engine, *users, *messages, &errs)
	if g1, m1 := a.engine.GroupStats(); g1 > g0 {
		rep.MeanGroup = float64(m1-m0) / float64(g1-g0)
	}
	rep.MsgsPerS = float64(len(lat)) / took.Seconds()
	rep.P50ms, rep.P95ms, rep.P99ms = pct(lat, 50), pct(lat, 95), pct(lat, 99)
	rep.Ratio = rep.MsgsPerS / rep.PGInsertPerS
	rep.FloorRatio = rep.MsgsPerS / rep.SQLFloorPerS
	rep.GroupFloorRat = rep.MsgsPerS / rep.GroupFloorPerS
	rep.BatchedFloorRat = rep.MsgsPerS / rep.BatchedFloorPerS
	if err := benchSettle(ctx, pool); err != nil {
		return err
	}
	progress("latency at %.0f messages/s for %s …", *rate, *rateFor)
	lat, took = openLoop(ctx, a.engine, *rate, *rateFor, &errs)
	rep.AtRateAchieve = float64(len(lat)) / took.Seconds()
	rep.AtRateP50ms, rep.AtRateP99ms = pct(lat, 50), pct(lat, 99)
	rep.Errors = errs.count()
	rep.LoadAfter = loadAvg()
	if rep.Errors > 0 {
		// On standard error in both forms: a run with failures says why.
		progress("%d messages failed; the first: %v", rep.Errors, errs.firstErr())
	}

	if *asJSON {
		return json.NewEncoder(env.stdout).Encode(map[string]any{
			"msgs_per_s": round2(rep.MsgsPerS), "p50_ms": round2(rep.P50ms), "p99_ms": round2(rep.P99ms),
			"pg_insert_per_s": round2(rep.PGInsertPerS), "ratio": round2(rep.Ratio),
			"p95_ms": round2(rep.P95ms), "users": rep.Users, "messages": rep.Messages,
			"sql_floor_per_s": round2(rep.SQLFloorPerS), "floor_ratio": round2(rep.FloorRatio),
			"group_floor_per_s": round2(rep.GroupFloorPerS), "group_floor_ratio": round2(rep.GroupFloorRat),
			"mean_group_size":     round2(rep.MeanGroup),
			"batched_floor_per_s": round2(rep.BatchedFloorPerS), "batched_floor_shape": rep.BatchedFloorShape,
			"batched_floor_ratio": round2(rep.BatchedFloorRat),
			"offered_rate":        rep.OfferedRate, "at_rate_msgs_per_s": round2(rep.AtRateAchieve),
			"at_rate_p50_ms": round2(rep.AtRateP50ms), "at_rate_p99_ms": round2(rep.AtRateP99ms), "errors": rep.Errors,
			"load_before": rep.LoadBefore, "load_after": rep.LoadAfter,
		})
	}
	env.printf("whole path, %d users:   %8.0f messages/s   p50 %.2f ms  p95 %.2f ms  p99 %.2f ms\n", rep.Users, rep.MsgsPerS, rep.P50ms, rep.P95ms, rep.P99ms)
	env.printf("raw PostgreSQL inserts:  %8.0f rows/s        ratio %.2f\n", rep.PGInsertPerS, rep.Ratio)
	env.printf("hot-path SQL alone:      %8.0f messages/s    ratio %.2f (the rest is the engine's own work)\n", rep.SQLFloorPerS, rep.FloorRatio)
	env.printf("hot-path SQL, groups of %2d: %5.0f messages/s    ratio %.2f; the engine's groups held %.1f messages on average\n", cfg.Bot.Group.Max, rep.GroupFloorPerS, rep.GroupFloorRat, rep.MeanGroup)
	env.printf("hot-path SQL, each message's own statements, batched (best: %s): %.0f messages/s    ratio %.2f\n", rep.BatchedFloorShape, rep.BatchedFloorPerS, rep.BatchedFloorRat)
	env.printf("at %.0f messages/s offered: %.0f handled/s     p50 %.2f ms  p99 %.2f ms\n", rep.OfferedRate, rep.AtRateAchieve, rep.AtRateP50ms, rep.AtRateP99ms)
	env.printf("machine load (1-minute average): %.2f before the run, %.2f after it\n", rep.LoadBefore, rep.LoadAfter)
	if rep.Errors > 0 {
		env.printf("errors: %d\n", rep.Errors)
	}
	return nil
}

// batchedShapes are the shapes (connections at once, messages a
// transaction) of the batched floor: the engine's own (committers ×
// bot.group.max) and the three of issue 21's table (8 × 4, 8 × 8, 4 × 16).
func batchedShapes(committers, perTx int) [][2]int {
	shapes := [][2]int{{committers, perTx}}
	for _, sh := range [][2]int{{8, 4}, {8, 8}, {4, 16}} {
		if sh != shapes[0] {
			shapes = append(shapes, sh)
		}
	}
	return shapes
}

// loadAvg is the machine's 1-minute load average, or -1 where
// /proc/loadavg cannot be read (not Linux): figures of a run say how busy
// the machine was, which the README states with them.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f, err := strconv.ParseFloat(strings.Fields(string(b) + " x")[0], 64)
	if err != nil {
		return -1
	}
	return f
}

// benchErrors counts the messages Handle failed, keeping the first error.
type benchErrors struct {
	mu    sync.Mutex
	n     int64
	first error
}

func (b *benchErrors) add(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	if b.first == nil {
		b.first = err
	}
}

func (b *benchErrors) count() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n
}

func (b *benchErrors) firstErr() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.first
}

// message returns the n-th message of a simulated user's script, and the
// conversation it belongs to (each script is its own conversation).
func benchMessage(user, n int) bots.Inbound {
	round, step := n/3, n%3
	q := benchQuestions[(user+round)%len(benchQuestions)]
	in := bots.Inbound{Channel: "memory", ExternalID: fmt.Sprintf("b-%d-%d", user, n),
		ConversationKey: fmt.Sprintf("bench-%d-%d", user, round), User: bots.User{ID: fmt.Sprintf("bench-user-%d", user), Lang: q.lang}}
	switch step {
	case 0:
		in.Text = map[string]string{"it": "buongiorno", "en": "hello"}[q.lang]
	case 1:
		in.Text = q.text
	default:
		in.Action = "fb:yes"
	}
	return in
}

func closedLoop(ctx context.Context, e *bots.Engine, users, total int, errs *benchErrors) ([]time.Duration, time.Duration) {
	var mu sync.Mutex
	lat := make([]time.Duration, 0, total)
	per := total / users
	start := time.Now()
	var wg sync.WaitGroup
	for u := 0; u < users; u++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, per)
			for n := 0; n < per; n++ {
				t0 := time.Now()
				if _, err := e.Handle(ctx, benchMessage(u, n)); err != nil {
					errs.add(err)
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return lat, time.Since(start)
}

// openLoop offers messages at a fixed rate whatever the latency, as real
// users do, spread over many users (each user's messages stay in order).
func openLoop(ctx context.Context, e *bots.Engine, rate float64, d time.Duration, errs *benchErrors) ([]time.Duration, time.Duration) {
	const users = 200
	queues := make([]chan bots.Inbound, users)
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for u := range queues {
		queues[u] = make(chan bots.Inbound, 64)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for in := range queues[u] {
				t0 := in.At
				in.At = time.Time{}
				if _, err := e.Handle(ctx, in); err != nil {
					errs.add(err)
					continue
				}
				mu.Lock()
				lat = append(lat, time.Since(t0)) // includes any wait behind the user's previous message
				mu.Unlock()
			}
		}()
	}
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	counts := make([]int, users)
	for i := 0; time.Since(start) < d; i++ {
		next := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(next))
		u := i % users
		in := benchMessage(1000+u, counts[u])
		in.ExternalID = "r-" + in.ExternalID
		in.ConversationKey = "r-" + in.ConversationKey
		in.At = time.Now()
		counts[u]++
		queues[u] <- in
	}
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	return lat, time.Since(start)
}

// rawInsertRate inserts n single rows, each its own transaction, from
// workers connections: what PostgreSQL on this machine can commit.
func rawInsertRate(ctx context.Context, pool *sqlx.DB, workers, n int) (float64, error) {
	if _, err := pool.ExecContext(ctx, `CREATE TABLE bench_raw (id bigserial PRIMARY KEY, k text NOT NULL, body text NOT NULL, at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return 0, err
	}
	var next atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				if _, err := pool.ExecContext(ctx, `INSERT INTO bench_raw (k, body) VALUES ($1, $2)`, fmt.Sprint("k", i), "il lettore non legge la smart card"); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

func pct(xs []time.Duration, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return float64(s[max(i, 0)]) / float64(time.Millisecond)
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
