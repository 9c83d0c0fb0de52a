// SPDX-License-Identifier: EUPL-1.2

package console

import (
	"fmt"

	"helpdesk/internal/i18n"
)

// deskText holds the strings of the contact page and the checklist panel
// of the console, in Italian and English. They join Text when the
// package starts: a catalogue of their own keeps these pages' strings out
// of the file other console work edits at the same time. A key defined
// twice is a build defect that every test run shows.
var deskText = i18n.Catalog{
	"nav.contact":        {"it": "Nuovo contatto", "en": "New contact"},
	"contact.title":      {"it": "Registra un contatto", "en": "Record a contact"},
	"contact.intro":      {"it": "Telefonata, fax, visita allo sportello o posta consegnata a mano: cerca il richiedente, scrivi cosa chiede, conferma la gravità.", "en": "Telephone call, fax, visit at the desk or mail handed in: look the requester up, write what they ask, confirm the severity."},
	"contact.keys":       {"it": "Tastiera: Invio sceglie il richiedente evidenziato (frecce per spostarsi); Ctrl+Invio nella descrizione apre il ticket.", "en": "Keyboard: Enter picks the highlighted requester (arrows to move); Ctrl+Enter in the description opens the ticket."},
	"contact.lookup":     {"it": "Richiedente (e-mail, telefono o nome)", "en": "Requester (e-mail, telephone or name)"},
	"contact.lookup_ph":  {"it": "es. mario.rossi@asl.it, 06 1234 5678, Rossi", "en": "e.g. mario.rossi@asl.it, 06 1234 5678, Rossi"},
	"contact.results":    {"it": "Richiedenti trovati", "en": "Requesters found"},
	"contact.none_found": {"it": "Nessun richiedente trovato: compila i dati qui sotto per crearlo.", "en": "No requester found: fill in the details below to create one."},
	"contact.chosen":     {"it": "Richiedente scelto", "en": "Chosen requester"},
	"contact.change":     {"it": "Cambia richiedente", "en": "Change requester"},
	"contact.open_n":     {"it": "%d ticket aperti", "en": "%d open tickets"},
	"contact.new_req":    {"it": "Nuovo richiedente", "en": "New requester"},
	"contact.name":       {"it": "Nome e cognome", "en": "Full name"},
	"contact.email":      {"it": "E-mail (per conferma e link di verifica)", "en": "E-mail (for the confirmation and tracking link)"},
	"contact.phone":      {"it": "Telefono", "en": "Telephone"},
	"contact.lang":       {"it": "Lingua del richiedente", "en": "Requester's language"},
	"contact.channel":    {"it": "Canale", "en": "Channel"},
	"contact.product":    {"it": "Applicazione", "en": "Application"},
	"contact.desc":       {"it": "Descrizione (la prima riga diventa l'oggetto)", "en": "Description (the first line becomes the subject)"},
	"contact.severity":   {"it": "Gravità", "en": "Severity"},
	"contact.suggested":  {"it": "Suggerita dal modello: urgenza %s, impatto %s → %s.", "en": "Suggested by the model: urgency %s, impact %s → %s."},
	"contact.because":    {"it": "Indizi: %s.", "en": "Cues: %s."},
	"contact.waiting":    {"it": "Scrivi la descrizione: la gravità suggerita compare qui.", "en": "Write the description: the suggested severity appears here."},
	"contact.priority":   {"it": "Priorità risultante", "en": "Resulting priority"},
	"contact.submit":     {"it": "Apri il ticket", "en": "Open the ticket"},
	"contact.fix":        {"it": "Il contatto non è stato registrato: correggi i campi segnalati.", "en": "The contact was not recorded: correct the fields marked."},

	"contact.field.required":  {"it": "Campo obbligatorio.", "en": "Required."},
	"contact.field.toolong":   {"it": "Testo troppo lungo.", "en": "Text too long."},
	"contact.field.tooshort":  {"it": "Scrivi almeno qualche parola.", "en": "Write at least a few words."},
	"contact.field.invalid":   {"it": "Valore non valido.", "en": "Invalid value."},
	"contact.field.email":     {"it": "Indirizzo e-mail non valido.", "en": "Invalid e-mail address."},
	"contact.field.phone":     {"it": "Numero di telefono non valido (da 6 a 15 cifre).", "en": "Invalid telephone number (6 to 15 digits)."},
	"contact.field.requester": {"it": "Scegli un richiedente oppure scrivi almeno un'e-mail o un telefono.", "en": "Pick a requester or give at least an e-mail address or a telephone number."},

	"channel.phone":     {"it": "Telefono", "en": "Telephone"},
	"channel.fax":       {"it": "Fax", "en": "Fax"},
	"channel.in_person": {"it": "Di persona", "en": "In person"},
	"channel.mail":      {"it": "Posta inoltrata a mano", "en": "Mail forwarded by hand"},

	"contact.done_title":  {"it": "Ticket aperto", "en": "Ticket opened"},
	"contact.read_back":   {"it": "Leggi il numero al richiedente:", "en": "Read the number back to the requester:"},
	"contact.spoken":      {"it": "A voce: %s", "en": "Spoken: %s"},
	"contact.first_resp":  {"it": "Prima risposta entro", "en": "First response by"},
	"contact.take_charge": {"it": "Presa in carico entro", "en": "Taken in charge by"},
	"contact.for":         {"it": "Richiedente", "en": "Requester"},
	"contact.open_ticket": {"it": "Apri la scheda del ticket", "en": "Open the ticket's page"},
	"contact.another":     {"it": "Registra un altro contatto", "en": "Record another contact"},
	"contact.mail.sent":   {"it": "Conferma con il link di verifica inviata a %s.", "en": "Confirmation with the tracking link sent to %s."},
	"contact.mail.noaddress": {"it": "Nessuna e-mail del richiedente: niente conferma scritta, il numero è il riferimento.",
		"en": "The requester has no e-mail address: no written confirmation, the number is the reference."},
	"contact.mail.nomailer": {"it": "L'invio di e-mail non è configurato: la conferma non è partita.", "en": "E-mail sending is not configured: no confirmation was sent."},
	"contact.mail.failed":   {"it": "La conferma per e-mail non è partita (vedi il registro): comunica il numero a voce.", "en": "The confirmation mail failed (see the log): give the number by voice."},

	"checklist.title":           {"it": "Procedure e checklist", "en": "Procedures and checklists"},
	"checklist.none":            {"it": "Nessuna procedura allegata.", "en": "No procedure attached."},
	"checklist.suggested":       {"it": "Procedure interne suggerite", "en": "Suggested internal procedures"},
	"checklist.steps":           {"it": "passi", "en": "steps"},
	"checklist.attach":          {"it": "Allega", "en": "Attach"},
	"checklist.tick":            {"it": "Segna come fatto", "en": "Mark as done"},
	"checklist.untick":          {"it": "Segna come da fare", "en": "Mark as not done"},
	"checklist.required":        {"it": "(obbligatorio)", "en": "(required)"},
	"checklist.done_by":         {"it": "fatto da %s il %s", "en": "done by %s on %s"},
	"checklist.resolve_title":   {"it": "Risolvi il ticket", "en": "Resolve the ticket"},
	"checklist.resolve_in_conv": {"it": "Questo ticket è seguito in una conversazione: risolvilo da lì, così il richiedente viene avvisato.", "en": "This ticket is worked in a conversation: resolve it there, so the requester is told."},
	"checklist.open_required":   {"it": "Passi obbligatori non ancora fatti: %s.", "en": "Required steps not done yet: %s."},
	"checklist.reason":          {"it": "Perché risolvi senza questi passi (obbligatorio se restano aperti)", "en": "Why you resolve without these steps (required while they are open)"},
	"checklist.reason_conv":     {"it": "Motivo, se restano passi obbligatori della checklist non fatti", "en": "Reason, if required checklist steps are left undone"},
	"checklist.refused_title":   {"it": "Risoluzione rifiutata", "en": "Resolution refused"},
	"checklist.refused": {"it": "Il ticket non è stato risolto: restano passi obbligatori non fatti (%s). Segnali come fatti oppure scrivi il motivo per cui risolvi comunque.",
		"en": "The ticket was not resolved: required steps are not done (%s). Tick them, or write why you resolve anyway."},
	"event.checklist":           {"it": "procedura allegata", "en": "procedure attached"},
	"event.step_done":           {"it": "passo fatto", "en": "step done"},
	"event.step_undone":         {"it": "passo da rifare", "en": "step undone"},
	"event.checklist_overruled": {"it": "risolto con passi obbligatori aperti", "en": "resolved with required steps open"},
	"flash.ticket_resolved":     {"it": "Ticket risolto.", "en": "Ticket resolved."},
	"flash.checklist_attached":  {"it": "Procedura allegata al ticket.", "en": "Procedure attached to the ticket."},
}

func init() {
	for k, v := range deskText {
		if _, dup := Text[k]; dup {
			panic(fmt.Sprintf("console: string %q defined twice", k))
		}
		Text[k] = v
	}
}
