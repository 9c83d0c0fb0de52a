// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"helpdesk/internal/db"
	"helpdesk/nlp"
)

// Severity learns from the desk: when an agent changes a ticket's urgency
// or impact, the ticket's text with the corrected levels is a label
// (recorded by Classify). `helpdesk nlp retrain` trains a model from the
// shipped data plus the labels and keeps it as a version with its figures
// on the held-out cases; `helpdesk nlp use` switches versions, and the
// service's LiveSeverity follows the version in use.

type severityQueries struct {
	InsertLabel string `query:"insert-severity-label"`
	Labels      string `query:"severity-labels"`
	InsertModel string `query:"insert-severity-model"`
	LastLabel   string `query:"last-severity-label"`
	NewLabels   string `query:"new-severity-labels"`
	Lock        string `query:"lock-severity-retrain"`
	Models      string `query:"severity-models"`
	Active      string `query:"active-severity-model"`
	Deactivate  string `query:"deactivate-severity-models"`
	Activate    string `query:"activate-severity-model"`
}

var severitySQL = sync.OnceValues(func() (severityQueries, error) {
	var q severityQueries
	err := db.ScanQueries(&q, queryFS, "severity.sql")
	return q, err
})

// ErrNoSeverityModel is returned for a model version that does not exist.
var ErrNoSeverityModel = errors.New("no such severity model version")

// recordSeverityLabel keeps t's text with its levels after an agent's
// change, as a training label. The text is what the model saw when the
// ticket was opened: the description (the subject when there is none).
func (s *Store) recordSeverityLabel(ctx context.Context, q Querier, t *Ticket, actor string) error {
	sq, err := severitySQL()
	if err != nil {
		return err
	}
	text := strings.TrimSpace(t.Description)
	if text == "" {
		text = strings.TrimSpace(t.Subject)
	}
	typ := string(t.Type)
	if !t.Type.Valid() {
		typ = string(TypeIncident)
	}
	if text == "" {
		return nil
	}
	lang := nlp.DetectLanguage(text, nlp.Italian).Lang
	_, err = q.ExecContext(ctx, sq.InsertLabel, s.now(), t.ID, text, lang, string(t.Urgency), string(t.Impact), typ, actor)
	if err != nil {
		return fmt.Errorf("severity label for %s: %w", t.Number, err)
	}
	return nil
}

// SeverityLabels returns the desk's labels as training cases, the latest
// per ticket.
func (s *Store) SeverityLabels(ctx context.Context, q Querier) ([]nlp.SeverityExample, error) {
	sq, err := severitySQL()
	if err != nil {
		return nil, err
	}
	var out []nlp.SeverityExample
	if err := q.SelectContext(ctx, &out, sq.Labels, int64(math.MaxInt64)); err != nil {
		return nil, fmt.Errorf("severity labels: %w", err)
	}
	return out, nil
}

// SeverityFigures are a model's scores on labelled cases.
type SeverityFigures struct {
	Cases            int     `json:"cases"`
	UrgencyF1        float64 `json:"urgency_f1"`
	ImpactF1         float64 `json:"impact_f1"`
	PriorityF1       float64 `json:"priority_f1"`
	TypeF1           float64 `json:"type_f1"`
	PriorityAccuracy float64 `json:"priority_accuracy"`
}

