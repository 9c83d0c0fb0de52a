// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/emersion/go-imap/v2"
)

// Check tries the configuration the way Run and Send use it: IMAP login,
// the mailbox and the processed folder (or that the mailbox keeps our
// keyword), SMTP connection and login (no mail is sent), and that the
// attachment folder is writable. The error says what is wrong and what
// to do about it.
func (a *Adapter) Check(ctx context.Context) error {
	var errs []error
	if a.cfg.IMAPAddr != "" {
		errs = append(errs, a.checkIMAP(ctx))
	}
	errs = append(errs, a.checkSMTP(ctx))
	if a.cfg.AttachmentDir != "" {
		errs = append(errs, checkDir(a.cfg.AttachmentDir))
	}
	return errors.Join(errs...)
}

func (a *Adapter) checkIMAP(ctx context.Context) error {
	c, err := a.dialIMAP(ctx, nil)
	if err != nil {
		return fmt.Errorf("%w (check HELPDESK_CHANNELS_EMAIL_IMAP_ADDR, HELPDESK_CHANNELS_EMAIL_IMAP_SECURITY — port 993 is usually tls, 143 starttls — and HELPDESK_CHANNELS_EMAIL_IMAP_USERNAME and HELPDESK_CHANNELS_EMAIL_IMAP_PASSWORD)", err)
	}
	defer c.Close()
	if _, err := a.selectMailbox(c); err != nil {
		return fmt.Errorf("email: %w (check HELPDESK_CHANNELS_EMAIL_MAILBOX)", err)
	}
	if a.cfg.Processed == ProcessedMove {
		stop := a.guard(c)
		_, err := c.Status(a.cfg.ProcessedFolder, &imap.StatusOptions{NumMessages: true}).Wait()
		stop()
		if err != nil {
			return fmt.Errorf("email: processed folder %q: %w (create it in the mailbox, or fix HELPDESK_CHANNELS_EMAIL_PROCESSED_FOLDER)", a.cfg.ProcessedFolder, err)
		}
	}
	stop := a.guard(c)
	defer stop()
	if err := c.Logout().Wait(); err != nil {
		a.log.Debug("IMAP logout", "err", err)
	}
	return nil
}

func (a *Adapter) checkSMTP(ctx context.Context) error {
	c, err := a.dialSMTP(ctx)
	if err != nil {
		return fmt.Errorf("%w (check HELPDESK_CHANNELS_EMAIL_SMTP_ADDR and HELPDESK_CHANNELS_EMAIL_SMTP_SECURITY: port 587 is usually starttls, 465 tls)", err)
	}
	defer c.Close()
	if err := a.auth(c); err != nil {
		return fmt.Errorf("%w (check HELPDESK_CHANNELS_EMAIL_SMTP_USERNAME and HELPDESK_CHANNELS_EMAIL_SMTP_PASSWORD)", err)
	}
	if err := c.Quit(); err != nil {
		a.log.Debug("SMTP QUIT", "err", err)
	}
	return nil
}

func checkDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("email: attachment folder: %w (fix HELPDESK_CHANNELS_EMAIL_ATTACHMENT_DIR)", err)
	}
	f, err := os.CreateTemp(dir, ".check-*")
	if err != nil {
		return fmt.Errorf("email: attachment folder %s is not writable: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
