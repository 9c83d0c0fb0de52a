// SPDX-License-Identifier: EUPL-1.2

package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The document is served as it is embedded, cacheable, as JSON; what it
// says is checked against the handlers by web/api_openapi_test.go and
// web/api_contract_test.go.
func TestServeOpenAPI(t *testing.T) {
	w := httptest.NewRecorder()
	ServeOpenAPI(w, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" || w.Header().Get("Cache-Control") != "public, max-age=3600" {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	if !bytes.Equal(w.Body.Bytes(), openAPIDoc) || len(openAPIDoc) == 0 {
		t.Fatal("the served document is not the embedded one")
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			License struct{ Name string } `json:"license"`
		} `json:"info"`
		Servers []struct{ URL string } `json:"servers"`
		Paths   map[string]any         `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || doc.Info.License.Name != "EUPL-1.2" || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("document head %+v", doc)
	}
	if _, ok := doc.Paths["/tickets"]; !ok {
		t.Fatalf("no /tickets in %d paths", len(doc.Paths))
	}
}

// Document is a copy: a caller that changes it changes nothing served.
func TestDocumentIsACopy(t *testing.T) {
	d := Document()
	if !bytes.Equal(d, openAPIDoc) {
		t.Fatal("Document differs from the embedded document")
	}
	d[0] = 'X'
	if openAPIDoc[0] == 'X' || Document()[0] == 'X' {
		t.Fatal("changing Document's answer changed the served document")
	}
}
