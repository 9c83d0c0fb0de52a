// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"helpdesk/internal/testdb"
)

// TestBackupAndRestoreCommands: a dump of one database, restored into
// another, brings its content; the folder is -dir or backup.dir.
func TestBackupAndRestoreCommands(t *testing.T) {
	from, into := testdb.NewURL(t), testdb.NewURL(t)
	src, err := sqlx.Open("postgres", from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Exec(`CREATE TABLE backup_marker (note text); INSERT INTO backup_marker VALUES ('kept')`); err != nil {
		t.Fatal(err)
	}
	dir, other := t.TempDir(), t.TempDir()
	environ := []string{"DATABASE_URL=" + from, "HELPDESK_DATA_DIR=" + t.TempDir(), "HELPDESK_BACKUP_DIR=" + other}
	code, out, errOut := runWith(t, environ, "backup", "-dir", dir)
	path := strings.TrimSpace(out)
	if code != 0 || filepath.Dir(path) != dir || !strings.Contains(errOut, "dumping the database into "+dir) {
		t.Fatalf("backup -dir: exit %d, %q, %q", code, out, errOut)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("the dump %s: %v", path, err)
	}
	if code, out, errOut := runWith(t, environ, "backup"); code != 0 || filepath.Dir(strings.TrimSpace(out)) != other {
		t.Fatalf("backup into backup.dir: exit %d, %q, %q", code, out, errOut)
	}

	restoreEnv := []string{"DATABASE_URL=" + into, "HELPDESK_DATA_DIR=" + t.TempDir()}
	if code, out, errOut := runWith(t, restoreEnv, "restore", path); code != 0 || out != "restored "+path+"\n" {
		t.Fatalf("restore: exit %d, %q, %q", code, out, errOut)
	}
	dst, err := sqlx.Open("postgres", into)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	var note string
	if err := dst.Get(&note, `SELECT note FROM backup_marker`); err != nil || note != "kept" {
		t.Fatalf("restored content: %q, %v", note, err)
	}

	for _, args := range [][]string{{"restore"}, {"restore", path, path}} {
		if code, _, errOut := runWith(t, restoreEnv, args...); code != 2 || !strings.Contains(errOut, "usage: helpdesk restore FILE") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
	if code, _, _ := runWith(t, environ, "backup", "-keep", "3"); code != 2 {
		t.Errorf("unknown flag: exit %d", code)
	}
	if code, _, _ := runWith(t, restoreEnv, "restore", filepath.Join(dir, "missing.dump")); code != 1 {
		t.Errorf("a missing file: exit %d", code)
	}
}
