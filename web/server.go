// Package web is the HTTP side: health and metrics, the agents' console,
// the requester portal, the help centre, the web chat and the REST API.
// Every route is listed in routes.go; HTTP status codes are chosen in one
// place (errors.go).
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Pinger is what readiness needs of the database.
type Pinger interface {
	PingContext(ctx context.Context) error
}

// Options are the server's dependencies.
type Options struct {
	DB           Pinger
	Registry     *prometheus.Registry
	Logger       *slog.Logger
	BaseURL      string
	MaxBodyBytes int64
	Version      string
}

// Server serves every HTTP route of the service.
type Server struct {
	opt     Options
	log     *slog.Logger
	metrics *httpMetrics
}

// New builds the server and registers its metrics.
func New(opt Options) (*Server, error) {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = 1 << 20
	}
	m, err := newHTTPMetrics(opt.Registry)
	if err != nil {
		return nil, err
	}
	return &Server{opt: opt, log: opt.Logger, metrics: m}, nil
}

// healthz says the process is alive; it checks nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz says the service can do its work: the database answers.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.opt.DB.PingContext(ctx); err != nil {
		s.log.Warn("readiness check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ready\n"))
}
