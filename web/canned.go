// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"helpdesk/internal/i18n"
)

// cannedResponse is a ready-made reply an agent can insert.
type cannedResponse struct {
	ID    int64  `db:"id"`
	Lang  string `db:"lang"`
	Title string `db:"title"`
	Body  string `db:"body"`
}

// canned lists the canned responses in lang ("" for all).
func (c *console) canned(ctx context.Context, lang string) ([]cannedResponse, error) {
	var cs []cannedResponse
	if err := c.db.SelectContext(ctx, &cs, c.q.Canned, lang); err != nil {
		return nil, fmt.Errorf("canned responses: %w", err)
	}
	return cs, nil
}

func (c *console) cannedPage(w http.ResponseWriter, r *http.Request) {
	cs, err := c.canned(r.Context(), "")
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "canned", c.newView(r, "canned.title", cs))
}

func (c *console) cannedSave(w http.ResponseWriter, r *http.Request) {
	title, body := strings.TrimSpace(r.PostFormValue("title")), strings.TrimSpace(r.PostFormValue("body"))
	if title == "" || body == "" {
		c.fail(w, r, fmt.Errorf("%w: title and text are required", errBadRequest))
		return
	}
	lang := i18n.Normalize(r.PostFormValue("canned_lang"))
	if _, err := c.db.ExecContext(r.Context(), c.q.InsertCanned, lang, title, body, actor(r)); err != nil {
		c.fail(w, r, err)
		return
	}
	redirect(w, r, "/console/canned", "flash.saved")
}

func (c *console) cannedDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if _, err := c.db.ExecContext(r.Context(), c.q.DeleteCanned, id); err != nil {
		c.fail(w, r, err)
		return
	}
	redirect(w, r, "/console/canned", "flash.deleted")
}
