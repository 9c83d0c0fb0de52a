// SPDX-License-Identifier: EUPL-1.2

package config

import (
	"reflect"
	"testing"
)

// TestSampleMatchesDefaults keeps the documented sample honest: it must
// load, and every value in it must be the default it claims to be.
func TestSampleMatchesDefaults(t *testing.T) {
	cfg, err := Load("../../docs/helpdesk.sample.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, Default()) {
		t.Fatalf("sample differs from defaults:\n%+v\n%+v", cfg, Default())
	}
}
