// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"helpdesk/web/clean"
	"helpdesk/web/intake"
	"helpdesk/web/problem"
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

	"helpdesk/bots"
	"helpdesk/tickets"
)

// Field limits of the web form, in bytes: those it shares with the
// console's contacts are intake's.
const maxFilenameBytes = 200

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

// errFormTooLarge is a request bigger than the server accepts.
var errFormTooLarge = errors.New("form too large")

// decodeRequestForm reads a submission (multipart or urlencoded), with the
// attachment capped at maxFile bytes. Field problems come back as keys of
// the catalogue; an unreadable request is an error.
func decodeRequestForm(r *http.Request, categories []string, maxFile int64) (requestForm, intake.FieldErrors, error) {
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
		return requestForm{}, nil, fmt.Errorf("%w: %v", problem.ErrBadRequest, err)
	}
	clean.Values(r.PostForm)
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
func validateRequest(v url.Values, categories []string) (requestForm, intake.FieldErrors) {
	f := requestForm{
		Name: strings.TrimSpace(v.Get("name")), Email: strings.TrimSpace(v.Get("email")),
		Subject: strings.TrimSpace(v.Get("subject")), Description: strings.TrimSpace(v.Get("description")),
		Category: strings.TrimSpace(v.Get("category")), Honeypot: v.Get(honeypotField) != "",
	}
	errs := intake.FieldErrors{}
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
	text("name", f.Name, intake.MaxNameBytes)
	if strings.ContainsAny(f.Name, "\r\n") {
		errs["name"] = "field.invalid"
	}
	text("subject", f.Subject, intake.MaxSubjectBytes)
	if strings.ContainsAny(f.Subject, "\r\n") {
		errs["subject"] = "field.invalid"
	}
	text("description", f.Description, intake.MaxDescriptionBytes)
	if _, bad := errs["description"]; !bad && utf8.RuneCountInString(f.Description) < intake.MinDescriptionRunes {
		errs["description"] = "field.tooshort"
	}
	if f.Email == "" {
		errs["email"] = "field.required"
	} else if a, err := mail.ParseAddress(f.Email); err != nil || a.Name != "" || len(f.Email) > intake.MaxEmailBytes ||
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
	Errors     intake.FieldErrors
	Categories []string
	MaxFileMB  string
	Files      bool
}

// categories are the help centre's categories in lang, offered in the form.
func (p *Site) categories(r *http.Request, lang string) []string {
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

func (p *Site) maxFile() int64 { return p.opt.MaxAttachmentBytes }

func (p *Site) formView(w http.ResponseWriter, r *http.Request) (*publicView, *formData) {
	v := p.view(w, r, "form.title", nil)
	d := &formData{Categories: p.categories(r, v.Lang), Errors: intake.FieldErrors{}, Files: p.opt.AttachmentDir != "",
		MaxFileMB: fmt.Sprintf("%.1f", float64(p.maxFile())/(1<<20))}
	v.Data = d
	return v, d
}

func (p *Site) FormPage(w http.ResponseWriter, r *http.Request) {
	v, d := p.formView(w, r)
	d.Form.Category = r.URL.Query().Get("category")
	p.render(w, http.StatusOK, "form", v)
}

// FormSubmit opens a ticket from the web form and mails the requester the
// number and the tracking link, then shows the tracking page.
func (p *Site) FormSubmit(w http.ResponseWriter, r *http.Request) {
	v, d := p.formView(w, r)
	f, errs, err := decodeRequestForm(r, d.Categories, p.maxFile())
	switch {
	case errors.Is(err, errFormTooLarge):
		d.Errors["attachment"] = "field.filetoobig"
		v.Error = v.T("form.fix")
		p.render(w, http.StatusRequestEntityTooLarge, "form", v)
		return
	case err != nil:
		p.Fail(w, r, err)
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
		if !errors.Is(err, problem.ErrTooMany) {
			p.Fail(w, r, err)
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
			p.Fail(w, r, err)
			return
		}
		att = &a
	}
	opened, err := p.openFromForm(r.Context(), f, att, v.Lang)
	if err != nil {
		p.Fail(w, r, err)
		return
	}
	path := tickets.TrackingPath(opened.Ticket.Number, opened.Token)
	if err := p.sendConfirmation(r.Context(), opened, v.Lang); err != nil {
		p.log.Error("web form confirmation mail", "ticket", opened.Ticket.Number, "err", err)
		path += "&flash=created-nomail"
	} else {
		path += "&flash=created"
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// storeAttachment writes the file by content hash (the e-mail adapter's
// layout: "ab/abcdef…"), so both channels share one folder.
func (p *Site) storeAttachment(f *formFile) (bots.MailAttachment, error) {
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

// openFromForm classifies the request with the severity model, as the
// bot does, and opens it through the intake shared with the console's
// recorded contacts.
func (p *Site) openFromForm(ctx context.Context, f requestForm, att *bots.MailAttachment, lang string) (*intake.Opened, error) {
	sev := p.severity.Assess(ctx, f.Subject+"\n\n"+f.Description, lang)
	typ, urgency, impact := intake.SeverityLevels(sev)
	return p.intake.Open(ctx, intake.Request{Name: f.Name, Email: f.Email, Lang: lang, WebIdentity: true,
		OriginChannel: ChatChannel, Actor: "web", Via: "webform", Subject: f.Subject, Description: f.Description,
		Category: f.Category, Type: typ, Urgency: urgency, Impact: impact, Attachment: att})
}

// sendConfirmation mails the number and the tracking link (intake.confirm).
func (p *Site) sendConfirmation(ctx context.Context, o *intake.Opened, lang string) error {
	return p.intake.Confirm(ctx, o, lang)
}
