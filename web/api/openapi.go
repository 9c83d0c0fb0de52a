// SPDX-License-Identifier: EUPL-1.2

package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes /api/v1; web/api_openapi_test.go checks it against
// the Go types the handlers read and write and against the route table,
// web/api_contract_test.go against the running server.
//
//go:embed openapi.json
var openAPIDoc []byte

// ServeOpenAPI serves the document at /api/v1/openapi.json.
func ServeOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(openAPIDoc)
}

// Document is the OpenAPI document, for the tests that check the server
// against it from outside (web's contract tests).
func Document() []byte { return append([]byte(nil), openAPIDoc...) }
