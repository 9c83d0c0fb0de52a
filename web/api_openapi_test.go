// SPDX-License-Identifier: EUPL-1.2

package web

import (
	"encoding/json"
	"helpdesk/web/api"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"helpdesk/internal/webhooks"
	"helpdesk/kb"
	"helpdesk/tickets"
)

type openAPISchema struct {
	Ref        string                    `json:"$ref"`
	Type       string                    `json:"type"`
	Properties map[string]*openAPISchema `json:"properties"`
	Items      *openAPISchema            `json:"items"`
}

type openAPIOp struct {
	Scope       string `json:"x-scope"`
	RequestBody *struct {
		Content map[string]struct {
			Schema openAPISchema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Ref     string `json:"$ref"`
		Content map[string]struct {
			Schema openAPISchema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type openAPIDocument struct {
	OpenAPI    string                          `json:"openapi"`
	Servers    []struct{ URL string }          `json:"servers"`
	Paths      map[string]map[string]openAPIOp `json:"paths"`
	Components struct {
		Schemas map[string]*openAPISchema `json:"schemas"`
	} `json:"components"`
}

// schemaTypes ties each schema of the document to the Go type the
// handlers decode or encode.
var schemaTypes = map[string]reflect.Type{
	"Error":           reflect.TypeFor[api.ErrorBody](),
	"Ticket":          reflect.TypeFor[tickets.Ticket](),
	"TicketCreate":    reflect.TypeFor[api.TicketCreate](),
	"TicketPage":      reflect.TypeFor[api.TicketPage](),
	"Comment":         reflect.TypeFor[tickets.Comment](),
	"CommentCreate":   reflect.TypeFor[api.Comment](),
	"Comments":        reflect.TypeFor[api.Comments](),
	"StateChange":     reflect.TypeFor[api.StateChange](),
	"Message":         reflect.TypeFor[api.Message](),
	"Step":            reflect.TypeFor[tickets.Step](),
	"Checklist":       reflect.TypeFor[tickets.Checklist](),
	"Checklists":      reflect.TypeFor[api.Checklists](),
	"ChecklistAttach": reflect.TypeFor[api.ChecklistAttach](),
	"StepTick":        reflect.TypeFor[api.StepTick](),
	"Conversation":    reflect.TypeFor[api.Conversation](),
	"Media":           reflect.TypeFor[kb.Media](),
	"Entry":           reflect.TypeFor[kb.Entry](),
	"EntryCreate":     reflect.TypeFor[kb.Entry](),
	"EntryUpdate":     reflect.TypeFor[kb.Entry](),
	"Entries":         reflect.TypeFor[api.Entries](),
	"KBStatus":        reflect.TypeFor[api.KBStatus](),
	"User":            reflect.TypeFor[api.User](),
	"Users":           reflect.TypeFor[api.Users](),
	"WebhookCreate":   reflect.TypeFor[api.WebhookCreate](),
	"Webhook":         reflect.TypeFor[webhooks.Subscription](),
	"Webhooks":        reflect.TypeFor[api.Webhooks](),
	"Delivery":        reflect.TypeFor[webhooks.Delivery](),
	"Deliveries":      reflect.TypeFor[api.Deliveries](),
}

func loadOpenAPI(t *testing.T) openAPIDocument {
	t.Helper()
	var doc openAPIDocument
	if err := json.Unmarshal(api.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("not an OpenAPI 3 document for /api/v1: %s %+v", doc.OpenAPI, doc.Servers)
	}
	return doc
}

// TestOpenAPIRoutes: every documented path and method is routed with the
// documented scope, and every route is documented.
func TestOpenAPIRoutes(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	documented := map[string]string{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[strings.ToUpper(method)+" /api/v1"+path] = op.Scope
		}
	}
	routed := map[string]string{}
	for _, rt := range apiRoutes(&api.API{}) {
		routed[rt.Pattern] = string(rt.Scope)
	}
	for p, scope := range routed {
		ds, ok := documented[p]
		if !ok {
			t.Errorf("route %s is not documented", p)
		} else if ds != scope {
			t.Errorf("%s: documented scope %q, routed %q", p, ds, scope)
		}
	}
	for p := range documented {
		if _, ok := routed[p]; !ok {
			t.Errorf("documented %s is not routed", p)
		}
	}
}

// jsonFields returns the JSON field names of a struct type, as
// encoding/json sees them (embedded structs flattened, "-" skipped).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// TestOpenAPISchemas: each schema's properties are exactly the JSON
// fields of its Go type, and every schema the paths use is one of them.
func TestOpenAPISchemas(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	for name, s := range doc.Components.Schemas {
		t.Run(name, func(t *testing.T) {
			typ, ok := schemaTypes[name]
			if !ok {
				t.Fatalf("schema %s has no Go type in the test's table", name)
			}
			checkSchema(t, doc, name, s, typ)
		})
	}
	for name := range schemaTypes {
		if doc.Components.Schemas[name] == nil {
			t.Errorf("Go type of %s is not documented", name)
		}
	}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			var refs []string
			if op.RequestBody != nil {
				refs = append(refs, op.RequestBody.Content["application/json"].Schema.Ref)
			}
			for code, r := range op.Responses {
				if strings.HasPrefix(code, "2") && code != "204" {
					refs = append(refs, r.Content["application/json"].Schema.Ref)
				}
			}
			for _, ref := range refs {
				if doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")] == nil {
					t.Errorf("%s %s: unknown schema %q", method, path, ref)
				}
			}
		}
	}
}

func checkSchema(t *testing.T, doc openAPIDocument, name string, s *openAPISchema, typ reflect.Type) {
	t.Helper()
	fields := jsonFields(typ)
	var want, got []string
	for k := range fields {
		want = append(want, k)
	}
	for k := range s.Properties {
		got = append(got, k)
	}
	sort.Strings(want)
	sort.Strings(got)
	if !slices.Equal(want, got) {
		t.Errorf("%s: documented %v, Go %v", name, got, want)
	}
	// Nested objects (the error's detail) are checked the same way.
	for k, p := range s.Properties {
		ft, ok := fields[k]
		if ok && p.Type == "object" && p.Properties != nil && ft.Kind() == reflect.Struct {
			checkSchema(t, doc, name+"."+k, p, ft)
		}
	}
}

// TestOpenAPIServed: the binary serves the document.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	at := newAPITest(t)
	resp, err := http.Get(at.ts.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc openAPIDocument
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || resp.StatusCode != 200 || len(doc.Paths) == 0 {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
}
