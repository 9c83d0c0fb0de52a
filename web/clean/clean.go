// SPDX-License-Identifier: EUPL-1.2

// Package clean takes out of what a client sends the characters the
// database refuses (a NUL, bytes that are not UTF-8) before any handler
// reads it, with bots.CleanText: the server's middleware cleans queries and
// urlencoded forms, the web form its multipart fields, the API and the web
// chat their JSON bodies. A request with such a byte is recorded cleaned,
// never answered with a 500.
package clean

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"

	"helpdesk/bots"
)

// Request passes the request's query and urlencoded form through
// bots.CleanText before any handler reads them: a NUL or a byte that is
// not UTF-8 in a filter or a form field would otherwise reach PostgreSQL,
// which refuses it, and turn a user's submission into a 500. Multipart
// forms are cleaned where they are parsed (Values in form.go) and JSON
// bodies where they are decoded (Strings).
//
// The error is a body over the server's limit (*http.MaxBytesError), which
// the middleware answers with 413.
func Request(r *http.Request) error {
	if q, ok := cleanedQuery(r.URL.RawQuery); ok {
		r.URL.RawQuery = q
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return nil
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		// Any other read error the handler meets where it reads the form.
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errorReader{err}))
		return nil
	}
	if q, ok := cleanedQuery(string(data)); ok {
		data = []byte(q)
		r.ContentLength = int64(len(data))
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	return nil
}

type errorReader struct{ err error }

func (e errorReader) Read([]byte) (int, error) { return 0, e.err }

// cleanedQuery re-encodes an urlencoded string whose keys or values carry
// what CleanText removes; ok is false when nothing needed cleaning (or it
// does not parse: the handler reports that).
func cleanedQuery(raw string) (string, bool) {
	if raw == "" {
		return "", false
	}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return "", false
	}
	if !Values(vals) {
		return "", false
	}
	return vals.Encode(), true
}

// Values cleans every key and value in place and says whether any
// changed.
func Values(vals url.Values) bool {
	changed := false
	for k, vs := range vals {
		for i, v := range vs {
			if c := bots.CleanText(v); c != v {
				vs[i], changed = c, true
			}
		}
		if c := bots.CleanText(k); c != k {
			delete(vals, k)
			vals[c] = append(vals[c], vs...)
			changed = true
		}
	}
	return changed
}

// Strings applies bots.CleanText to every string reachable from v (a
// pointer to what a JSON body was decoded into): JSON's "\u0000" decodes
// to a NUL that the database refuses.
func Strings(v any) {
	cleanValue(reflect.ValueOf(v))
}

func cleanValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			e := v.Elem()
			if v.Kind() == reflect.Interface && e.Kind() == reflect.String {
				if v.CanSet() {
					v.Set(reflect.ValueOf(bots.CleanText(e.String())))
				}
				return
			}
			cleanValue(e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				cleanValue(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			cleanValue(v.Index(i))
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return
		}
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			cleanValue(e)
			ck := bots.CleanText(k.String())
			if ck != k.String() {
				v.SetMapIndex(k, reflect.Value{})
			}
			v.SetMapIndex(reflect.ValueOf(ck).Convert(v.Type().Key()), e)
		}
	case reflect.String:
		if v.CanSet() {
			if s := v.String(); s != bots.CleanText(s) {
				v.SetString(bots.CleanText(s))
			}
		}
	}
}

// rawQueryKey holds, in a request's context, its query as sent when the
// middleware had to clean it.
type rawQueryKey struct{}

// KeepRaw returns r carrying raw, its query as the client sent it, for
// RawQuery; the middleware calls it when Request changed the query.
func KeepRaw(r *http.Request, raw string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), rawQueryKey{}, raw))
}

// RawQuery is the query as sent, when cleaning changed it: the console's
// filters refuse a NUL byte or invalid UTF-8 with 400 rather than quietly
// search for what cleaning left.
func RawQuery(r *http.Request) (string, bool) {
	raw, ok := r.Context().Value(rawQueryKey{}).(string)
	return raw, ok
}
