// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"helpdesk/web/api"
	"helpdesk/web/clean"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "helpdesk_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "helpdesk_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12),
		}, []string{"route"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.requests, m.duration} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// Flush keeps streaming responses (server-sent events) working.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// middleware limits request bodies, recovers panics and records metrics
// and errors. The route label is the mux pattern, never the raw path, so
// the number of series stays bounded.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		r.Body = http.MaxBytesReader(rec, r.Body, s.opt.MaxBodyBytes)
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic in handler", "path", r.URL.Path, "panic", p)
				http.Error(rec, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			s.metrics.requests.WithLabelValues(route, strconv.Itoa(rec.code)).Inc()
			s.metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		}()
		// A body over the limit is refused here with 413: a handler that
		// read the form quietly (FormValue ignores the error) would
		// otherwise answer as if fields were missing (a 9 MiB web form got
		// 422). Multipart forms are left to their handler, which answers
		// 413 with the form and the field marked.
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		raw := r.URL.RawQuery
		if (r.ContentLength > s.opt.MaxBodyBytes && ct != "multipart/form-data") || clean.Request(r) != nil {
			s.tooLarge(rec, r)
			return
		}
		if r.URL.RawQuery != raw {
			// The console's filters refuse such a value with 400 rather
			// than search for the cleaned one (web/console/filters.go).
			r = clean.KeepRaw(r, raw)
		}
		next.ServeHTTP(rec, r)
	})
}

// tooLarge answers 413 in the route's own manner: the API's error object,
// or a short page in both languages.
func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close") // the rest of the body is not read
	if strings.HasPrefix(r.URL.Path, "/api/") {
		api.Fail(s.log, w, &http.MaxBytesError{Limit: s.opt.MaxBodyBytes})
		return
	}
	mb := strconv.FormatFloat(float64(s.opt.MaxBodyBytes)/(1<<20), 'f', 1, 64)
	http.Error(w, "Richiesta troppo grande: al massimo "+mb+" MB.\nRequest too large: at most "+mb+" MB.", http.StatusRequestEntityTooLarge)
}
