// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/riverqueue/river"

	"helpdesk/assist"
	"helpdesk/bots"
	"helpdesk/internal/backup"
	"helpdesk/internal/config"
	"helpdesk/internal/jobs"
	"helpdesk/internal/webhooks"
	"helpdesk/web"
)

// runServe runs the service until SIGINT/SIGTERM, then stops accepting
// requests, lets in-flight ones and running jobs finish, and closes the
// pool.
func runServe(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	noMigrate := fs.Bool("no-migrate", false, "do not apply migrations at start (database.migrate_on_start=false does the same)")
	demo := fs.Bool("demo", false, "create the demo console users if missing and print their logins (make run)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg, err := env.loadConfig()
	if err != nil {
		return err
	}
	log := env.newLogger(cfg)
	slog.SetDefault(log)

	dbURL, err := env.databaseURL(ctx, cfg)
	if err != nil {
		return err
	}
	cfg.DatabaseURL = dbURL
	pool, err := env.openDB(ctx, cfg, cfg.Database.MigrateOnStart && !*noMigrate)
	if err != nil {
		return err
	}
	defer pool.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(pool.DB, "helpdesk"))

	async, err := openAsync(ctx, dbURL, cfg.Database.DurableMarks)
	if err != nil {
		return err
	}
	defer async.Close()
	a, err := newApp(ctx, cfg, log, pool, async, time.Now, reg)
	if err != nil {
		return err
	}
	// A calendar whose hours changed since the last start is written on the
	// timeline of every open ticket it times (due times follow by themselves).
	change, err := a.tickets.RecordCalendarChanges(ctx, pool, a.calendars, time.Now())
	if err != nil {
		return fmt.Errorf("compare calendars with the last start: %w", err)
	}
	if len(change.Changed) > 0 {
		log.Info("calendars changed since the last start", "calendars", change.Changed, "open_tickets", change.Tickets)
	}
	if err := registerDBMetrics(reg, pool, a.engine.Store(), a.tickets); err != nil {
		return err
	}
	private, err := webhooks.ParseNetworks(cfg.API.Webhooks.AllowPrivateTargets)
	if err != nil {
		return fmt.Errorf("config: api.webhooks.allow_private_targets: %w", err)
	}
	hooks, err := webhooks.New(pool, webhooks.Options{AllowPrivateTargets: private})
	if err != nil {
		return err
	}
	runner, err := jobs.New(pool.DB, jobs.Options{
		Logger:         log,
		Backup:         backup.Options{DatabaseURL: dbURL, Dir: cfg.Backup.Dir, Keep: cfg.Backup.Keep},
		BackupInterval: cfg.Backup.Interval,
		Register:       []func(*river.Workers){a.registerWorkers, hooks.Register},
		Periodic:       append(a.periodicJobs(), webhooks.PeriodicScan(5*time.Second)),
	})
	if err != nil {
		return err
	}
	hooks.SetClient(runner)
	a.engine.SetRetry(bots.RiverRetry{Client: runner})
	if err := runner.Start(ctx); err != nil {
		return fmt.Errorf("start job runner: %w", err)
	}

	chans, err := buildChannels(cfg, a.engine, func(ctx context.Context, key string) (bool, error) {
		return a.engine.HasOpenConversation(ctx, "slack", key)
	}, log, pool)
	if err != nil {
		return err
	}
	var mounts []func(*http.ServeMux)
	var running sync.WaitGroup
	// The triage relay hooks into the Slack or Mattermost adapter before it
	// starts, so messages of the agents' channel never reach the bot.
	if t := cfg.Channels.Triage; t.Enabled {
		tr, err := newTriage(t, chans, a.engine, pool, dbURL, closureCodes(cfg.Console.ClosureCodes), log.With("component", "triage"))
		if err != nil {
			return fmt.Errorf("triage: %w", err)
		}
		running.Add(1)
		go func() {
			defer running.Done()
			if err := tr.Run(ctx); err != nil {
				log.Error("triage relay stopped", "err", err)
			}
		}()
	}
	for name, ch := range chans {
		a.engine.RegisterSender(name, ch)
		mounts = append(mounts, ch.Routes)
		running.Add(1)
		go func() {
			defer running.Done()
			if err := ch.Run(ctx); err != nil {
				log.Error("channel stopped", "channel", name, "err", err)
			}
		}()
		log.Info("channel started", "channel", name)
	}
	if *demo {
		if err := ensureDemoUsers(ctx, env, pool); err != nil {
			return err
		}
	}

	// The console's summaries, reply suggestions and FAQ drafts need a
	// chat model; without one the console hides those buttons. (A nil
	// *assist.Console must not become a non-nil web.Assist.)
	var console web.Assist
	if a.llm.CanChat() {
		console = assist.NewConsole(a.llm)
	}
	srv, err := web.New(web.Options{DB: pool, Registry: reg, Logger: log, BaseURL: cfg.HTTP.BaseURL,
		MaxBodyBytes: int64(cfg.HTTP.MaxBodyBytes), SeparateMetrics: cfg.HTTP.MetricsAddr != "",
		EditorsReadTickets: cfg.Console.EditorsReadTickets, ClosureCodes: closureCodes(cfg.Console.ClosureCodes),
		Pool: pool, DatabaseURL: dbURL, Tickets: a.tickets, KB: a.kb, Conversations: a.engine.Store(),
		Searcher: a.searcher, Handoff: a.engine, Mount: mounts, Calendar: a.calendar, Calendars: a.calendars, Location: a.calendar.Location(), Webhooks: hooks, Assist: console,
		Public: web.PublicOptions{Engine: a.engine, Mailer: chans[bots.ChannelEmail], Severity: a.severity,
			ContentDir: cfg.KB.ContentDir, AttachmentDir: cfg.Channels.Email.AttachmentDir, ReopenWindow: cfg.Bot.ReopenWindow,
			FirstResponse: a.firstResponse}})
	if err != nil {
		return err
	}
	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (http.addr / HELPDESK_HTTP_ADDR): %w", cfg.HTTP.Addr, err)
	}
	served := make(chan error, 2)
	go func() { served <- httpServer.Serve(ln) }()
	if cfg.HTTP.MetricsAddr != "" {
		// /metrics on its own address (a management network or loopback),
		// off the public listener.
		mln, err := net.Listen("tcp", cfg.HTTP.MetricsAddr)
		if err != nil {
			httpServer.Close()
			return fmt.Errorf("listen on %s (http.metrics_addr / HELPDESK_HTTP_METRICS_ADDR): %w", cfg.HTTP.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", srv.MetricsHandler())
		metricsServer := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		defer metricsServer.Close()
		go func() { served <- metricsServer.Serve(mln) }()
		log.Info("metrics are served apart", "url", "http://"+mln.Addr().String()+"/metrics")
	}
	log.Info("helpdesk is serving", "url", "http://"+ln.Addr().String(), "base_url", cfg.HTTP.BaseURL)
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(env.stdout, "\nHelp desk ready / pronto: %s\n", base)
	for _, a := range servedAddresses {
		fmt.Fprintf(env.stdout, "  %-40s %s%s\n", a.label, base, a.path)
	}
	fmt.Fprintln(env.stdout)

	select {
	case err := <-served:
		runner.Stop(context.Background())
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests and jobs")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.HTTP.ShutdownTimeout)
	defer cancel()
	var errs []error
	if err := httpServer.Shutdown(sctx); err != nil {
		errs = append(errs, fmt.Errorf("http shutdown: %w", err))
	}
	if err := runner.Stop(sctx); err != nil {
		errs = append(errs, fmt.Errorf("job runner stop: %w", err))
	}
	running.Wait() // channels return when ctx ends
	marked := make(chan struct{})
	go func() { a.engine.WaitMarks(); close(marked) }()
	select {
	case <-marked:
	case <-sctx.Done():
		log.Warn("shutdown: some delivery marks were not recorded; the sweep will send those replies again")
	}
	srv.Close() // the consoles' LISTEN connection
	if err := a.kbLog.Close(sctx); err != nil {
		log.Warn("shutdown: the last knowledge-base search log lines were not written", "err", err)
	}
	log.Info("stopped")
	return errors.Join(errs...)
}

// closureCodes hands the configured closure codes to the console, the
// REST API and the triage thread: one list, checked the same way.
func closureCodes(cfg []config.ClosureCode) bots.ClosureCodes {
	out := make(bots.ClosureCodes, len(cfg))
	for i, c := range cfg {
		out[i] = bots.ClosureCode{Code: c.Code, IT: c.IT, EN: c.EN}
	}
	return out
}

// servedAddresses are the pages a newcomer opens, printed when serve is
// ready (the README lists the same; a test reads both).
var servedAddresses = []struct{ label, path string }{
	{"help centre / centro assistenza:", "/help/"},
	{"web chat / chat:", "/help/chat"},
	{"agents' console / console operatori:", "/console/"},
}
