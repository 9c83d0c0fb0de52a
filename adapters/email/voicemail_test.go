// SPDX-License-Identifier: EUPL-1.2

package email

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"helpdesk/bots"
)

// voicemailEngine records what the adapter hands over: voicemails on one
// side, ordinary mail on the other.
type voicemailEngine struct {
	mu    sync.Mutex
	vms   []bots.Voicemail
	mails []bots.Mail
}

func (e *voicemailEngine) HandleMail(_ context.Context, m bots.Mail) (bots.MailResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.mails = append(e.mails, m)
	return bots.MailResult{TicketNumber: "HD-2027-000001", Created: true}, nil
}

func (e *voicemailEngine) Handle(context.Context, bots.Inbound) (bots.Result, error) {
	return bots.Result{}, nil
}

func (e *voicemailEngine) HandleVoicemail(_ context.Context, v bots.Voicemail) (bots.VoicemailResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.vms = append(e.vms, v)
	return bots.VoicemailResult{TicketNumber: "HD-2027-000002"}, nil
}

func voicemailAdapter(t *testing.T, rules VoicemailRules) (*Adapter, *voicemailEngine, string) {
	t.Helper()
	dir := t.TempDir()
	eng := &voicemailEngine{}
	a, err := New(Config{FromAddress: "helpdesk@asl.example.org", SMTPAddr: "127.0.0.1:25", AttachmentDir: dir, Voicemail: rules}, eng, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a, eng, dir
}

func readVoicemail(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "voicemail", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var pbxSenders = VoicemailRules{Senders: []string{"asterisk@pbx.asl.example.org", "@pbx.asl.example.org"}}

// TestVoicemailFixtures: each PBX's notice (testdata/voicemail, written in
// the shape Asterisk/FreePBX and 3CX send) is recognised with its caller,
// mailbox and audio, before the automatic-mail filter (the named one
// carries Auto-Submitted), and never reaches HandleMail.
func TestVoicemailFixtures(t *testing.T) {
	tests := []struct {
		file, caller, name, mailbox, audioType, audioName string
	}{
		{"asterisk.eml", "0612345678", "", "200", "audio/wav", "msg0002.wav"},
		{"asterisk-named.eml", "+39 06 1234 5679", "Rossi Mario", "200", "audio/wav", "msg0000.WAV"},
		{"3cx.eml", "0698765432", "Bianchi Laura", "200", "audio/mpeg", "vmail_200_20270307211344.mp3"},
		{"asterisk-unknown.eml", "", "", "200", "audio/wav", "msg0003.wav"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			a, eng, dir := voicemailAdapter(t, pbxSenders)
			if out := a.process(context.Background(), readVoicemail(t, tc.file)); out != handled {
				t.Fatalf("outcome %v, want handled", out)
			}
			if len(eng.mails) != 0 || len(eng.vms) != 1 {
				t.Fatalf("%d mails, %d voicemails; want the voicemail only", len(eng.mails), len(eng.vms))
			}
			v := eng.vms[0]
			if v.Caller != tc.caller || v.CallerName != tc.name || v.Mailbox != tc.mailbox || v.MessageID == "" {
				t.Fatalf("caller %q name %q mailbox %q id %q; want %q %q %q", v.Caller, v.CallerName, v.Mailbox, v.MessageID, tc.caller, tc.name, tc.mailbox)
			}
			if len(v.Attachments) != 1 {
				t.Fatalf("attachments %+v", v.Attachments)
			}
			att := v.Attachments[0]
			if att.ContentType != tc.audioType || att.Filename != tc.audioName || att.Size == 0 {
				t.Fatalf("attachment %+v, want %s %s", att, tc.audioName, tc.audioType)
			}
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(att.StorageKey)))
			if err != nil || int64(len(b)) != att.Size {
				t.Fatalf("stored audio: %d bytes, %v", len(b), err)
			}
			if tc.audioType == "audio/wav" && string(b[:4]) != "RIFF" {
				t.Fatalf("stored audio is not the WAV: %q", b[:4])
			}
		})
	}
}

