// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"fmt"
	"os"
	"path/filepath"

	"helpdesk/bots"
)

// attachmentStore keeps attachments on disk by content: the storage key
// is "ab/abcdef…" (the SHA-256 in hex, under a folder of its first two
// characters), so the same file sent twice is stored once and a mail read
// again after a failure writes nothing new.
type attachmentStore struct {
	dir string
}

// save writes the attachment unless a file with its hash is already there,
// and returns its metadata for the engine.
func (s *attachmentStore) save(a attachment) (bots.MailAttachment, error) {
	key := a.SHA256[:2] + "/" + a.SHA256
	meta := bots.MailAttachment{Filename: a.Filename, ContentType: a.ContentType, Size: int64(len(a.Data)), SHA256: a.SHA256, StorageKey: key}
	final := filepath.Join(s.dir, filepath.FromSlash(key))
	if fi, err := os.Stat(final); err == nil && fi.Size() == int64(len(a.Data)) {
		return meta, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return meta, fmt.Errorf("email: attachment folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(final), ".part-*")
	if err != nil {
		return meta, fmt.Errorf("email: store attachment: %w", err)
	}
	_, werr := tmp.Write(a.Data)
	serr := tmp.Sync()
	cerr := tmp.Close()
	if werr != nil || serr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return meta, fmt.Errorf("email: store attachment %s: %v %v %v", a.Filename, werr, serr, cerr)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		os.Remove(tmp.Name())
		return meta, fmt.Errorf("email: store attachment: %w", err)
	}
	return meta, nil
}
