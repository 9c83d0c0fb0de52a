// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"go.yaml.in/yaml/v3"

	"helpdesk/internal/db"
)

// SynonymsFile is the name of the synonyms file at the root of a content
// folder.
const SynonymsFile = "synonyms.yaml"

// Synonyms are groups of words or phrases users write for the same thing
// ("smart card", "smartcard", "CNS"), per language; the key "all" holds
// groups valid in every language. A search for any member also finds
// entries that use another member of its group.
type Synonyms map[string][][]string

// ParseSynonyms reads a synonyms file:
//
//	all:
//	  - [smart card, smartcard, cns]
//	it:
//	  - [stampante, printer]
//
// Unknown keys and malformed groups are errors.
func ParseSynonyms(data []byte) (Synonyms, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%w: synonyms: %v", ErrFormat, err)
	}
	out := Synonyms{}
	if len(root.Content) == 0 {
		return out, nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: synonyms: want keys all, it, en", ErrFormat)
	}
	var problems []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Value != "all" && k.Value != LangIT && k.Value != LangEN {
			problems = append(problems, fmt.Sprintf("line %d: unknown key %q (known: all, it, en)", k.Line, k.Value))
			continue
		}
		if v.Kind != yaml.SequenceNode {
			problems = append(problems, fmt.Sprintf("line %d: %s: want a list of groups", k.Line, k.Value))
			continue
		}
		for _, g := range v.Content {
			var group []string
			if err := stringList(g, &group); err != nil {
				problems = append(problems, fmt.Sprintf("line %d: %v", g.Line, err))
				continue
			}
			group = tidyList(group)
			if len(group) < 2 {
				problems = append(problems, fmt.Sprintf("line %d: a group needs at least two terms", g.Line))
				continue
			}
			out[k.Value] = append(out[k.Value], group)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: synonyms: %s", ErrFormat, strings.Join(problems, "; "))
	}
	return out, nil
}

// Format writes the synonyms in the file format.
func (s Synonyms) Format() ([]byte, error) {
	var b strings.Builder
	b.WriteString("# Groups of words and phrases users write for the same thing.\n")
	for _, key := range []string{"all", LangIT, LangEN} {
		groups := s[key]
		if len(groups) == 0 {
			continue
		}
		b.WriteString(key + ":\n")
		for _, g := range groups {
			line, err := yaml.Marshal(yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: scalars(g)})
			if err != nil {
				return nil, err
			}
			b.WriteString("  - " + string(line))
		}
	}
	return []byte(b.String()), nil
}

func scalars(ss []string) []*yaml.Node {
	out := make([]*yaml.Node, len(ss))
	for i, s := range ss {
		out[i] = &yaml.Node{Kind: yaml.ScalarNode, Value: s}
	}
	return out
}

// Count returns the number of groups.
func (s Synonyms) Count() int {
	n := 0
	for _, g := range s {
		n += len(g)
	}
	return n
}

// SetSynonyms replaces every synonym group; every instance's search picks
// them up at its next refresh.
func (s *Store) SetSynonyms(ctx context.Context, syn Synonyms) error {
	return db.Tx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q.DeleteSynonyms); err != nil {
			return err
		}
		keys := make([]string, 0, len(syn))
		for k := range syn {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		pos := 0
		for _, k := range keys {
			lang := k
			if k == "all" {
				lang = ""
			}
			for _, g := range syn[k] {
				pos++
				if _, err := tx.ExecContext(ctx, s.q.InsertSynonyms, pos, lang, pq.StringArray(g)); err != nil {
					return fmt.Errorf("save synonyms: %w", err)
				}
			}
		}
		_, err := tx.ExecContext(ctx, s.q.BumpSynonyms)
		return err
	})
}

// Synonyms returns every synonym group.
func (s *Store) Synonyms(ctx context.Context) (Synonyms, error) {
	var rows []struct {
		Lang  string         `db:"lang"`
		Terms pq.StringArray `db:"terms"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.q.ListSynonyms); err != nil {
		return nil, fmt.Errorf("load synonyms: %w", err)
	}
	out := Synonyms{}
	for _, r := range rows {
		k := r.Lang
		if k == "" {
			k = "all"
		}
		out[k] = append(out[k], []string(r.Terms))
	}
	return out, nil
}
