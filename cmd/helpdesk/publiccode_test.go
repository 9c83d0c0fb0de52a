// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// TestPubliccodeYml checks publiccode.yml against the keys the standard
// (https://yml.publiccode.tools, version 0.4) requires and the values it
// allows, and against the repository: the licence named is the one in
// LICENSE, the languages are the ones the service speaks.
func TestPubliccodeYml(t *testing.T) {
	raw, err := os.ReadFile("../../publiccode.yml")
	if err != nil {
		t.Fatal(err)
	}
	type desc struct {
		ShortDescription string   `yaml:"shortDescription"`
		LongDescription  string   `yaml:"longDescription"`
		Features         []string `yaml:"features"`
	}
	var pc struct {
		Version           string          `yaml:"publiccodeYmlVersion"`
		Name              string          `yaml:"name"`
		URL               string          `yaml:"url"`
		Platforms         []string        `yaml:"platforms"`
		Categories        []string        `yaml:"categories"`
		DevelopmentStatus string          `yaml:"developmentStatus"`
		SoftwareType      string          `yaml:"softwareType"`
		Description       map[string]desc `yaml:"description"`
		DependsOn         struct {
			Open []struct {
				Name string `yaml:"name"`
			} `yaml:"open"`
		} `yaml:"dependsOn"`
		Legal struct {
			License string `yaml:"license"`
		} `yaml:"legal"`
		Maintenance struct {
			Type     string `yaml:"type"`
			Contacts []struct {
				Name string `yaml:"name"`
			} `yaml:"contacts"`
		} `yaml:"maintenance"`
		Localisation struct {
			Ready     *bool    `yaml:"localisationReady"`
			Languages []string `yaml:"availableLanguages"`
		} `yaml:"localisation"`
	}
	if err := yaml.Unmarshal(raw, &pc); err != nil {
		t.Fatalf("publiccode.yml: %v", err)
	}
	// A misspelt top-level key would be silently ignored by a catalogue.
	var top map[string]any
	if err := yaml.Unmarshal(raw, &top); err != nil {
		t.Fatal(err)
	}
	known := []string{"publiccodeYmlVersion", "name", "applicationSuite", "url", "landingURL", "isBasedOn", "softwareVersion",
		"releaseDate", "logo", "monochromeLogo", "inputTypes", "outputTypes", "platforms", "categories", "usedBy", "roadmap",
		"developmentStatus", "softwareType", "intendedAudience", "description", "legal", "maintenance", "localisation", "dependsOn", "it"}
	for k := range top {
		if !slices.Contains(known, k) {
			t.Errorf("publiccode.yml: %q is not a key of the standard", k)
		}
	}
	if pc.Version != "0.4" || pc.Name == "" || !strings.HasPrefix(pc.URL, "https://") || len(pc.Platforms) == 0 || len(pc.Categories) == 0 {
		t.Errorf("publiccodeYmlVersion %q, name %q, url %q, platforms %v, categories %v: all required", pc.Version, pc.Name, pc.URL, pc.Platforms, pc.Categories)
	}
	if !slices.Contains([]string{"concept", "development", "beta", "stable", "obsolete"}, pc.DevelopmentStatus) {
		t.Errorf("developmentStatus %q is not one the standard allows", pc.DevelopmentStatus)
	}
	if !slices.Contains([]string{"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web", "standalone/backend", "standalone/other",
		"addon", "library", "configurationFiles"}, pc.SoftwareType) {
		t.Errorf("softwareType %q is not one the standard allows", pc.SoftwareType)
	}
	for _, lang := range []string{"it", "en"} {
		d, ok := pc.Description[lang]
		if !ok {
			t.Errorf("no description in %s", lang)
			continue
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(d.ShortDescription)); n == 0 || n > 150 {
			t.Errorf("%s shortDescription has %d characters, the standard wants 1–150", lang, n)
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(d.LongDescription)); n < 150 || n > 10000 {
			t.Errorf("%s longDescription has %d characters, the standard wants 150–10,000", lang, n)
		}
		if len(d.Features) == 0 {
			t.Errorf("%s: no features", lang)
		}
	}
	licence, err := os.ReadFile("../../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	if pc.Legal.License != "EUPL-1.2" || !strings.HasPrefix(string(licence), "EUROPEAN UNION PUBLIC LICENCE v. 1.2") {
		t.Errorf("legal.license %q and LICENSE (%.40q) must both be EUPL-1.2", pc.Legal.License, licence)
	}
	if !slices.Contains([]string{"internal", "contract", "community", "none"}, pc.Maintenance.Type) ||
		(pc.Maintenance.Type != "none" && len(pc.Maintenance.Contacts) == 0) {
		t.Errorf("maintenance: type %q with %d contacts", pc.Maintenance.Type, len(pc.Maintenance.Contacts))
	}
	if pc.Localisation.Ready == nil || !slices.Contains(pc.Localisation.Languages, "it") || !slices.Contains(pc.Localisation.Languages, "en") {
		t.Errorf("localisation must be declared, with it and en: %+v", pc.Localisation)
	}
	if !slices.ContainsFunc(pc.DependsOn.Open, func(d struct {
		Name string `yaml:"name"`
	}) bool {
		return d.Name == "PostgreSQL"
	}) {
		t.Error("dependsOn.open does not name PostgreSQL")
	}
}
