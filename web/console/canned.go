// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"errors"
	"fmt"
	"helpdesk/web/problem"
	"net/http"

	"helpdesk/agents"
	"helpdesk/internal/i18n"
)

func (c *Console) CannedPage(w http.ResponseWriter, r *http.Request) {
	cs, err := c.canned.List(r.Context(), "")
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "canned", c.newView(r, "canned.title", cs))
}

func (c *Console) CannedSave(w http.ResponseWriter, r *http.Request) {
	lang := i18n.Normalize(r.PostFormValue("canned_lang"))
	err := c.canned.Save(r.Context(), lang, r.PostFormValue("title"), r.PostFormValue("body"), actor(r))
	if errors.Is(err, agents.ErrCannedInvalid) {
		err = fmt.Errorf("%w: title and text are required", problem.ErrBadRequest)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, "/console/canned", "flash.saved")
}

func (c *Console) CannedDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if err := c.canned.Delete(r.Context(), id); err != nil {
		c.Fail(w, r, err)
		return
	}
	redirect(w, r, "/console/canned", "flash.deleted")
}
