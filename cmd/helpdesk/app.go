// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"helpdesk/assist"
	"helpdesk/bots"
	"helpdesk/internal/config"
	"helpdesk/internal/llm"
	"helpdesk/kb"
	"helpdesk/nlp"
	"helpdesk/tickets"
)

// app is the service's object graph, built once from the configuration and
// shared by serve, chat and bench.
type app struct {
	cfg       config.Config
	log       *slog.Logger
	db        *sqlx.DB
	tickets   *tickets.Store
	kb        *kb.Store
	searcher  *kb.Searcher
	calendar  *tickets.BusinessCalendar // the default one
	calendars *tickets.Calendars        // every named calendar and which clock runs on which
	// firstResponse is the promised first-response time per priority:
	// the bot's and the web form's confirmation say the same.
	firstResponse map[tickets.Priority]time.Duration
	engine        *bots.Engine
	severity      bots.SeverityModel // the local model, with the language model's opinion when configured
	tracking      *tickets.TrackingTokens
	kbLog         *kb.Store   // the bot's KB reads and its write-behind search log
	llm           *llm.Client // nil unless llm.enabled: for the console's summaries, suggestions, FAQ drafts
}

// newApp wires the domain packages on an open pool. When the
// configuration says so, the content folder is imported into the
// knowledge base first (idempotent: unchanged entries are left alone).
// async, when not nil, is a pool whose commits do not wait for the disk:
// search logs, answers shown and delivery marks go through it (see
// db.Options.Async).
func newApp(ctx context.Context, cfg config.Config, log *slog.Logger, pool, async *sqlx.DB, now func() time.Time, reg prometheus.Registerer) (*app, error) {
	a := &app{cfg: cfg, log: log, db: pool}
	if async == nil {
		async = pool
	}
	matrix, err := tickets.MatrixFromConfig(cfg.Tickets.PriorityMatrix)
	if err != nil {
		return nil, err
	}
	if a.calendars, err = calendarsFromConfig(cfg); err != nil {
		return nil, err
	}
	a.calendar = a.calendars.Default()
	if a.tickets, err = tickets.NewStore(tickets.Options{Matrix: matrix, Now: now, Location: a.calendar.Location()}); err != nil {
		return nil, err
	}
	if a.kb, err = kb.NewStore(pool, now); err != nil {
		return nil, err
	}
	if cfg.KB.LoadOnStart && cfg.KB.ContentDir != "" {
		start := time.Now()
		rep, err := a.kb.Import(ctx, cfg.KB.ContentDir, kb.ImportOptions{Author: "content-folder"})
		if err != nil {
			return nil, fmt.Errorf("load knowledge base from %s (kb.content_dir): %w", cfg.KB.ContentDir, err)
		}
		for _, p := range rep.Rejected {
			log.Warn("knowledge base file rejected", "file", p.File, "reason", p.Reason)
		}
		log.Info("knowledge base loaded", "dir", cfg.KB.ContentDir, "created", len(rep.Created), "updated", len(rep.Updated),
			"unchanged", len(rep.Unchanged), "rejected", len(rep.Rejected), "took", time.Since(start).Round(time.Millisecond))
	}
	// The bot's reads and its search log and answer records use a store on
	// the bookkeeping pool; editors write through a.kb on the main one.
	kbLog, err := kb.NewStore(async, now)
	if err != nil {
		return nil, err
	}
	// The search log is analytics: written behind, in batches, off the
	// message's path (kb/feedlog.go). serve closes it on shutdown.
	dropped := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "helpdesk_kb_log_lines_dropped_total",
		Help: "Search-log lines the database refused for their content, dropped so the others are written.",
	})
	if reg != nil {
		if err := reg.Register(dropped); err != nil {
			return nil, err
		}
	}
	kbLog.StartWriteBehind(context.WithoutCancel(ctx), kb.WriteBehind{Logger: log.With("component", "kb-log"), Dropped: dropped})
	a.kbLog = kbLog
	a.kb.SetLearnAfter(cfg.KB.LearnAfter)
	kbLog.SetLearnAfter(cfg.KB.LearnAfter)
	if a.searcher, err = kb.NewSearcher(ctx, kbLog, kb.SearchOptions{Threshold: cfg.Bot.AnswerThreshold, TargetPrecision: cfg.KB.TargetPrecision,
		LearnWordsAfter: learnWordsOption(cfg.KB.LearnWordsAfter)}); err != nil {
		return nil, err
	}
	severity, err := nlp.NewSeverityModel()
	if err != nil {
		return nil, fmt.Errorf("severity model: %w", err)
	}
	if a.tracking, err = tickets.NewTrackingTokens(now); err != nil {
		return nil, err
	}
	if a.llm, err = llm.New(llm.ConfigFrom(cfg.LLM).WithLogger(log)); err != nil {
		return nil, fmt.Errorf("config: llm: %w", err)
	}
	firstResponse := map[tickets.Priority]time.Duration{}
	for p, d := range cfg.Bot.FirstResponse {
		firstResponse[tickets.Priority(p)] = d
	}
	a.firstResponse = firstResponse
	// The version `helpdesk nlp use` chose, followed without restart.
	live, err := tickets.NewLiveSeverity(ctx, a.tickets, pool, severity, 0, log.With("component", "severity"))
	if err != nil {
		return nil, fmt.Errorf("severity model: %w", err)
	}
	a.severity = assist.NewSeverityAssist(live, a.llm)
	// With an embedding model the bot searches lexically and semantically;
	// the semantic index follows publications like the lexical one.
	var botSearch interface {
		Search(ctx context.Context, q kb.Query) ([]kb.Hit, error)
	} = a.searcher
	if a.llm.CanEmbed() {
		sem, err := kb.NewSemanticIndex(ctx, kbLog, llm.NewEmbedder(a.llm), kb.SemanticOptions{})
		if err != nil {
			log.Warn("semantic search unavailable; lexical search only", "err", err)
		} else {
			botSearch = kb.NewHybridSearcher(a.searcher, sem, kb.HybridOptions{})
		}
	}
	a.engine, err = bots.New(bots.Options{
		DB: pool, BookkeepingDB: async, Tickets: a.tickets, Severity: a.severity, Calendar: a.calendar, Calendars: a.calendars, Logger: log, Now: now,
		Composer:          assist.NewComposer(a.llm),
		Knowledge:         &bots.KBKnowledge{Searcher: botSearch, Store: kbLog, BaseURL: cfg.HTTP.BaseURL},
		BaseURL:           cfg.HTTP.BaseURL,
		DefaultLang:       cfg.Language,
		AnswerThreshold:   a.searcher.Threshold(),
		FirstResponse:     firstResponse,
		ReopenWindow:      cfg.Bot.ReopenWindow,
		UserRatePerMinute: float64(cfg.Bot.UserRatePerMinute), UserBurst: cfg.Bot.UserBurst,
		MaxTextBytes:  cfg.Bot.MaxTextBytes,
		MarkSentRetry: cfg.Bot.ResendUnsentAfter / 2,
		GroupMax:      cfg.Bot.Group.Max, GroupWait: cfg.Bot.Group.Wait, GroupCommitters: cfg.Bot.Group.Committers,
		Registry: reg,
		TrackLink: func(ctx context.Context, q sqlx.ExecerContext, ticketID int64, number string) (string, error) {
			return a.tracking.Link(ctx, q, cfg.HTTP.BaseURL, ticketID, number)
		},
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func calendarConfig(cfg config.Config) tickets.CalendarConfig {
	return namedCalendarConfig(cfg, cfg.Calendar)
}

// namedCalendarConfig turns one calendar section into the tickets shape;
// every calendar runs in the desk's zone.
func namedCalendarConfig(cfg config.Config, c config.Calendar) tickets.CalendarConfig {
	cc := tickets.CalendarConfig{Timezone: cfg.Timezone, Hours: c.Hours, LocalHolidays: c.LocalHolidays}
	for _, cl := range c.Closures {
		cc.Closures = append(cc.Closures, tickets.Closure{From: cl.From, To: cl.To, Reason: cl.Reason})
	}
	return cc
}

// calendarsFromConfig builds the registry: calendar as "default",
// calendars.NAME, and the queues', teams' and SLA targets' choices.
func calendarsFromConfig(cfg config.Config) (*tickets.Calendars, error) {
	named := map[string]tickets.CalendarConfig{tickets.DefaultCalendarName: calendarConfig(cfg)}
	for name, c := range cfg.Calendars {
		named[name] = namedCalendarConfig(cfg, c)
	}
	rules := tickets.CalendarRules{Level1: cfg.Queues.Level1.Calendar, Level2: cfg.Queues.Level2.Calendar,
		Teams: map[string]string{}, Targets: map[string]map[tickets.Target]string{}}
	for team, t := range cfg.Teams {
		rules.Teams[team] = t.Calendar
	}
	for prio, targets := range cfg.SLA.Calendars {
		rules.Targets[prio] = map[tickets.Target]string{}
		for target, name := range targets {
			rules.Targets[prio][tickets.Target(target)] = name
		}
	}
	cals, err := tickets.NewCalendars(named, rules)
	if err != nil {
		return nil, fmt.Errorf("config: calendars: %w", err)
	}
	return cals, nil
}

// registerWorkers adds the engine's durable jobs: send retries and the
// closing of idle conversations.
func (a *app) registerWorkers(w *river.Workers) {
	river.AddWorker(w, &bots.SendWorker{Engine: a.engine})
	river.AddWorker(w, &bots.SweepWorker{Engine: a.engine, After: a.cfg.Bot.ResendUnsentAfter})
	river.AddWorker(w, &bots.CloseIdleWorker{Engine: a.engine, After: a.cfg.Bot.InactivityTimeout})
	river.AddWorker(w, &bots.AutoAssignWorker{Engine: a.engine})
	river.AddWorker(w, &tickets.SLAScanWorker{Store: a.tickets, DB: a.db, Calendars: a.calendars})
	river.AddWorker(w, &tickets.RetentionWorker{Store: a.tickets, DB: a.db, After: a.cfg.Privacy.Retention, Conversations: a.engine.Store()})
	river.AddWorker(w, &tickets.SeverityRetrainWorker{Store: a.tickets, DB: a.db, MinNew: a.cfg.Tickets.SeverityRetrainAfter,
		HeldOut: func() ([]nlp.SeverityExample, error) { return readSeverityFile(a.cfg.Tickets.SeverityHeldOut) },
		Logger:  a.log.With("component", "severity")})
}

func (a *app) periodicJobs() []*river.PeriodicJob {
	jobs := []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
		func() (river.JobArgs, *river.InsertOpts) { return bots.CloseIdleArgs{}, nil },
		&river.PeriodicJobOpts{ID: "close_idle_conversations"}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return tickets.SLAScanArgs{}, nil },
			&river.PeriodicJobOpts{ID: "sla_scan", RunOnStart: true}),
		// Replies left unsent by an instance that died between commit and send.
		river.NewPeriodicJob(river.PeriodicInterval(max(a.cfg.Bot.ResendUnsentAfter/4, 5*time.Second)),
			func() (river.JobArgs, *river.InsertOpts) { return bots.SweepArgs{}, nil },
			&river.PeriodicJobOpts{ID: "sweep_unsent_replies", RunOnStart: true})}
	if a.cfg.Privacy.Retention > 0 {
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return tickets.RetentionArgs{}, nil },
			&river.PeriodicJobOpts{ID: "privacy_retention", RunOnStart: true}))
	}
	if a.cfg.Tickets.SeverityRetrainEvery > 0 {
		// Retrains only when tickets.severity_retrain_after new labels
		// exist; the version is stored, not switched on.
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(a.cfg.Tickets.SeverityRetrainEvery),
			func() (river.JobArgs, *river.InsertOpts) { return tickets.SeverityRetrainArgs{}, nil },
			&river.PeriodicJobOpts{ID: "severity_retrain"}))
	}
	if a.cfg.Bot.Assignment == "round_robin" {
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(10*time.Second),
			func() (river.JobArgs, *river.InsertOpts) { return bots.AutoAssignArgs{}, nil },
			&river.PeriodicJobOpts{ID: "auto_assign_conversations"}))
	}
	return jobs
}

// learnWordsOption maps kb.learn_words_after (0: off) to the searcher's
// option (negative: off).
func learnWordsOption(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
