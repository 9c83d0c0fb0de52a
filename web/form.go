package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"helpdesk/bots"
	"helpdesk/internal/db"
	"helpdesk/tickets"
)

// Field limits of the web form, in bytes.
const (
	maxNameBytes        = 120
	maxEmailBytes       = 254
	maxSubjectBytes     = 200
	maxDescriptionBytes = 8000
	minDescriptionRunes = 10
	maxFilenameBytes    = 200
)

// honeypotField is a field people never see (hidden by CSS and from
// assistive technology): software that fills every field fills it.
const honeypotField = "website"

// requestForm is a web form submission, decoded and checked.
type requestForm struct {
	Name, Email, Subject, Description, Category string
	Honeypot                                    bool
	Attachment                                  *formFile
}

// formFile is an attached file read into memory (under the size limit).
type formFile struct {
	Filename    string
	ContentType string
	Data        []byte
}

// fieldErrors maps a field name to the key of its problem.
type fieldErrors map[string]string

// errFormTooLarge is a request bigger than the server accepts.
var errFormTooLarge = errors.New("form too large")

// decodeRequestForm reads a submission (multipart or urlencoded), with the
// attachment capped at maxFile bytes. Field problems come back as keys of
// the catalogue; an unreadable request is an error.
func decodeRequestForm(r *http.Request, categories []string, maxFile int64) (requestForm, fieldErrors, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) || errors.Is(err, multipart.ErrMessageTooLarge) {
			return requestForm{}, nil, errFormTooLarge
		}
		return requestForm{}, nil, fmt.Errorf("%w: %v", errBadRequest, err)
	}
	f, errs := validateRequest(r.PostForm, categories)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
		if fhs := r.MultipartForm.File["attachment"]; len(fhs) > 0 && fhs[0].Filename != "" {
			fh := fhs[0]
			switch {
			case fh.Size > maxFile:
				errs["attachment"] = "field.filetoobig"
			case fh.Size == 0:
				errs["attachment"] = "field.fileempty"
			default:
				file, err := fh.Open()
				if err != nil {
					return requestForm{}, nil, err
				}
				data, err := io.ReadAll(io.LimitReader(file, maxFile+1))
				file.Close()
				if err != nil {
					return requestForm{}, nil, err
				}
				if int64(len(data)) > maxFile {
					errs["attachment"] = "field.filetoobig"
					break
				}
				f.Attachment = &formFile{Filename: cleanFilename(fh.Filename), ContentType: http.DetectContentType(data), Data: data}
			}
		}
	}
	return f, errs, nil
}

// validateRequest checks the text fields of a submission.
func validateRequest(v url.Values, categories []string) (requestForm, fieldErrors) {
	f := requestForm{
		Name: strings.TrimSpace(v.Get("name")), Email: strings.TrimSpace(v.Get("email")),
		Subject: strings.TrimSpace(v.Get("subject")), Description: strings.TrimSpace(v.Get("description")),
		Category: strings.TrimSpace(v.Get("category")), Honeypot: v.Get(honeypotField) != "",
	}
	errs := fieldErrors{}
	text := func(field, val string, maxBytes int) {
		switch {
		case val == "":
			errs[field] = "field.required"
		case len(val) > maxBytes:
			errs[field] = "field.toolong"
		case !utf8.ValidString(val) || strings.ContainsFunc(val, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }):
			errs[field] = "field.invalid"
		}
	}
	text("name", f.Name, maxNameBytes)
	if strings.ContainsAny(f.Name, "\r\n") {
		errs["name"] = "field.invalid"
	}
	text("subject", f.Subject, maxSubjectBytes)
	if strings.ContainsAny(f.Subject, "\r\n") {
		errs["subject"] = "field.invalid"
	}
	text("description", f.Description, maxDescriptionBytes)
	if _, bad := errs["description"]; !bad && utf8.RuneCountInString(f.Description) < minDescriptionRunes {
		errs["description"] = "field.tooshort"
	}
	if f.Email == "" {
		errs["email"] = "field.required"
	} else if a, err := mail.ParseAddress(f.Email); err != nil || a.Name != "" || len(f.Email) > maxEmailBytes ||
		a.Address != f.Email || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@')+1:], ".") {
		errs["email"] = "field.email"
	}
	if f.Category != "" && !slices.Contains(categories, f.Category) {
		errs["category"] = "field.invalid"
	}
	return f, errs
}

// cleanFilename keeps the base name of an upload, without control or
// path characters, at most maxFilenameBytes long.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, name)
	for len(name) > maxFilenameBytes {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" || name == "." || name == ".." {
		name = "attachment"
	}
	return name
}

