// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"helpdesk/nlp"
)

// LiveSeverity is the severity model in use: the shipped one, or the
// version `helpdesk nlp use` put in use, followed without restart. The
// first assessment after Every starts a background check of the version
// in use (one small query); a new version is trained (about 50 ms) and
// swapped in, assessments never wait for it.
type LiveSeverity struct {
	store      *Store
	db         Querier
	shipped    *nlp.SeverityModel
	every      time.Duration
	log        *slog.Logger
	cur        atomic.Pointer[liveModel]
	checked    atomic.Int64 // unix nanoseconds of the last check
	refreshing atomic.Bool
}

type liveModel struct {
	version int
	model   *nlp.SeverityModel
}

// NewLiveSeverity loads the version in use. every ≤ 0 means 10 s; log may
// be nil.
func NewLiveSeverity(ctx context.Context, store *Store, db Querier, shipped *nlp.SeverityModel, every time.Duration, log *slog.Logger) (*LiveSeverity, error) {
	if every <= 0 {
		every = 10 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &LiveSeverity{store: store, db: db, shipped: shipped, every: every, log: log}
	l.cur.Store(&liveModel{model: shipped})
	if err := l.Refresh(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// Assess is the model in use's assessment. A due refresh runs in the
// background, detached from ctx: the message that happened to trigger it
// may end long before the retrained model is read.
func (l *LiveSeverity) Assess(ctx context.Context, text, lang string) nlp.Severity {
	if time.Now().UnixNano()-l.checked.Load() > int64(l.every) && l.refreshing.CompareAndSwap(false, true) {
		go func() {
			defer l.refreshing.Store(false)
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if err := l.Refresh(ctx); err != nil {
				l.log.Warn("severity model refresh", "err", err)
			}
		}()
	}
	return l.cur.Load().model.Assess(ctx, text, lang)
}

// Version is the version in use (0: the shipped model).
func (l *LiveSeverity) Version() int { return l.cur.Load().version }

// Refresh reads the version in use and, when it changed, trains it.
func (l *LiveSeverity) Refresh(ctx context.Context) error {
	l.checked.Store(time.Now().UnixNano())
	v, labels, err := l.store.ActiveSeverityModel(ctx, l.db)
	if err != nil {
		return err
	}
	if v == l.cur.Load().version {
		return nil
	}
	m := l.shipped
	if v != 0 {
		if m, err = TrainSeverityVersion(labels); err != nil {
			return err
		}
	}
	l.cur.Store(&liveModel{version: v, model: m})
	l.log.Info("severity model in use", "version", v)
	return nil
}

// TrainSeverityVersion trains the model of a version: the shipped data
// plus its labels.
func TrainSeverityVersion(labels []nlp.SeverityExample) (*nlp.SeverityModel, error) {
	shipped, err := nlp.ShippedSeverityExamples()
	if err != nil {
		return nil, err
	}
	return nlp.TrainSeverityModel(append(shipped, labels...))
}