// ScoreSeverity scores model on cases, mapping levels to priority through
// the store's matrix (a case without a priority takes the matrix's).
func (s *Store) ScoreSeverity(ctx context.Context, model interface {
	Assess(ctx context.Context, text, lang string) nlp.Severity
}, cases []nlp.SeverityExample) SeverityFigures {
	var gu, pu, gi, pi, gp, pp, gt, pt []string
	for _, c := range cases {
		a := model.Assess(ctx, c.Text, c.Lang)
		gold := c.Priority
		if gold == "" {
			gold = string(s.matrix.Priority(Level(c.Urgency), Level(c.Impact)))
		}
		gu, pu = append(gu, c.Urgency), append(pu, a.Urgency.Level)
		gi, pi = append(gi, c.Impact), append(pi, a.Impact.Level)
		gt, pt = append(gt, c.Type), append(pt, a.Type.Level)
		gp, pp = append(gp, gold), append(pp, string(s.matrix.Priority(Level(a.Urgency.Level), Level(a.Impact.Level))))
	}
	p := nlp.Score([]string{string(P1), string(P2), string(P3), string(P4)}, gp, pp)
	return SeverityFigures{Cases: len(cases), UrgencyF1: round3(nlp.Score(nlp.Levels, gu, pu).MacroF1),
		ImpactF1: round3(nlp.Score(nlp.Levels, gi, pi).MacroF1), PriorityF1: round3(p.MacroF1),
		TypeF1: round3(nlp.Score(nlp.Types, gt, pt).MacroF1), PriorityAccuracy: round3(p.Accuracy)}
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

// SeverityModelVersion is one retrained model as listed.
type SeverityModelVersion struct {
	Version   int             `db:"version" json:"version"`
	CreatedAt time.Time       `db:"created_at" json:"created_at"`
	CreatedBy string          `db:"created_by" json:"created_by"`
	Labels    int             `db:"labels" json:"labels"`
	Figures   SeverityFigures `db:"-" json:"figures"`
	Active    bool            `db:"active" json:"active"`
}

// SaveSeverityModel stores a version (not in use) trained on the shipped
// data plus labels, with its figures.
func (s *Store) SaveSeverityModel(ctx context.Context, q Querier, by string, labels []nlp.SeverityExample, f SeverityFigures) (int, error) {
	return s.saveSeverityModel(ctx, q, by, labels, f, 0)
}

// saveSeverityModel is SaveSeverityModel remembering the last label id the
// version had seen (through), from which new labels are counted.
func (s *Store) saveSeverityModel(ctx context.Context, q Querier, by string, labels []nlp.SeverityExample, f SeverityFigures, through int64) (int, error) {
	sq, err := severitySQL()
	if err != nil {
		return 0, err
	}
	if labels == nil {
		labels = []nlp.SeverityExample{}
	}
	lb, err := json.Marshal(labels)
	if err != nil {
		return 0, err
	}
	fb, err := json.Marshal(f)
	if err != nil {
		return 0, err
	}
	var v int
	if err := q.GetContext(ctx, &v, sq.InsertModel, s.now(), by, string(lb), string(fb), through); err != nil {
		return 0, fmt.Errorf("save severity model: %w", err)
	}
	return v, nil
}

// SeverityModels lists the stored versions, oldest first.
func (s *Store) SeverityModels(ctx context.Context, q Querier) ([]SeverityModelVersion, error) {
	sq, err := severitySQL()
	if err != nil {
		return nil, err
	}
	var rows []struct {
		SeverityModelVersion
		Figures string `db:"figures"`
	}
	if err := q.SelectContext(ctx, &rows, sq.Models); err != nil {
		return nil, fmt.Errorf("severity models: %w", err)
	}
	out := make([]SeverityModelVersion, len(rows))
	for i, r := range rows {
		out[i] = r.SeverityModelVersion
		if err := json.Unmarshal([]byte(r.Figures), &out[i].Figures); err != nil {
			return nil, fmt.Errorf("severity model %d: %w", r.Version, err)
		}
	}
	return out, nil
}

// UseSeverityModel puts version in use; 0 goes back to the shipped model.
// q should be a transaction (two statements).
func (s *Store) UseSeverityModel(ctx context.Context, q Querier, version int) error {
	sq, err := severitySQL()
	if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, sq.Deactivate); err != nil {
		return fmt.Errorf("use severity model %d: %w", version, err)
	}
	if version == 0 {
		return nil
	}
	res, err := q.ExecContext(ctx, sq.Activate, version)
	if err != nil {
		return fmt.Errorf("use severity model %d: %w", version, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %d", ErrNoSeverityModel, version)
	}
	return nil
}

// ActiveSeverityModel returns the version in use and its labels; version 0
// (and no labels) when the shipped model is in use.
func (s *Store) ActiveSeverityModel(ctx context.Context, q Querier) (int, []nlp.SeverityExample, error) {
	sq, err := severitySQL()
	if err != nil {
		return 0, nil, err
	}
	var row struct {
		Version int    `db:"version"`
		Labels  string `db:"labels"`
	}
	err = q.GetContext(ctx, &row, sq.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("active severity model: %w", err)
	}
	var labels []nlp.SeverityExample
	if err := json.Unmarshal([]byte(row.Labels), &labels); err != nil {
		return 0, nil, fmt.Errorf("severity model %d: %w", row.Version, err)
	}
	return row.Version, labels, nil
}
