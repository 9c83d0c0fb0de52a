// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestImportIdempotentAndReportsProblems(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	dir := copyDir(t, "testdata/content")

	var progress []int
	rep, err := s.Import(ctx, dir, ImportOptions{Progress: func(done, total int) { progress = append(progress, done) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Created) != 8 || len(rep.Rejected) != 0 || rep.Synonyms != 4 {
		t.Fatalf("first import: %+v", rep)
	}
	if len(progress) != 8 || progress[7] != 8 {
		t.Fatalf("progress = %v", progress)
	}

	rep, err = s.Import(ctx, dir, ImportOptions{})
	if err != nil || len(rep.Unchanged) != 8 || len(rep.Created)+len(rep.Updated) != 0 {
		t.Fatalf("second import: %v %+v", err, rep)
	}

	// Change one entry, break others.
	p := filepath.Join(dir, "it", "reset-password.md")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(data), "15 minuti", "30 minuti", 1)), 0o644)
	os.WriteFile(filepath.Join(dir, "it", "typo.md"), []byte("---\nid: typo\nkind: faq\nlang: it\ntitle: T\ntagz: [x]\n---\nbody\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "en", "zz-dup.md"), []byte("---\nid: password-reset\nkind: faq\nlang: en\ntitle: T\n---\nbody\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "en", "badlang.md"), []byte("---\nid: badlang\nkind: faq\nlang: de\ntitle: T\n---\nbody\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "en", "orphan.md"), []byte("---\nid: orphan\nkind: faq\nlang: en\ntitle: T\ntranslation_of: nowhere\n---\nbody\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	os.WriteFile(filepath.Join(dir, ".git", "x.md"), []byte("not an entry"), 0o644)

	rep, err = s.Import(ctx, dir, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rep.Updated, []string{filepath.Join("it", "reset-password.md")}) {
		t.Errorf("updated = %v", rep.Updated)
	}
	if !reflect.DeepEqual(rep.Created, []string{filepath.Join("en", "orphan.md")}) {
		t.Errorf("created = %v", rep.Created)
	}
	reasons := map[string]string{}
	for _, r := range rep.Rejected {
		reasons[r.File] = r.Reason
	}
	for file, want := range map[string]string{
		filepath.Join("it", "typo.md"):    "tagz: unknown key",
		filepath.Join("en", "zz-dup.md"):  "already used by",
		filepath.Join("en", "badlang.md"): "lang",
	} {
		if !strings.Contains(reasons[file], want) {
			t.Errorf("rejection of %s = %q, want it to mention %q", file, reasons[file], want)
		}
	}
	if len(rep.Rejected) != 3 {
		t.Errorf("rejected = %+v", rep.Rejected)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Reason, "nowhere") {
		t.Errorf("warnings = %+v", rep.Warnings)
	}
	e, err := s.Get(ctx, "reset-password")
	if err != nil || e.Revision != 2 || !strings.Contains(e.Body, "30 minuti") {
		t.Errorf("updated entry = %+v, %v", e, err)
	}
}

func TestTranslations(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	if _, err := s.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{
		"lettore-smartcard": "smartcard-reader",  // this one names its translation
		"smartcard-reader":  "lettore-smartcard", // found from the other side
		"reset-password":    "password-reset",
	} {
		got, err := s.Translations(ctx, id)
		if err != nil || len(got) != 1 || got[0].ID != want {
			t.Errorf("Translations(%s) = %v, %v; want %s", id, got, err, want)
		}
	}
	if got, err := s.Translations(ctx, "stampante-rete"); err != nil || len(got) != 0 {
		t.Errorf("untranslated entry: %v %v", got, err)
	}
}

func TestImportExportImportIsLossless(t *testing.T) {
	ctx := context.Background()
	a := newTestStore(t)
	if _, err := a.Import(ctx, "testdata/content", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	out1 := t.TempDir()
	if n, err := a.Export(ctx, out1); err != nil || n != 8 {
		t.Fatalf("export: %d %v", n, err)
	}

	b := newTestStore(t)
	rep, err := b.Import(ctx, out1, ImportOptions{})
	if err != nil || len(rep.Created) != 8 || len(rep.Rejected) != 0 {
		t.Fatalf("import of export: %v %+v", err, rep)
	}
	ea, err := a.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	eb, err := b.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ea) != len(eb) {
		t.Fatalf("%d entries vs %d", len(ea), len(eb))
	}
	for i := range ea {
		if !sameContent(ea[i], eb[i]) {
			t.Errorf("entry %s differs after round trip:\n%+v\n%+v", ea[i].ID, ea[i], eb[i])
		}
	}
	sa, err := a.Synonyms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.Synonyms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sa, sb) {
		t.Errorf("synonyms differ: %v vs %v", sa, sb)
	}

	// Re-importing the export into the first store changes nothing, and a
	// second export is byte for byte the first.
	rep, err = a.Import(ctx, out1, ImportOptions{})
	if err != nil || len(rep.Unchanged) != 8 {
		t.Fatalf("re-import into source: %v %+v", err, rep)
	}
	out2 := t.TempDir()
	if _, err := b.Export(ctx, out2); err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(out1)
	for _, f := range files {
		x, _ := os.ReadFile(filepath.Join(out1, f.Name()))
		y, err := os.ReadFile(filepath.Join(out2, f.Name()))
		if err != nil || string(x) != string(y) {
			t.Errorf("%s differs between exports", f.Name())
		}
	}
}