type formData struct {
	Form       requestForm
	Errors     fieldErrors
	Categories []string
	MaxFileMB  string
	Files      bool
}

// categories are the help centre's categories in lang, offered in the form.
func (p *publicSite) categories(r *http.Request, lang string) []string {
	es, err := p.published(r, lang)
	if err != nil {
		p.log.Warn("form categories", "err", err)
		return nil
	}
	var out []string
	for _, c := range categoriesOf(es) {
		out = append(out, c.Name)
	}
	return out
}

func (p *publicSite) maxFile() int64 { return p.opt.MaxAttachmentBytes }

func (p *publicSite) formView(w http.ResponseWriter, r *http.Request) (*publicView, *formData) {
	v := p.view(w, r, "form.title", nil)
	d := &formData{Categories: p.categories(r, v.Lang), Errors: fieldErrors{}, Files: p.opt.AttachmentDir != "",
		MaxFileMB: fmt.Sprintf("%.1f", float64(p.maxFile())/(1<<20))}
	v.Data = d
	return v, d
}

func (p *publicSite) formPage(w http.ResponseWriter, r *http.Request) {
	v, d := p.formView(w, r)
	d.Form.Category = r.URL.Query().Get("category")
	p.render(w, http.StatusOK, "form", v)
}

// formSubmit opens a ticket from the web form and mails the requester the
// number and the tracking link, then shows the tracking page.
func (p *publicSite) formSubmit(w http.ResponseWriter, r *http.Request) {
	v, d := p.formView(w, r)
	f, errs, err := decodeRequestForm(r, d.Categories, p.maxFile())
	switch {
	case errors.Is(err, errFormTooLarge):
		d.Errors["attachment"] = "field.filetoobig"
		v.Error = v.T("form.fix")
		p.render(w, http.StatusRequestEntityTooLarge, "form", v)
		return
	case err != nil:
		p.fail(w, r, err)
		return
	}
	if f.Attachment != nil && p.opt.AttachmentDir == "" {
		errs["attachment"] = "field.nofiles"
	}
	d.Form, d.Errors = f, errs
	d.Form.Attachment = nil
	if f.Honeypot {
		// Answer as if accepted, so the robot learns nothing; open nothing.
		p.log.Info("web form honeypot filled", "addr", p.clientKey(r))
		v.Notice, v.Data = v.T("form.received"), nil
		p.render(w, http.StatusOK, "form_done", v)
		return
	}
	if len(errs) > 0 {
		v.Error = v.T("form.fix")
		p.render(w, http.StatusUnprocessableEntity, "form", v)
		return
	}
	if err := p.limiter.allow(r.Context(), rateLimit{"form-addr", p.clientKey(r), p.opt.FormsPerAddress, hour},
		rateLimit{"form-email", strings.ToLower(f.Email), p.opt.FormsPerEmail, hour}); err != nil {
		if !errors.Is(err, errTooMany) {
			p.fail(w, r, err)
			return
		}
		w.Header().Set("Retry-After", "3600")
		v.Error = v.T("form.toomany")
		p.render(w, http.StatusTooManyRequests, "form", v)
		return
	}
	var att *bots.MailAttachment
	if f.Attachment != nil {
		a, err := p.storeAttachment(f.Attachment)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		att = &a
	}
	opened, err := p.openFromForm(r.Context(), f, att, v.Lang)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	path := TrackingPath(opened.ticket.Number, opened.token)
	if err := p.sendConfirmation(r.Context(), f, opened, v.Lang); err != nil {
		p.log.Error("web form confirmation mail", "ticket", opened.ticket.Number, "err", err)
		path += "&flash=created-nomail"
	} else {
		path += "&flash=created"
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// storeAttachment writes the file by content hash (the e-mail adapter's
// layout: "ab/abcdef…"), so both channels share one folder.
func (p *publicSite) storeAttachment(f *formFile) (bots.MailAttachment, error) {
	sum := sha256.Sum256(f.Data)
	h := hex.EncodeToString(sum[:])
	key := h[:2] + "/" + h
	meta := bots.MailAttachment{Filename: f.Filename, ContentType: f.ContentType, Size: int64(len(f.Data)), SHA256: h, StorageKey: key}
	final := filepath.Join(p.opt.AttachmentDir, filepath.FromSlash(key))
	if st, err := os.Stat(final); err == nil && st.Size() == int64(len(f.Data)) {
		return meta, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return meta, fmt.Errorf("attachment folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(final), ".part-*")
	if err != nil {
		return meta, fmt.Errorf("store attachment: %w", err)
	}
	_, werr := tmp.Write(f.Data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return meta, fmt.Errorf("store attachment: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		os.Remove(tmp.Name())
		return meta, fmt.Errorf("store attachment: %w", err)
	}
	return meta, nil
}

// openedTicket is what the web form created.
type openedTicket struct {
	ticket *tickets.Ticket
	token  string
	key    string // the e-mail conversation's key
}

// openFromForm opens the ticket in one transaction: the requester (known
// by e-mail address, so their replies by mail find the ticket), an e-mail
// conversation queued for the agents (so agents answer by mail from the
// console), the classified ticket, the attachment and a tracking token.
func (p *publicSite) openFromForm(ctx context.Context, f requestForm, att *bots.MailAttachment, lang string) (*openedTicket, error) {
	out := &openedTicket{}
	email := strings.ToLower(f.Email)
	err := db.Tx(ctx, p.db, func(tx *sqlx.Tx) error {
		now := p.now()
		rid, err := p.tickets.EnsureRequester(ctx, tx, tickets.Identity{Channel: bots.ChannelEmail, ExternalID: email, Name: f.Name, Email: f.Email, Lang: lang})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, p.q.LinkIdentity, chatChannel, email, rid); err != nil {
			return fmt.Errorf("web identity: %w", err)
		}
		// The thread's root is a Message-ID of our own making, unique per
		// request, so that two requests of one person stay two threads.
		out.key = bots.MailKey(email, "webform."+hex.EncodeToString(randomBytes(12))+"@"+p.mailDomain())
		conv, _, err := p.convs.LockOpen(ctx, tx, bots.ChannelEmail, out.key, &rid, lang, now)
		if err != nil {
			return err
		}
		text := f.Subject + "\n\n" + f.Description
		sev := p.severity.Assess(text, lang)
		typ := tickets.Type(sev.Type.Level)
		if !typ.Valid() {
			typ = tickets.TypeIncident
		}
		urgency, impact := tickets.Level(sev.Urgency.Level), tickets.Level(sev.Impact.Level)
		if !urgency.Valid() {
			urgency = tickets.Medium
		}
		if !impact.Valid() {
			impact = tickets.Low
		}
		convID := conv.ID
		tk, err := p.tickets.Create(ctx, tx, "web", tickets.NewTicket{RequesterID: &rid, ConversationID: &convID,
			OriginChannel: chatChannel, Subject: f.Subject, Description: f.Description, Type: typ, Category: f.Category,
			Urgency: urgency, Impact: impact, Level: 1})
		if err != nil {
			return err
		}
		out.ticket = tk
		conv.TicketID = &tk.ID
		if err := p.convs.SetState(ctx, tx, conv, "web", bots.StateQueued, now); err != nil {
			return err
		}
		actor := fmt.Sprintf("requester:%d", rid)
		in := &bots.Message{ConversationID: conv.ID, Channel: bots.ChannelEmail, ExternalID: "webform:" + tk.Number, Direction: "in",
			Author: email, Body: text, Payload: []byte(`{"via":"web form"}`), CreatedAt: now}
		if _, err := p.convs.RecordMessage(ctx, tx, in); err != nil {
			return err
		}
		if att != nil {
			a := &tickets.Attachment{TicketID: tk.ID, Filename: att.Filename, ContentType: att.ContentType, SizeBytes: att.Size, SHA256: att.SHA256, StorageKey: att.StorageKey}
			if err := p.tickets.AddAttachment(ctx, tx, actor, a); err != nil {
				return err
			}
		}
		if out.token, err = p.tracker.Issue(ctx, tx, tk.ID); err != nil {
			return err
		}
		return p.notifyConsoles(ctx, tx, conv.ID)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mailDomain is the host of the base URL, for Message-IDs of our own.
func (p *publicSite) mailDomain() string {
	if u, err := url.Parse(p.baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "helpdesk.invalid"
}

// sendConfirmation mails the number and the tracking link, threaded as the
// e-mail conversation's root so that replies come back to the ticket.
// The link's token is never stored in clear, so the mail is not kept as a
// conversation message (a retry would need the token).
func (p *publicSite) sendConfirmation(ctx context.Context, f requestForm, o *openedTicket, lang string) error {
	if p.opt.Mailer == nil {
		return errNoMailer
	}
	tk := o.ticket
	out := bots.Outbound{ExternalID: "webform-ack:" + tk.Number, Channel: bots.ChannelEmail, ConversationKey: o.key,
		Reply: bots.Reply{Text: helpText.T(lang, "mail.confirm", tk.Subject, tk.Number, tk.Priority),
			Links: []bots.Link{{Label: tk.Number, URL: p.absURL(TrackingPath(tk.Number, o.token))}}}}
	return p.opt.Mailer.Send(ctx, out)
}
