package web

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"

	"helpdesk/bots"
)

// cleanRequest passes the request's query and urlencoded form through
// bots.CleanText before any handler reads them: a NUL or a byte that is
// not UTF-8 in a filter or a form field would otherwise reach PostgreSQL,
// which refuses it, and turn a user's submission into a 500. Multipart
// forms are cleaned where they are parsed (cleanValues in form.go) and JSON
// bodies where they are decoded (cleanStrings).
func cleanRequest(r *http.Request) {
	if q, ok := cleanedQuery(r.URL.RawQuery); ok {
		r.URL.RawQuery = q
	}
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		// The handler meets the same error (a body over the limit) where
		// it reads the form, and answers it as it always has.
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), errorReader{err}))
		return
	}
	if q, ok := cleanedQuery(string(data)); ok {
		data = []byte(q)
		r.ContentLength = int64(len(data))
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
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
	if !cleanValues(vals) {
		return "", false
	}
	return vals.Encode(), true
}

// cleanValues cleans every key and value in place and says whether any
// changed.
func cleanValues(vals url.Values) bool {
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

// cleanStrings applies bots.CleanText to every string reachable from v (a
// pointer to what a JSON body was decoded into): JSON's "\u0000" decodes
// to a NUL that the database refuses.
func cleanStrings(v any) {
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
