// SPDX-License-Identifier: EUPL-1.2

package portal

import (
	"bytes"
	"helpdesk/web/intake"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestValidateRequest(t *testing.T) {
	t.Parallel()
	cats := []string{"Stampa", "Rete"}
	tests := []struct {
		name string
		form url.Values
		want intake.FieldErrors
	}{
		{"valid", validForm("a.b@example.org"), intake.FieldErrors{}},
		{"empty", url.Values{}, intake.FieldErrors{"name": "field.required", "email": "field.required", "subject": "field.required", "description": "field.required"}},
		{"no dot in domain", func() url.Values { f := validForm("a@localhost"); return f }(), intake.FieldErrors{"email": "field.email"}},
		{"control character", func() url.Values { f := validForm("a@example.org"); f.Set("name", "a\x00b"); return f }(), intake.FieldErrors{"name": "field.invalid"}},
		{"long subject", func() url.Values {
			f := validForm("a@example.org")
			f.Set("subject", strings.Repeat("a", 201))
			return f
		}(), intake.FieldErrors{"subject": "field.toolong"}},
		{"bad utf-8", func() url.Values {
			f := validForm("a@example.org")
			f.Set("description", "ciao \xff mondo, non va")
			return f
		}(), intake.FieldErrors{"description": "field.invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := validateRequest(tt.form, cats)
			if len(got) != len(tt.want) {
				t.Fatalf("errors %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s: %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestCleanFilename(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"report.pdf":             "report.pdf",
		`C:\Users\me\shot.png`:   "shot.png",
		"../../etc/passwd":       "passwd",
		"a\x00b<c>.txt":          "a_b_c_.txt",
		"..":                     "attachment",
		strings.Repeat("à", 150): strings.Repeat("à", 100),
	}
	for in, want := range tests {
		if got := cleanFilename(in); got != want {
			t.Errorf("cleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzDecodeRequestForm feeds arbitrary bodies to the form decoder: it
// must not panic, and whatever it accepts must respect the limits.
func FuzzDecodeRequestForm(f *testing.F) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.SetBoundary("XXBOUNDARYXX")
	for k, v := range validForm("a@example.org") {
		mw.WriteField(k, v[0])
	}
	fw, _ := mw.CreateFormFile("attachment", "../x.png")
	fw.Write([]byte("\x89PNG data"))
	mw.Close()
	f.Add(buf.Bytes(), true)
	f.Add([]byte(validForm("a@example.org").Encode()), false)
	f.Add([]byte("name=%ff&email=a@b.c&description="+strings.Repeat("x", 20)), false)
	f.Add([]byte("--XXBOUNDARYXX\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"\x00\"\r\n\r\n\r\n--XXBOUNDARYXX--"), true)
	f.Fuzz(func(t *testing.T, body []byte, multi bool) {
		req := httptest.NewRequest(http.MethodPost, "/help/request", bytes.NewReader(body))
		if multi {
			req.Header.Set("Content-Type", "multipart/form-data; boundary=XXBOUNDARYXX")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Body = http.MaxBytesReader(httptest.NewRecorder(), req.Body, 1<<16)
		form, errs, err := decodeRequestForm(req, []string{"Stampa"}, 1024)
		if err != nil || len(errs) > 0 {
			return
		}
		if form.Email == "" || len(form.Name) > intake.MaxNameBytes || len(form.Subject) > intake.MaxSubjectBytes || len(form.Description) > intake.MaxDescriptionBytes ||
			strings.ContainsAny(form.Subject+form.Name, "\r\n") {
			t.Fatalf("accepted %+v", form)
		}
		if a := form.Attachment; a != nil && (len(a.Data) > 1024 || strings.ContainsAny(a.Filename, `/\`) || a.Filename == "") {
			t.Fatalf("accepted attachment %q (%d bytes)", a.Filename, len(a.Data))
		}
	})
}

// validForm is a request that passes every check (web's end-to-end
// tests post the same).
func validForm(email string) url.Values {
	return url.Values{"name": {"Giulia Bianchi"}, "email": {email}, "subject": {"La stampante del reparto non stampa"},
		"description": {"Da stamattina la stampante di rete del secondo piano non stampa e i documenti restano in coda."},
		"category":    {"Stampa"}}
}
