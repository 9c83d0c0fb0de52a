// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"context"
	"helpdesk/web/console"
	"helpdesk/web/intake"
	"helpdesk/web/webtest"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"helpdesk/agents"
	"helpdesk/internal/testwait"
	"helpdesk/tickets"
)

// TestBrowserPhoneCallAndChecklist is a level-1 operator's telephone
// call, with the keyboard only: the access key opens the contact form
// from the inbox, the caller is found by name and picked with Enter, the
// description gets the model's severity while it is typed, Ctrl+Enter
// opens the ticket and the number is read back from the answer page —
// all well under a minute. Then, on the ticket's page, the suggested
// procedure is attached, and resolving with a required step left open is
// refused until the operator writes why.
func TestBrowserPhoneCallAndChecklist(t *testing.T) {
	t.Parallel()
	b := webtest.Browser(t)
	d := newDesk(t)
	d.addUser("anna", agents.RoleAgentL1)
	ctx := context.Background()
	ts, err := tickets.NewStore(tickets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.EnsureRequester(ctx, d.pool, tickets.Identity{Channel: intake.PhoneChannel, ExternalID: "0612345678", Name: "Giulia Bianchi"}); err != nil {
		t.Fatal(err)
	}
	publishProcedure(t, d.kb, "stampante-inceppata", "it", "Stampante di rete: carta inceppata", jamProcedure)

	resolvedLabel := console.Text.T("it", "state."+string(tickets.StateResolved))
	anna := d.agentTab(b, "anna")
	var number string
	// Record a phone call and read the number back.
	{
		start := time.Now()
		d.step(anna, "access key to the contact form",
			accessKey('n'),
			chromedp.WaitVisible(chromedp.ID("contact-lookup")),
		)
		if focus := d.read(anna, "focus", chromedp.Evaluate[string](`document.activeElement.id`)); focus != "contact-lookup" {
			t.Fatalf("the form opens with focus on %q, want the lookup", focus)
		}
		d.step(anna, "find the caller and pick her with Enter",
			chromedp.KeyEvent("bianchi"),
			chromedp.WaitVisible(chromedp.CSS(`#lookup-results li[aria-selected="true"]`)),
			chromedp.KeyEvent(kb.Enter),
			chromedp.WaitVisible(chromedp.ID("chosen")),
		)
		if focus := d.read(anna, "focus", chromedp.Evaluate[string](`document.activeElement.id`)); focus != "contact-desc" {
			t.Fatalf("after the pick the focus is on %q, want the description", focus)
		}
		d.step(anna, "describe; the model suggests the severity",
			chromedp.KeyEvent("La stampante di rete del secondo piano ha la carta inceppata e non stampa nulla"),
		)
		sugg := d.read(anna, "suggestion", webtest.Poll[string](`(function(){var h=document.getElementById("severity-hint");`+
			`return h.dataset.urgency && document.getElementById("contact-urgency").value ? h.textContent : false})()`))
		if !strings.Contains(sugg, "Suggerita dal modello") {
			t.Fatalf("suggestion %q", sugg)
		}
		prio := d.read(anna, "priority", chromedp.Text(chromedp.ID("contact-priority")))
		d.step(anna, "Ctrl+Enter opens the ticket",
			chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.WaitVisible(chromedp.ID("contact-number")),
		)
		number = d.read(anna, "number", chromedp.Text(chromedp.ID("contact-number")))
		elapsed := time.Since(start)
		if !regexp.MustCompile(`^HD-\d{4}-\d{6}$`).MatchString(number) {
			t.Fatalf("the answer page shows %q, not a ticket number", number)
		}
		if elapsed > time.Minute {
			t.Errorf("recording the call took %s", elapsed)
		}
		t.Logf("call recorded and number read back in %s", elapsed.Round(time.Millisecond))
		var tk struct {
			Origin   string `db:"origin_channel"`
			Priority string `db:"priority"`
			Name     string `db:"name"`
		}
		if err := d.pool.Get(&tk, `SELECT t.origin_channel, t.priority, r.name FROM tickets t JOIN requesters r ON r.id = t.requester_id
			WHERE t.number = $1`, number); err != nil {
			t.Fatal(err)
		}
		if tk.Origin != "phone" || tk.Name != "Giulia Bianchi" || tk.Priority != prio {
			t.Fatalf("ticket %+v, the form showed priority %s", tk, prio)
		}
		spoken := d.read(anna, "spoken", chromedp.Text(chromedp.ID("contact-spoken")))
		due := d.read(anna, "first response", chromedp.Text(chromedp.ID("contact-first-response")))
		// HD-2026-000123 is read out as "HD · 2026 · 000 123".
		p := strings.Split(number, "-")
		if len(p) != 3 || len(p[2]) != 6 || !strings.Contains(spoken, p[0]+" · "+p[1]+" · "+p[2][:3]+" "+p[2][3:]) || due == "" {
			t.Errorf("spoken %q, first response %q", spoken, due)
		}
	}

	// A required checklist step blocks resolution.
	{
		// The search index follows the database by itself within a moment
		// (published just before the test): reload until it suggests.
		href := d.read(anna, "ticket link", chromedp.Evaluate[string](`document.getElementById("contact-ticket").getAttribute("href")`))
		testwait.For(t, "the ticket page to suggest the matching procedure", func() bool {
			d.step(anna, "open the ticket", chromedp.Navigate(d.ts.URL+href), chromedp.WaitVisible(chromedp.ID("checklists")))
			return d.read(anna, "suggestion", chromedp.Evaluate[string](`document.getElementById("attach-stampante-inceppata") ? "yes" : "no"`)) == "yes"
		})
		d.step(anna, "attach the suggested procedure, tick a step, resolve",
			webtest.Submit(chromedp.Click(chromedp.ID("attach-stampante-inceppata"))),
			chromedp.WaitVisible(chromedp.CSS(`button[id^="tick-"][id$="-1"]`)),
			webtest.Submit(chromedp.Click(chromedp.CSS(`button[id^="tick-"][id$="-1"]`))),
			chromedp.WaitVisible(chromedp.CSS(`button[id^="tick-"][id$="-1"][aria-pressed="true"]`)),
			chromedp.SetValue(chromedp.ID("resolve-code"), "solved"),
			webtest.Submit(chromedp.Click(chromedp.ID("ticket-resolve"))),
			chromedp.WaitVisible(chromedp.ID("checklist-refused")),
		)
		msg := d.read(anna, "refusal", chromedp.Text(chromedp.ID("checklist-refused")))
		state := d.read(anna, "state", chromedp.Text(chromedp.ID("ticket-state")))
		if !strings.Contains(msg, "Il ticket non è stato risolto") || !strings.Contains(msg, "Stampare una pagina di prova") ||
			state == resolvedLabel {
			t.Fatalf("refusal %q, state %q", msg, state)
		}
		if focus := d.read(anna, "focus", chromedp.Evaluate[string](`document.activeElement.id`)); focus != "resolve-reason" {
			t.Errorf("after the refusal the focus is on %q, want the reason", focus)
		}
		d.step(anna, "write why and resolve",
			chromedp.KeyEvent("Manca la carta per la pagina di prova: l'utente confermerà domani."),
			chromedp.SetValue(chromedp.ID("resolve-code"), "solved"),
			webtest.Submit(chromedp.Click(chromedp.ID("ticket-resolve"))),
			chromedp.WaitVisible(chromedp.CSS(".flash")),
		)
		state = d.read(anna, "state", chromedp.Text(chromedp.ID("ticket-state")))
		timeline := d.read(anna, "timeline", chromedp.Text(chromedp.ID("timeline")))
		if state != resolvedLabel || !strings.Contains(timeline, "Manca la carta per la pagina di prova") {
			t.Fatalf("after the reason: state %q, timeline:\n%s", state, timeline)
		}
		var kinds string
		if err := d.pool.Get(&kinds, `SELECT string_agg(e.kind, ',' ORDER BY e.id) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
			WHERE t.number = $1 AND e.kind IN ('checklist', 'step_done', 'checklist_overruled')`, number); err != nil {
			t.Fatal(err)
		}
		if kinds != "checklist,step_done,checklist_overruled" {
			t.Errorf("events %q", kinds)
		}
	}
}

// accessKey presses Alt+key as Chromium on Linux delivers it to a page: a
// raw key-down, then a "system" character event, which is the one that
// triggers an element's accesskey (a plain synthesized key-down does not).
func accessKey(key rune) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		system := true
		code := "Key" + strings.ToUpper(string(key))
		vk := int64(unicode.ToUpper(key))
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeRawKeyDown, Modifiers: int64(chromedp.ModifierAlt), Key: string(key),
			Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk, IsSystemKey: &system}
		char := down
		char.Type, char.Text, char.UnmodifiedText = input.DispatchKeyEventTypeChar, string(key), string(key)
		up := down
		up.Type = input.DispatchKeyEventTypeKeyUp
		for _, ev := range []input.DispatchKeyEventParams{down, char, up} {
			if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// step runs browser steps until the tab's deadline (testwait); a step
// that never completes fails with where the page stands.
func (d *desk) step(tab context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	d.t.Helper()
	d.run(tab, what, steps...)
}
