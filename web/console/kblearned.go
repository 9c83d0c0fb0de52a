// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"errors"
	"fmt"
	"helpdesk/web/problem"
	"net/http"
	"net/url"

	"helpdesk/kb"
)

// kbLearned records an editor's decision on a phrasing users confirmed
// for an entry: accept puts it in search now, remove takes it out and
// stops it being learned again by itself (kb.Store.DecidePhrasing).
func (c *Console) KBLearned(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	phrasing := r.PostFormValue("phrasing")
	var accept bool
	switch r.PostFormValue("decision") {
	case "accept":
		accept = true
	case "remove":
	default:
		c.Fail(w, r, fmt.Errorf("%w: decision must be accept or remove", problem.ErrBadRequest))
		return
	}
	if _, err := c.kb.Get(r.Context(), id); err != nil {
		c.Fail(w, r, err)
		return
	}
	err := c.kb.DecidePhrasing(r.Context(), id, phrasing, accept, actor(r))
	if errors.Is(err, kb.ErrNoPhrasing) {
		err = fmt.Errorf("%w: %w", kb.ErrNotFound, err) // shown as 404
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	flash := "flash.learned_removed"
	if accept {
		flash = "flash.learned_accepted"
	}
	redirect(w, r, "/console/kb/"+url.PathEscape(id)+"#learned", flash)
}
