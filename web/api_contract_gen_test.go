// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"encoding/json"
	"fmt"
	"helpdesk/web/api"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The contract test's request generator: every request it builds comes
// from the OpenAPI document (web/openapi.json), never from a list kept in
// the test, so a rule added to the document is exercised at once.

// expect is what the server must answer a generated request.
type expect int

const (
	expectAccepted    expect = iota // valid for the document: anything documented but 400/413/415
	expectInvalid                   // off the document: 400 invalid
	expectNotFound                  // a path naming no such object (malformed ids included): 404
	expectTooLarge                  // a body over 256 KiB: 413
	expectUnsupported               // a body not sent as application/json: 415
)

// contractCase is one generated request.
type contractCase struct {
	name        string
	path        map[string]string // path parameters
	query       [][2]string       // in order; an empty value is sent as name=
	body        []byte            // nil: no body
	contentType string
	want        expect
}

// example gives the document's example of a schema, or a value built from
// its constraints; a pattern without an example is the document's fault.
func example(s *openapi3.Schema) (any, error) {
	if s.Example != nil {
		return s.Example, nil
	}
	for _, v := range s.Enum {
		if v != "" {
			return v, nil
		}
	}
	switch {
	case s.Type.Is("string"):
		if s.Pattern != "" || s.Format != "" || len(s.AllOf) > 0 {
			return nil, fmt.Errorf("a string with a pattern or format needs an example")
		}
		return strings.Repeat("x", max(1, int(s.MinLength))), nil
	case s.Type.Is("integer"):
		if s.Min != nil {
			return int(*s.Min), nil
		}
		return 1, nil
	case s.Type.Is("boolean"):
		return true, nil
	case s.Type.Is("array"):
		item, err := example(s.Items.Value)
		if err != nil {
			return nil, err
		}
		return []any{item}, nil
	case s.Type.Is("object"):
		out := map[string]any{}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			v, err := example(s.Properties[name].Value)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out[name] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("no example for type %v", s.Type)
}

// offPattern returns a string that the pattern (and every allOf pattern)
// of s refuses, from a few candidates that break the usual rules.
func offPattern(s *openapi3.Schema) (string, bool) {
	var res []*regexp.Regexp
	if s.Pattern != "" {
		res = append(res, regexp.MustCompile(s.Pattern))
	}
	for _, a := range s.AllOf {
		if a.Value.Pattern != "" {
			res = append(res, regexp.MustCompile(a.Value.Pattern))
		}
	}
	for _, c := range []string{"", "  ", "Not An Id!", "javascript:alert(1)", "ftp://example.org/x", "not-an-address", "0", "-1"} {
		for _, re := range res {
			if !re.MatchString(c) {
				return c, true
			}
		}
	}
	return "", false
}

// wrongValues returns values each of which s refuses, with a name each.
func wrongValues(s *openapi3.Schema) map[string]any {
	out := map[string]any{}
	switch {
	case s.Type.Is("string"):
		out["a number"] = 12
		if len(s.Enum) > 0 {
			out["off the enum"] = "zz-off-the-enum"
		}
		if v, ok := offPattern(s); ok {
			out[fmt.Sprintf("off the pattern (%q)", v)] = v
		}
		if s.MinLength > 1 {
			out["too short"] = strings.Repeat("x", int(s.MinLength)-1)
		}
		if s.MaxLength != nil {
			out["too long"] = strings.Repeat("a", int(*s.MaxLength)+1)
		}
	case s.Type.Is("integer"):
		out["a string"] = "1"
		out["a fraction"] = 1.5
		if len(s.Enum) > 0 {
			out["off the enum"] = 99
		}
	case s.Type.Is("boolean"):
		out["a string"] = "true"
	case s.Type.Is("array"):
		out["a string"] = "x"
		if s.MinItems > 0 {
			out["too few items"] = []any{}
		}
		for name, v := range wrongValues(s.Items.Value) {
			out["an item "+name] = []any{v}
		}
	case s.Type.Is("object"):
		out["a string"] = "x"
		base, err := example(s)
		if err != nil {
			break
		}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			for what, v := range wrongValues(s.Properties[name].Value) {
				m := maps.Clone(base.(map[string]any))
				m[name] = v
				out[name+" "+what] = m
			}
		}
	}
	return out
}

