// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// TestAttachmentStore: files are stored by hash; saving the same content
// again (a mail read twice, the same file in two mails) writes nothing new.
func TestAttachmentStore(t *testing.T) {
	dir := t.TempDir()
	s := &attachmentStore{dir: dir}
	data := []byte("contenuto del rapporto")
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	meta, err := s.save(attachment{Filename: "rapporto.pdf", ContentType: "application/pdf", Data: data, SHA256: hash})
	if err != nil {
		t.Fatal(err)
	}
	if meta.StorageKey != hash[:2]+"/"+hash || meta.Size != int64(len(data)) || meta.Filename != "rapporto.pdf" || meta.SHA256 != hash {
		t.Fatalf("metadata %+v", meta)
	}
	path := filepath.Join(dir, hash[:2], hash)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.save(attachment{Filename: "copia.pdf", ContentType: "application/pdf", Data: data, SHA256: hash})
	if err != nil || again.StorageKey != meta.StorageKey {
		t.Fatalf("second save: %+v, %v", again, err)
	}
	fi2, _ := os.Stat(path)
	if !fi2.ModTime().Equal(fi.ModTime()) {
		t.Fatal("the same content was written again")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, hash[:2]))
	if len(entries) != 1 {
		t.Fatalf("%d files in the folder, want 1 (no temporary files left)", len(entries))
	}
}