// TestNotAVoicemail: the same subject from another sender is an ordinary
// mail, and so is everything when no PBX sender is configured.
func TestNotAVoicemail(t *testing.T) {
	a, eng, _ := voicemailAdapter(t, pbxSenders)
	if out := a.process(context.Background(), readVoicemail(t, "not-from-pbx.eml")); out != handled {
		t.Fatalf("outcome %v", out)
	}
	if len(eng.vms) != 0 || len(eng.mails) != 1 {
		t.Fatalf("%d voicemails, %d mails; want one ordinary mail", len(eng.vms), len(eng.mails))
	}
	off, eng2, _ := voicemailAdapter(t, VoicemailRules{})
	out := off.process(context.Background(), readVoicemail(t, "asterisk.eml"))
	if len(eng2.vms) != 0 || out != handled || len(eng2.mails) != 1 {
		t.Fatalf("without senders: outcome %v, %d voicemails, %d mails; want it handled as mail", out, len(eng2.vms), len(eng2.mails))
	}
	// A PBX notice whose subject is not a voicemail (a missed-call report)
	// is not one either.
	raw := strings.Replace(string(readVoicemail(t, "asterisk.eml")), "Subject: [PBX]: New message 3 in mailbox 200", "Subject: Daily call report", 1)
	a3, eng3, _ := voicemailAdapter(t, pbxSenders)
	a3.process(context.Background(), []byte(raw))
	if len(eng3.vms) != 0 {
		t.Fatal("a report from the PBX was taken for a voicemail")
	}
}

func TestVoicemailRulesConfigurable(t *testing.T) {
	rules := VoicemailRules{Senders: []string{"centralino@ente.example.org"},
		Subjects: []string{`^Segreteria: messaggio`}, Callers: []string{`Chiamata da ([0-9]+)`}}
	m, err := newVoicemailMatcher(rules)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := m.match(&inMail{MessageID: "x@y", FromAddress: "Centralino@Ente.Example.org", Subject: "Segreteria: messaggio 12",
		Text: "Chiamata da 0612345678 alle 19:02, casella 31"})
	if !ok || v.Caller != "0612345678" || v.Mailbox != "31" {
		t.Fatalf("%+v %v", v, ok)
	}
	if _, ok := m.match(&inMail{FromAddress: "centralino@ente.example.org", Subject: "[PBX]: New message 3 in mailbox 200"}); ok {
		t.Fatal("configured subjects replace the defaults, yet the default matched")
	}
	for _, bad := range []VoicemailRules{{Subjects: []string{"("}}, {Callers: []string{"no group"}}} {
		if _, err := newVoicemailMatcher(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestAudioType(t *testing.T) {
	for _, tc := range []struct{ name, ct, want string }{
		{"msg0000.WAV", "application/octet-stream", "audio/wav"},
		{"msg0000.wav", "audio/x-wav", "audio/wav"},
		{"a.mp3", "audio/mpeg", "audio/mpeg"},
		{"x", "audio/x-wav", "audio/wav"},
		{"notes.pdf", "application/pdf", "application/pdf"},
		{"trick.wav", "text/html", "text/html"},
	} {
		if got := audioType(tc.name, tc.ct); got != tc.want {
			t.Errorf("audioType(%s, %s) = %s, want %s", tc.name, tc.ct, got, tc.want)
		}
	}
}

func FuzzVoicemailMatch(f *testing.F) {
	f.Add("[PBX]: New message 3 in mailbox 200", "from \"A\" <0612345678>")
	f.Add("New Voicemail from X (06 123 456)", "Caller: +39 06 123456")
	m, err := newVoicemailMatcher(pbxSenders)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, subject, text string) {
		v, ok := m.match(&inMail{MessageID: "id", FromAddress: "asterisk@pbx.asl.example.org", Subject: subject, Text: text})
		if ok && v.Caller != "" && !strings.ContainsAny(v.Caller, "0123456789") {
			t.Fatalf("caller without digits: %q", v.Caller)
		}
	})
}