// queryValues returns the valid values of a query parameter (each enum
// value, the bounds) and its invalid ones (an empty value among them,
// since an empty value is checked as given).
func queryValues(s *openapi3.Schema) (valid, invalid []string) {
	switch {
	case len(s.Enum) > 0:
		for _, v := range s.Enum {
			valid = append(valid, fmt.Sprint(v))
		}
		invalid = append(invalid, "", "zz-off-the-enum")
		if s.Type.Is("integer") {
			invalid = append(invalid, "99", "x")
		}
	case s.Type.Is("integer"):
		invalid = append(invalid, "", "x", "1.5")
		if s.Min != nil {
			valid = append(valid, strconv.Itoa(int(*s.Min)))
			invalid = append(invalid, strconv.Itoa(int(*s.Min)-1))
		}
		if s.Max != nil {
			valid = append(valid, strconv.Itoa(int(*s.Max)))
			invalid = append(invalid, strconv.Itoa(int(*s.Max)+1))
		}
	case s.Type.Is("boolean"):
		valid = append(valid, "true", "false", "1", "0")
		invalid = append(invalid, "", "yes")
	case s.Pattern != "":
		valid = append(valid, "1")
		if v, ok := offPattern(s); ok {
			invalid = append(invalid, v)
		}
		invalid = append(invalid, "x")
	default:
		valid = append(valid, "", "x")
	}
	return valid, invalid
}

// generate builds the valid and invalid requests of one operation; path
// gives each path parameter the fixture that exists.
func generate(op *openapi3.Operation, path map[string]string) ([]contractCase, error) {
	var out []contractCase
	add := func(c contractCase) {
		if c.path == nil {
			c.path = path
		}
		out = append(out, c)
	}
	var body *openapi3.Schema
	var sample map[string]any
	if op.RequestBody != nil {
		body = op.RequestBody.Value.Content.Get("application/json").Schema.Value
		v, err := example(body)
		if err != nil {
			return nil, err
		}
		sample = v.(map[string]any)
	}
	withBody := func(c contractCase, v any) contractCase {
		if body != nil {
			b, _ := json.Marshal(v)
			c.body, c.contentType = b, "application/json"
		}
		return c
	}
	add(withBody(contractCase{name: "example"}, sample))
	for _, p := range op.Parameters {
		p := p.Value
		switch p.In {
		case "query":
			valid, invalid := queryValues(p.Schema.Value)
			for _, v := range valid {
				add(withBody(contractCase{name: fmt.Sprintf("%s=%s", p.Name, v), query: [][2]string{{p.Name, v}}}, sample))
			}
			for _, v := range invalid {
				add(withBody(contractCase{name: fmt.Sprintf("%s=%s", p.Name, v), query: [][2]string{{p.Name, v}}, want: expectInvalid}, sample))
			}
		case "path":
			for _, v := range []string{"0", "999999999", "HD-1999-999999", "Not_An_Id", "x"} {
				pp := maps.Clone(path)
				pp[p.Name] = v
				add(withBody(contractCase{name: fmt.Sprintf("{%s}=%s", p.Name, v), path: pp, want: expectNotFound}, sample))
			}
		}
	}
	if body == nil {
		return out, nil
	}
	// Each enum value of a property is accepted; only the required
	// properties are enough.
	for _, name := range slices.Sorted(maps.Keys(body.Properties)) {
		for _, v := range body.Properties[name].Value.Enum {
			m := maps.Clone(sample)
			m[name] = v
			add(withBody(contractCase{name: fmt.Sprintf("%s=%v", name, v)}, m))
		}
	}
	req := map[string]any{}
	for _, name := range body.Required {
		req[name] = sample[name]
	}
	add(withBody(contractCase{name: "only the required properties"}, req))
	// Off the document: each required property missing, each property
	// wrong in each way the schema forbids, an unknown property.
	for _, name := range body.Required {
		m := maps.Clone(sample)
		delete(m, name)
		add(withBody(contractCase{name: "without " + name, want: expectInvalid}, m))
	}
	for _, name := range slices.Sorted(maps.Keys(body.Properties)) {
		wrong := wrongValues(body.Properties[name].Value)
		for _, what := range slices.Sorted(maps.Keys(wrong)) {
			m := maps.Clone(sample)
			m[name] = wrong[what]
			add(withBody(contractCase{name: name + " " + what, want: expectInvalid}, m))
		}
	}
	if body.AdditionalProperties.Has != nil && !*body.AdditionalProperties.Has {
		m := maps.Clone(sample)
		m["zz_unknown"] = 1
		add(withBody(contractCase{name: "an unknown property", want: expectInvalid}, m))
	}
	for name, raw := range map[string]string{"not JSON": `{"`, "an array": `[]`, "two objects": `{} {}`, "null": `null`} {
		add(contractCase{name: name, body: []byte(raw), contentType: "application/json", want: expectInvalid})
	}
	ok := withBody(contractCase{}, sample)
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded"} {
		add(contractCase{name: "Content-Type " + ct, body: ok.body, contentType: ct, want: expectUnsupported})
	}
	big := maps.Clone(sample)
	big["zz_padding"] = strings.Repeat("a", api.MaxBody)
	add(withBody(contractCase{name: "a body over 256 KiB", want: expectTooLarge}, big))
	return out, nil
}
