// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The file format: one entry per Markdown file, YAML front matter between
// two "---" lines, then the body. This is what editors keep in git.

// ErrFormat wraps every problem found while reading an entry file.
var ErrFormat = errors.New("bad entry file")

// FileError lists every problem of one file (unknown keys, bad values,
// missing fields); it matches ErrFormat and, for field problems, ErrInvalid.
type FileError struct {
	Problems []string
	invalid  bool
}

func (e *FileError) Error() string { return strings.Join(e.Problems, "; ") }

// Is matches ErrFormat, and ErrInvalid when validation failed.
func (e *FileError) Is(target error) bool {
	return target == ErrFormat || (e.invalid && target == ErrInvalid)
}

var durationPattern = regexp.MustCompile(`^(\d+:)?\d{1,2}:\d{2}$`)

// ParseFile reads one entry file. Every problem is reported (unknown
// front-matter keys, values of the wrong type, invalid fields), never
// silently dropped; the entry is returned only when there is none.
func ParseFile(data []byte) (Entry, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// PostgreSQL text takes neither: refuse the file here, with a reason,
	// rather than fail the whole import at the database.
	if !utf8.Valid(data) {
		return Entry{}, &FileError{Problems: []string{"the file is not UTF-8 text"}}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return Entry{}, &FileError{Problems: []string{"the file contains NUL bytes"}}
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return Entry{}, &FileError{Problems: []string{"no front matter: the file must start with a line \"---\""}}
	}
	rest := text[4:]
	var front, body string
	if strings.HasPrefix(rest, "---\n") || rest == "---" {
		front, body = "", strings.TrimPrefix(strings.TrimPrefix(rest, "---"), "\n")
	} else if i := strings.Index(rest, "\n---\n"); i >= 0 {
		front, body = rest[:i], rest[i+5:]
	} else if strings.HasSuffix(rest, "\n---") {
		front, body = rest[:len(rest)-4], ""
	} else {
		return Entry{}, &FileError{Problems: []string{"front matter is not closed by a line \"---\""}}
	}
	var e Entry
	var problems []string
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(front), &root); err != nil {
		return Entry{}, &FileError{Problems: []string{"front matter: " + err.Error()}}
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return Entry{}, &FileError{Problems: []string{"front matter is not a set of key: value lines"}}
	}
	m := root.Content[0]
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		bad := func(format string, args ...any) {
			problems = append(problems, fmt.Sprintf("line %d: %s: ", k.Line, k.Value)+fmt.Sprintf(format, args...))
		}
		if seen[k.Value] {
			bad("given twice")
			continue
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "id":
			err = scalar(v, &e.ID)
		case "kind":
			err = scalar(v, (*string)(&e.Kind))
		case "lang":
			err = scalar(v, &e.Lang)
		case "status":
			err = scalar(v, (*string)(&e.Status))
		case "title":
			err = scalar(v, &e.Title)
		case "questions":
			err = stringList(v, &e.Questions)
		case "category":
			err = scalar(v, &e.Category)
		case "tags":
			err = stringList(v, &e.Tags)
		case "product":
			err = scalar(v, &e.Product)
		case "audience":
			err = scalar(v, (*string)(&e.Audience))
		case "translation_of":
			err = scalar(v, &e.TranslationOf)
		case "anchor":
			err = scalar(v, &e.Anchor)
		case "media":
			var ps []string
			e.Media, ps = mediaList(v)
			for _, p := range ps {
				bad("%s", p)
			}
		default:
			bad("unknown key (known: id, kind, lang, status, title, questions, category, tags, product, audience, translation_of, media, anchor)")
		}
		if err != nil {
			bad("%v", err)
		}
	}
	e.Body = body
	e.Normalise()
	if len(problems) > 0 {
		return Entry{}, &FileError{Problems: problems}
	}
	if err := e.Validate(); err != nil {
		var ve *ValidationError
		errors.As(err, &ve)
		fe := &FileError{invalid: true}
		for _, p := range ve.Problems {
			fe.Problems = append(fe.Problems, p.Error())
		}
		return Entry{}, fe
	}
	return e, nil
}

func scalar(v *yaml.Node, dst *string) error {
	if v.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a single value", v.Line)
	}
	if v.Tag == "!!null" {
		*dst = ""
		return nil
	}
	*dst = v.Value
	return nil
}

func stringList(v *yaml.Node, dst *[]string) error {
	if v.Kind != yaml.SequenceNode {
		return fmt.Errorf("want a list, e.g. [\"a\", \"b\"]")
	}
	for _, item := range v.Content {
		if item.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: list items must be single values", item.Line)
		}
		*dst = append(*dst, item.Value)
	}
	return nil
}

func mediaList(v *yaml.Node) ([]Media, []string) {
	if v.Kind != yaml.SequenceNode {
		return nil, []string{"want a list of {type, url, title, duration}"}
	}
	var out []Media
	var problems []string
	for n, item := range v.Content {
		if item.Kind != yaml.MappingNode {
			problems = append(problems, fmt.Sprintf("item %d (line %d): want {type, url, title, duration}", n+1, item.Line))
			continue
		}
		var m Media
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, val := item.Content[i], item.Content[i+1]
			var dst *string
			switch k.Value {
			case "type":
				dst = &m.Type
			case "url":
				dst = &m.URL
			case "title":
				dst = &m.Title
			case "duration":
				dst = &m.Duration
			default:
				problems = append(problems, fmt.Sprintf("item %d: unknown key %q (known: type, url, title, duration)", n+1, k.Value))
				continue
			}
			if err := scalar(val, dst); err != nil {
				problems = append(problems, fmt.Sprintf("item %d: %s: %v", n+1, k.Value, err))
			}
		}
		if m.Duration != "" && !durationPattern.MatchString(m.Duration) {
			problems = append(problems, fmt.Sprintf("item %d: duration %q: write m:ss or h:mm:ss", n+1, m.Duration))
		}
		out = append(out, m)
	}
	return out, problems
}

// frontMatter fixes the order of keys in written files.
type frontMatter struct {
	ID            string   `yaml:"id"`
	Kind          Kind     `yaml:"kind"`
	Lang          string   `yaml:"lang"`
	Status        Status   `yaml:"status"`
	Title         string   `yaml:"title"`
	Questions     []string `yaml:"questions,omitempty"`
	Category      string   `yaml:"category,omitempty"`
	Tags          []string `yaml:"tags,flow,omitempty"`
	Product       string   `yaml:"product,omitempty"`
	Audience      Audience `yaml:"audience"`
	TranslationOf string   `yaml:"translation_of,omitempty"`
	Media         []Media  `yaml:"media,omitempty"`
	Anchor        string   `yaml:"anchor,omitempty"`
}

// FormatFile writes an entry in the file format ParseFile reads;
// ParseFile(FormatFile(e)) gives e back.
func FormatFile(e Entry) ([]byte, error) {
	fm := frontMatter{
		ID: e.ID, Kind: e.Kind, Lang: e.Lang, Status: e.Status, Title: e.Title, Questions: e.Questions,
		Category: e.Category, Tags: e.Tags, Product: e.Product, Audience: e.Audience,
		TranslationOf: e.TranslationOf, Media: e.Media, Anchor: e.Anchor,
	}
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(fm); err != nil {
		return nil, fmt.Errorf("format %s: %w", e.ID, err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	buf.WriteString("---\n")
	buf.WriteString(e.Body)
	buf.WriteString("\n")
	return buf.Bytes(), nil
}
