// SPDX-License-Identifier: EUPL-1.2

package assist

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/db"
)

// The handoff summaries the model wrote are kept, one per conversation,
// in conversation_summaries, which this package owns: the console reads
// and saves them through StoredSummaryOf and SaveSummary.

//go:embed summaries.sql
var summaryFS embed.FS

type summaryQueries struct {
	Summary     string `query:"summary"`
	SaveSummary string `query:"save-summary"`
}

// summaryQueries reads the SQL once.
var loadSummaryQueries = sync.OnceValues(func() (summaryQueries, error) {
	var q summaryQueries
	err := db.ScanQueries(&q, summaryFS, "summaries.sql")
	return q, err
})

// StoredSummary is the model's last summary of a conversation.
type StoredSummary struct {
	Lang          string    `db:"lang"`
	Body          string    `db:"body"`
	LastMessageID int64     `db:"last_message_id"` // the newest message it covers
	CreatedBy     string    `db:"created_by"`      // the agent who asked for it
	CreatedAt     time.Time `db:"created_at"`
}

// StoredSummaryOf returns the summary kept for the conversation, or nil
// when there is none.
func StoredSummaryOf(ctx context.Context, q sqlx.QueryerContext, conversationID int64) (*StoredSummary, error) {
	sq, err := loadSummaryQueries()
	if err != nil {
		return nil, err
	}
	var s StoredSummary
	switch err := sqlx.GetContext(ctx, q, &s, sq.Summary, conversationID); {
	case err == nil:
		return &s, nil
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	default:
		return nil, fmt.Errorf("summary of conversation %d: %w", conversationID, err)
	}
}

// SaveSummary keeps s as the conversation's summary. It is not kept for
// an anonymised conversation, and of two agents asking at once the
// summary covering more messages stays.
func SaveSummary(ctx context.Context, ex sqlx.ExecerContext, conversationID int64, s StoredSummary) error {
	sq, err := loadSummaryQueries()
	if err != nil {
		return err
	}
	if _, err := ex.ExecContext(ctx, sq.SaveSummary, conversationID, s.Lang, s.Body, s.LastMessageID, s.CreatedBy, s.CreatedAt); err != nil {
		return fmt.Errorf("save the summary of conversation %d: %w", conversationID, err)
	}
	return nil
}
