// SPDX-License-Identifier: EUPL-1.2

package web

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes /api/v1; api_openapi_test.go checks it against
// the route table and the Go types the handlers read and write.
//
//go:embed openapi.json
var openAPIDoc []byte

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(openAPIDoc)
}
