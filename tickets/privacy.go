// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river"

	"helpdesk/internal/db"
	"helpdesk/internal/pii"
)

type privacyQueries struct {
	AllowPrivacyUpdate     string `query:"allow-privacy-update"`
	ExpiredTickets         string `query:"expired-tickets"`
	ExpiredConversations   string `query:"expired-conversations"`
	ExpiredRequesters      string `query:"expired-requesters"`
	TicketTexts            string `query:"ticket-texts"`
	SetTicketTexts         string `query:"set-ticket-texts"`
	CommentTexts           string `query:"comment-texts"`
	SetCommentText         string `query:"set-comment-text"`
	EventTexts             string `query:"event-texts"`
	SetEventTexts          string `query:"set-event-texts"`
	ClearRequester         string `query:"clear-requester"`
	DeleteIdentities       string `query:"delete-identities"`
	MarkAnonymised         string `query:"mark-anonymised"`
	PrivacyAction          string `query:"privacy-action"`
	RequesterTickets       string `query:"requester-tickets"`
	RequesterConversations string `query:"requester-conversations"`
	RequesterIdentities    string `query:"requester-identities"`
	ConversationMessages   string `query:"conversation-messages"`
	RecordView             string `query:"record-view"`
	TicketViewers          string `query:"ticket-viewers"`
}

// erased replaces free text of a requester who asked to be forgotten.
const erased = "[rimosso su richiesta / erased on request]"

// RetentionResult counts what a retention run anonymised.
type RetentionResult struct {
	Tickets, Conversations, Requesters int
	Logs                               int // values masked in db.Erasure's aged rows
}

// ApplyRetention anonymises what is older than cutoff: closed tickets
// (their texts, comments and event values have personal data masked),
// closed conversations (messages masked, context dropped), and requesters
// with nothing left after the cut-off (name and e-mail cleared, channel
// identities deleted). Counts, states, times, priorities and categories
// stay, so reports are unchanged. The run is audited. convs masks the
// conversations (their owner's code).
func (s *Store) ApplyRetention(ctx context.Context, pool *sqlx.DB, cutoff time.Time, convs ConversationMasker) (RetentionResult, error) {
	var res RetentionResult
	if convs == nil {
		return res, errors.New("retention: no conversation masker")
	}
	now := s.now()
	steps := []struct {
		query string
		count *int
		one   func(ctx context.Context, tx *sqlx.Tx, id int64, mask func(string) string) error
		kind  string
	}{
		{s.priv.ExpiredTickets, &res.Tickets, s.maskTicket, "ticket"},
		{s.priv.ExpiredConversations, &res.Conversations, convs.MaskConversation, "conversation"},
		{s.priv.ExpiredRequesters, &res.Requesters, s.clearRequester, "requester"},
	}
	for _, st := range steps {
		for {
			var ids []int64
			if err := pool.SelectContext(ctx, &ids, st.query, cutoff, 200); err != nil {
				return res, fmt.Errorf("retention: %w", err)
			}
			if len(ids) == 0 {
				break
			}
			err := db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
				if _, err := tx.ExecContext(ctx, s.priv.AllowPrivacyUpdate); err != nil {
					return err
				}
				for _, id := range ids {
					if err := st.one(ctx, tx, id, pii.Mask); err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, s.priv.MarkAnonymised, st.kind, id, now); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return res, fmt.Errorf("retention of %s: %w", st.kind, err)
			}
			*st.count += len(ids)
		}
	}
	// The tables that keep statistics (search log, webhook deliveries,
	// comments) are walked from the same list (db.Erasure).
	var err error
	if res.Logs, err = s.maskAged(ctx, pool, cutoff); err != nil {
		return res, err
	}
	detail := fmt.Sprintf("cutoff %s: %d tickets, %d conversations, %d requesters, %d log values", cutoff.Format(time.RFC3339), res.Tickets, res.Conversations, res.Requesters, res.Logs)
	if _, err := pool.ExecContext(ctx, s.priv.PrivacyAction, now, "system:retention", "retention", nil, detail); err != nil {
		return res, err
	}
	return res, nil
}

