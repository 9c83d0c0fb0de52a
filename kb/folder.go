// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FileProblem is one file that was rejected (or only warned about), with
// the reason.
type FileProblem struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// ImportReport says what an import did, file by file (paths relative to
// the folder).
type ImportReport struct {
	Created   []string      `json:"created"`
	Updated   []string      `json:"updated"`
	Unchanged []string      `json:"unchanged"`
	Rejected  []FileProblem `json:"rejected"`
	Warnings  []FileProblem `json:"warnings"`
	Synonyms  int           `json:"synonyms"` // groups loaded from the synonyms file, -1 when there was none
}

// ImportOptions tune Import.
type ImportOptions struct {
	// Author is recorded on the revisions the import writes ("import" when empty).
	Author string
	// Progress, when set, is called after each file with the count done and
	// the total, so a command can show progress on large folders.
	Progress func(done, total int)
}

// Import loads a folder of entry files (walked recursively; files not
// ending in .md are skipped, and so are hidden folders such as .git) and a
// synonyms file at its root. It is idempotent: an entry whose content did
// not change is left alone, a changed one gets a new revision. The status
// written in a file is applied as it is — the folder is reviewed in git —
// so the workflow check of Save does not apply.
//
// A file that cannot be read, parsed or validated is rejected with its
// reason; the others are still imported. The error is for failures of the
// folder or the database, not of single files.
func (s *Store) Import(ctx context.Context, dir string, opt ImportOptions) (ImportReport, error) {
	rep := ImportReport{Synonyms: -1}
	author := opt.Author
	if author == "" {
		author = "import"
	}
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.EqualFold(filepath.Ext(path), ".md") && d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("read folder %s: %w", dir, err)
	}
	sort.Strings(files)

	if data, err := os.ReadFile(filepath.Join(dir, SynonymsFile)); err == nil {
		syn, err := ParseSynonyms(data)
		if err != nil {
			rep.Rejected = append(rep.Rejected, FileProblem{SynonymsFile, err.Error()})
		} else {
			if err := s.SetSynonyms(ctx, syn); err != nil {
				return rep, err
			}
			rep.Synonyms = syn.Count()
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return rep, fmt.Errorf("read synonyms: %w", err)
	}

	type parsed struct {
		file  string
		entry Entry
	}
	var ok []parsed
	byID := map[string]string{}
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		if err != nil {
			rep.Rejected = append(rep.Rejected, FileProblem{rel, err.Error()})
			continue
		}
		e, err := ParseFile(data)
		if err != nil {
			rep.Rejected = append(rep.Rejected, FileProblem{rel, err.Error()})
			continue
		}
		if other, dup := byID[e.ID]; dup {
			rep.Rejected = append(rep.Rejected, FileProblem{rel, fmt.Sprintf("id %q is already used by %s", e.ID, other)})
			continue
		}
		byID[e.ID] = rel
		ok = append(ok, parsed{rel, e})
	}

	for i, p := range ok {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if t := p.entry.TranslationOf; t != "" {
			if _, inFolder := byID[t]; !inFolder {
				if _, err := s.Get(ctx, t); errors.Is(err, ErrNotFound) {
					rep.Warnings = append(rep.Warnings, FileProblem{p.file, fmt.Sprintf("translation_of: no entry %q", t)})
				}
			}
		}
		_, outcome, err := s.save(ctx, p.entry, author, "import "+p.file, true)
		switch {
		case errors.Is(err, ErrInvalid):
			rep.Rejected = append(rep.Rejected, FileProblem{p.file, err.Error()})
		case err != nil:
			return rep, fmt.Errorf("import %s: %w", p.file, err)
		case outcome == Created:
			rep.Created = append(rep.Created, p.file)
		case outcome == Updated:
			rep.Updated = append(rep.Updated, p.file)
		default:
			rep.Unchanged = append(rep.Unchanged, p.file)
		}
		if opt.Progress != nil {
			opt.Progress(i+1, len(ok))
		}
	}
	return rep, nil
}

// Export writes every entry (any status) into dir, one file per entry
// named after its id, in the format Import reads, plus the synonyms file.
// Import of the result gives the same entries back.
func (s *Store) Export(ctx context.Context, dir string) (int, error) {
	entries, err := s.List(ctx, Filter{})
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	for _, e := range entries {
		data, err := FormatFile(e)
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(dir, e.ID+".md"), data, 0o644); err != nil {
			return 0, fmt.Errorf("export %s: %w", e.ID, err)
		}
	}
	syn, err := s.Synonyms(ctx)
	if err != nil {
		return 0, err
	}
	if syn.Count() > 0 {
		data, err := syn.Format()
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(dir, SynonymsFile), data, 0o644); err != nil {
			return 0, fmt.Errorf("export synonyms: %w", err)
		}
	}
	return len(entries), nil
}
