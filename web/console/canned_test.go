// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"helpdesk/agents"
)

// TestCannedResponses: a supervisor saves a canned reply (title and text
// required), sees it listed, and deletes it.
func TestCannedResponses(t *testing.T) {
	t.Parallel()
	d := newTestDesk(t, nil)
	sara := d.session("sara", agents.RoleSupervisor)
	save := func(form url.Values) (int, string) {
		t.Helper()
		w := d.serve(sara, "POST /console/canned", d.c.CannedSave, "POST", "/console/canned", form)
		return w.Code, w.Header().Get("Location")
	}
	if code, loc := save(url.Values{"canned_lang": {"en-GB"}, "title": {"Reset"}, "body": {"Restart the **router**."}}); code != http.StatusSeeOther || loc != "/console/canned?flash=flash.saved" {
		t.Fatalf("save = %d %s", code, loc)
	}
	if code, _ := save(url.Values{"canned_lang": {"it"}, "title": {""}, "body": {"senza titolo"}}); code != http.StatusBadRequest {
		t.Errorf("no title = %d, want 400", code)
	}
	cs, err := d.c.canned.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Lang != "en" || cs[0].Title != "Reset" {
		t.Fatalf("stored %+v", cs)
	}
	w := d.serve(sara, "GET /console/canned", d.c.CannedPage, "GET", "/console/canned?lang=en", nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Restart the **router**.") {
		t.Fatalf("canned page = %d\n%s", w.Code, w.Body.String())
	}
	del := func(id string) int {
		return d.serve(sara, "POST /console/canned/{id}/delete", d.c.CannedDelete, "POST", "/console/canned/"+id+"/delete", url.Values{}).Code
	}
	if code := del("x"); code != http.StatusBadRequest {
		t.Errorf("delete a bad id = %d, want 400", code)
	}
	if code := del(fmt.Sprint(cs[0].ID)); code != http.StatusSeeOther {
		t.Fatalf("delete = %d", code)
	}
	if cs, err = d.c.canned.List(context.Background(), ""); err != nil || len(cs) != 0 {
		t.Errorf("after delete: %+v %v", cs, err)
	}
}