func (s *Store) maskTicket(ctx context.Context, tx *sqlx.Tx, id int64, mask func(string) string) error {
	var t struct {
		Subject     string `db:"subject"`
		Description string `db:"description"`
	}
	if err := tx.GetContext(ctx, &t, s.priv.TicketTexts, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.priv.SetTicketTexts, id, mask(t.Subject), mask(t.Description)); err != nil {
		return err
	}
	var comments []struct {
		ID   int64  `db:"id"`
		Body string `db:"body"`
	}
	if err := tx.SelectContext(ctx, &comments, s.priv.CommentTexts, id); err != nil {
		return err
	}
	for _, c := range comments {
		if _, err := tx.ExecContext(ctx, s.priv.SetCommentText, c.ID, mask(c.Body)); err != nil {
			return err
		}
	}
	var events []struct {
		ID  int64  `db:"id"`
		Old string `db:"old_value"`
		New string `db:"new_value"`
	}
	if err := tx.SelectContext(ctx, &events, s.priv.EventTexts, id); err != nil {
		return err
	}
	for _, e := range events {
		if o, n := mask(e.Old), mask(e.New); o != e.Old || n != e.New {
			if _, err := tx.ExecContext(ctx, s.priv.SetEventTexts, e.ID, o, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// ConversationMasker is what the retention needs of the conversations'
// owner (bots.Store, wired by cmd/helpdesk): masking a conversation inside
// the retention's transaction. It is declared here because tickets cannot
// import bots, which imports tickets.
type ConversationMasker interface {
	// MaskConversation masks the personal data of the conversation's
	// messages with mask and drops its context.
	MaskConversation(ctx context.Context, tx *sqlx.Tx, id int64, mask func(string) string) error
}

func (s *Store) clearRequester(ctx context.Context, tx *sqlx.Tx, id int64, _ func(string) string) error {
	if _, err := tx.ExecContext(ctx, s.priv.ClearRequester, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, s.priv.DeleteIdentities, id)
	return err
}

// RequesterExport is everything stored about one requester.
type RequesterExport struct {
	Requester     Requester              `json:"requester"`
	Identities    []ExportedIdentity     `json:"identities"`
	Tickets       []ExportedTicket       `json:"tickets"`
	Conversations []ExportedConversation `json:"conversations"`
	ExportedAt    time.Time              `json:"exported_at"`
}

// ExportedIdentity is how the requester is known on a channel.
type ExportedIdentity struct {
	Channel    string `db:"channel" json:"channel"`
	ExternalID string `db:"external_id" json:"external_id"`
}

// ExportedTicket is a ticket with its public comments.
type ExportedTicket struct {
	Ticket
	Comments []Comment `json:"comments"`
}

// ExportedConversation is a conversation's messages.
type ExportedConversation struct {
	ID       int64             `json:"id"`
	Messages []ExportedMessage `json:"messages"`
}

// ExportedMessage is one message in or out.
type ExportedMessage struct {
	Direction string    `db:"direction" json:"direction"`
	Author    string    `db:"author" json:"author"`
	Body      string    `db:"body" json:"body"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// ExportRequester gathers a requester's data (access request) and audits
// the act.
func (s *Store) ExportRequester(ctx context.Context, q Querier, requesterID int64, actor string) (*RequesterExport, error) {
	r, err := s.GetRequester(ctx, q, requesterID)
	if err != nil {
		return nil, err
	}
	out := &RequesterExport{Requester: *r, ExportedAt: s.now()}
	if err := q.SelectContext(ctx, &out.Identities, s.priv.RequesterIdentities, requesterID); err != nil {
		return nil, err
	}
	var ids []int64
	if err := q.SelectContext(ctx, &ids, s.priv.RequesterTickets, requesterID); err != nil {
		return nil, err
	}
	for _, id := range ids {
		t, err := s.Get(ctx, q, id)
		if err != nil {
			return nil, err
		}
		cs, err := s.Comments(ctx, q, id, false)
		if err != nil {
			return nil, err
		}
		out.Tickets = append(out.Tickets, ExportedTicket{Ticket: *t, Comments: cs})
	}
	ids = nil
	if err := q.SelectContext(ctx, &ids, s.priv.RequesterConversations, requesterID); err != nil {
		return nil, err
	}
	for _, id := range ids {
		c := ExportedConversation{ID: id}
		if err := q.SelectContext(ctx, &c.Messages, s.priv.ConversationMessages, id); err != nil {
			return nil, err
		}
		out.Conversations = append(out.Conversations, c)
	}
	if _, err := q.ExecContext(ctx, s.priv.PrivacyAction, s.now(), actor, "export", requesterID, ""); err != nil {
		return nil, err
	}
	return out, nil
}

// EraseRequester forgets a requester on request. It walks db.Erasure, the
// list of every column that can hold a requester's personal data: their
// tickets' and conversations' texts, the copies in webhook deliveries,
// the search log, rate-limit keys, notifications, finished jobs, and
// their messages in conversations filed under someone else; their name,
// e-mail and channel identities go. Tickets keep their numbers, states,
// times and classification, so statistics and the audit of the desk's
// work remain. The act itself is audited.
func (s *Store) EraseRequester(ctx context.Context, pool *sqlx.DB, requesterID int64, actor string) error {
	if _, err := s.GetRequester(ctx, pool, requesterID); err != nil {
		return err
	}
	return db.Tx(ctx, pool, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.priv.AllowPrivacyUpdate); err != nil {
			return err
		}
		now := s.now()
		var tickets, convs []int64
		if err := tx.SelectContext(ctx, &tickets, s.priv.RequesterTickets, requesterID); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &convs, s.priv.RequesterConversations, requesterID); err != nil {
			return err
		}
		if err := s.eraseEverywhere(ctx, tx, requesterID); err != nil {
			return err
		}
		for _, id := range tickets {
			if _, err := tx.ExecContext(ctx, s.priv.MarkAnonymised, "ticket", id, now); err != nil {
				return err
			}
		}
		for _, id := range convs {
			if _, err := tx.ExecContext(ctx, s.priv.MarkAnonymised, "conversation", id, now); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.priv.MarkAnonymised, "requester", requesterID, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.priv.PrivacyAction, now, actor, "erase", requesterID,
			fmt.Sprintf("%d tickets, %d conversations", len(tickets), len(convs)))
		return err
	})
}

// RecordView records that a console user looked at a ticket.
func (s *Store) RecordView(ctx context.Context, q Querier, userID, ticketID int64) error {
	_, err := q.ExecContext(ctx, s.priv.RecordView, userID, ticketID, s.now())
	return err
}

// TicketView is one console view of a ticket.
type TicketView struct {
	UserID int64     `db:"user_id" json:"user_id"`
	At     time.Time `db:"at" json:"at"`
}

// Viewers returns who looked at a ticket, most recent first.
func (s *Store) Viewers(ctx context.Context, q Querier, ticketID int64, limit int) ([]TicketView, error) {
	var vs []TicketView
	err := q.SelectContext(ctx, &vs, s.priv.TicketViewers, ticketID, limit)
	return vs, err
}

// RetentionArgs is the daily retention job.
type RetentionArgs struct{}

// Kind names the job.
func (RetentionArgs) Kind() string { return "privacy_retention" }

// RetentionWorker anonymises data older than After.
type RetentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	Store         *Store
	DB            *sqlx.DB
	After         time.Duration
	Conversations ConversationMasker // bots.Store
}

// Work applies the retention rule.
func (w *RetentionWorker) Work(ctx context.Context, job *river.Job[RetentionArgs]) error {
	_, err := w.Store.ApplyRetention(ctx, w.DB, w.Store.now().Add(-w.After), w.Conversations)
	return err
}
