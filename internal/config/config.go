// SPDX-License-Identifier: EUPL-1.2

// Package config builds the one typed configuration of the service: a YAML
// file (see docs/helpdesk.sample.yaml) overridden by HELPDESK_* environment
// variables, validated once at start-up. Any key may also be read from a
// file by setting HELPDESK_<KEY>_FILE, which is how secrets are passed.
//
// Only cmd/helpdesk calls Load; every other package receives values.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the whole configuration. The yaml tag of each field is its key
// in the file; the environment variable is HELPDESK_ followed by the key
// path in upper case joined by "_" (http.addr → HELPDESK_HTTP_ADDR).
type Config struct {
	// DatabaseURL is the PostgreSQL URL. Empty means "use the private
	// cluster under DataDir". DATABASE_URL is honoured too.
	DatabaseURL string `yaml:"database_url" secret:"true"`
	// DataDir holds the private cluster and other local state.
	DataDir string `yaml:"data_dir"`
	// Language is the default language of users whose language is unknown.
	Language string `yaml:"language" enum:"it,en"`
	// Timezone is the IANA zone of the desk's business hours.
	Timezone string `yaml:"timezone"`

	HTTP     HTTP     `yaml:"http"`
	Log      Log      `yaml:"log"`
	Database Database `yaml:"database"`
	Backup   Backup   `yaml:"backup"`
	Tickets  Tickets  `yaml:"tickets"`
	KB       KB       `yaml:"kb"`
	Calendar Calendar `yaml:"calendar"`
	// Calendars are further named calendars with the same keys as
	// calendar, which is the one named "default" (docs/calendars.md).
	Calendars map[string]Calendar `yaml:"calendars"`
	// Queues, Teams and SLA name the calendar each one's clocks run on.
	Queues   Queues          `yaml:"queues"`
	Teams    map[string]Team `yaml:"teams"`
	SLA      SLA             `yaml:"sla"`
	Bot      Bot             `yaml:"bot"`
	Channels Channels        `yaml:"channels"`
	LLM      LLM             `yaml:"llm"`
	Privacy  Privacy         `yaml:"privacy"`
	Console  Console         `yaml:"console"`
	API      API             `yaml:"api"`
}

// Privacy sets the personal-data rules.
type Privacy struct {
	// Retention: closed tickets and conversations older than this are
	// anonymised daily (statistics kept). 0 disables the job.
	Retention time.Duration `yaml:"retention" check:"nonnegative"`
}

// LLM is the optional language model (docs/llm.md), reached through any
// OpenAI-compatible endpoint. Off by default; everything works without it.
type LLM struct {
	Enabled bool `yaml:"enabled"`
	// APIType: openai (OpenAI, Ollama, vLLM, LocalAI …) or azure.
	APIType string `yaml:"api_type" enum:"openai,azure"`
	// BaseURL of the API, up to and including /v1 (Azure: the resource URL).
	BaseURL        string `yaml:"base_url"`
	ChatModel      string `yaml:"chat_model"`
	EmbeddingModel string `yaml:"embedding_model"`
	APIKey         string `yaml:"api_key" secret:"true"`
	// Timeout of one call; past it the service answers without the model.
	Timeout time.Duration `yaml:"timeout" check:"positive"`
	// PerMinute caps the calls of one instance in any minute (0: no cap).
	PerMinute int `yaml:"per_minute" check:"nonnegative"`
	// MaskPersonalData replaces e-mails, phone numbers, tax codes and
	// IBANs before text is sent out.
	MaskPersonalData bool `yaml:"mask_personal_data"`
}

// Channels configures the chat platforms the bot listens on; each one
// starts with serve when enabled. Set-up guides: docs/channels/.
type Channels struct {
	Slack      Slack      `yaml:"slack"`
	Telegram   Telegram   `yaml:"telegram"`
	Mattermost Mattermost `yaml:"mattermost"`
	Email      Email      `yaml:"email"`
	Triage     Triage     `yaml:"triage"`
}

// Triage is the agents' channel in Slack or Mattermost where each handoff
// is a card and its thread the conversation (docs/triage.md).
type Triage struct {
	Enabled      bool          `yaml:"enabled"`
	Platform     string        `yaml:"platform" enum:"slack,mattermost"`
	ChannelID    string        `yaml:"channel_id"`
	NotePrefix   string        `yaml:"note_prefix"`
	Lang         string        `yaml:"lang" enum:"it,en"`
	PollInterval time.Duration `yaml:"poll_interval" check:"positive"`
}

// Email is the desk's mailbox (docs/channels/email.md): IMAP in, SMTP out.
type Email struct {
	Enabled bool `yaml:"enabled"`
	// FromAddress and FromName sign the desk's mails.
	FromAddress string `yaml:"from_address"`
	FromName    string `yaml:"from_name"`
	// IMAPAddr (host:port) is polled for new mail; empty: send only.
	IMAPAddr     string `yaml:"imap_addr"`
	IMAPSecurity string `yaml:"imap_security" enum:"tls,starttls,none"`
	IMAPUsername string `yaml:"imap_username"`
	IMAPPassword string `yaml:"imap_password" secret:"true"`
	Mailbox      string `yaml:"mailbox"`
	// Processed mail is flagged, or moved to ProcessedFolder.
	Processed       string        `yaml:"processed" enum:"flag,move"`
	ProcessedFolder string        `yaml:"processed_folder"`
	PollInterval    time.Duration `yaml:"poll_interval" check:"positive"`
	SMTPAddr        string        `yaml:"smtp_addr"`
	SMTPSecurity    string        `yaml:"smtp_security" enum:"starttls,tls,none"`
	SMTPUsername    string        `yaml:"smtp_username"`
	SMTPPassword    string        `yaml:"smtp_password" secret:"true"`
	// AttachmentDir keeps attachments of incoming mail.
	AttachmentDir string `yaml:"attachment_dir"`
	// The rest is optional: zero means the adapter's default
	// (docs/channels/email.md gives each one).
	DisableIdle        bool          `yaml:"disable_idle"`
	ProcessedKeyword   string        `yaml:"processed_keyword"`
	MessageIDDomain    string        `yaml:"message_id_domain"`
	DefaultLang        string        `yaml:"default_lang" enum:",it,en"`
	MaxAttachmentBytes int           `yaml:"max_attachment_bytes" check:"nonnegative"`
	MaxMessageBytes    int           `yaml:"max_message_bytes" check:"nonnegative"`
	Timeout            time.Duration `yaml:"timeout" check:"nonnegative"`
	// CAFile is a PEM bundle trusted for IMAP and SMTP besides the
	// system's roots: a private mail server with its own CA.
	CAFile string `yaml:"ca_file"`
	// Voicemail recognises the voicemail notices a PBX mails: each one
	// becomes a telephone ticket to call back.
	Voicemail EmailVoicemail `yaml:"voicemail"`
}

// EmailVoicemail says which mails are a PBX's voicemail notices
// (docs/channels/email.md).
type EmailVoicemail struct {
	// Senders: the PBX's addresses, or "@domain"; empty: off.
	Senders []string `yaml:"senders"`
	// Subjects and Callers are regular expressions; empty: the defaults
	// for Asterisk/FreePBX and 3CX. A caller pattern's first group is the
	// number.
	Subjects []string `yaml:"subjects"`
	Callers  []string `yaml:"callers"`
}

// Slack is a Slack app (docs/channels/slack.md).
type Slack struct {
	Enabled bool `yaml:"enabled"`
	// Mode: socket (outbound WebSocket, needs app_token) or http (Events
	// API at /slack/events, needs signing_secret).
	Mode          string `yaml:"mode" enum:"socket,http"`
	BotToken      string `yaml:"bot_token" secret:"true"`
	AppToken      string `yaml:"app_token" secret:"true"`
	SigningSecret string `yaml:"signing_secret" secret:"true"`
	// APIURL is the Web API base; empty: https://slack.com/api/ (set it
	// for GovSlack, a proxy or a test fake).
	APIURL string `yaml:"api_url"`
	// Zero: the adapter's default (docs/channels/slack.md).
	SendInterval     time.Duration `yaml:"send_interval" check:"nonnegative"`
	MaxRateLimitWait time.Duration `yaml:"max_rate_limit_wait" check:"nonnegative"`
	UserCacheTTL     time.Duration `yaml:"user_cache_ttl" check:"nonnegative"`
	ThreadMemory     time.Duration `yaml:"thread_memory" check:"nonnegative"`
}

// Telegram is a Telegram bot (docs/channels/telegram.md).
type Telegram struct {
	Enabled bool `yaml:"enabled"`
	// Mode: polling (default) or webhook (needs webhook_url and webhook_secret).
	Mode          string `yaml:"mode" enum:"polling,webhook"`
	Token         string `yaml:"token" secret:"true"`
	WebhookURL    string `yaml:"webhook_url"`
	WebhookSecret string `yaml:"webhook_secret" secret:"true"`
	// APIURL is the Bot API server; empty: https://api.telegram.org (set
	// it for a self-hosted telegram-bot-api server, or a test fake).
	APIURL string `yaml:"api_url"`
	// PrivateAPI: api_url, although a host name, is a Bot API server on
	// the desk's private network, so it may post to a plain http://
	// webhook (loopback and private addresses need no flag).
	PrivateAPI bool `yaml:"private_api"`
	// Zero: the adapter's default (docs/channels/telegram.md).
	WebhookPath  string        `yaml:"webhook_path"`
	PollTimeout  time.Duration `yaml:"poll_timeout" check:"nonnegative"`
	Workers      int           `yaml:"workers" check:"nonnegative"`
	MaxRetryWait time.Duration `yaml:"max_retry_wait" check:"nonnegative"`
}

// Mattermost is a Mattermost bot account (docs/channels/mattermost.md).
type Mattermost struct {
	Enabled bool   `yaml:"enabled"`
	URL     string `yaml:"url"`
	Token   string `yaml:"token" secret:"true"`
	// CallbackURL is where Mattermost reaches our /mattermost/actions for
	// button presses; empty: numbered text choices instead of buttons.
	CallbackURL  string `yaml:"callback_url"`
	ActionSecret string `yaml:"action_secret" secret:"true"`
	// IgnoreMentions: answer direct messages only.
	IgnoreMentions bool          `yaml:"ignore_mentions"`
	MaxRetryWait   time.Duration `yaml:"max_retry_wait" check:"nonnegative"`
}

// Calendar is the desk's business calendar (time zone: Timezone).
type Calendar struct {
	// Hours maps a weekday (mon … sun) to opening ranges such as
	// "08:00-20:00" or "08:30-13:00,14:00-17:30"; a missing day is closed.
	Hours map[string]string `yaml:"hours"`
	// LocalHolidays: "MM-DD" every year (patron saint) or "YYYY-MM-DD" once.
	LocalHolidays []string `yaml:"local_holidays"`
	// Closures: closed date ranges, both ends included.
	Closures []Closure `yaml:"closures"`
}

// Queues names the calendar of each level's queue: the bot's "the desk
// reopens …" and every clock of a ticket at that level, unless its team or
// the SLA target says otherwise. Empty means "default".
type Queues struct {
	Level1 Queue `yaml:"level1"`
	Level2 Queue `yaml:"level2"`
}

// Queue is one level's queue.
type Queue struct {
	Calendar string `yaml:"calendar"`
}

// Team is a support group (a ticket's group, e.g. on_site).
type Team struct {
	// Calendar its tickets' clocks run on; empty: the level's queue's.
	Calendar string `yaml:"calendar"`
}

// SLA names calendars per service-level target.
type SLA struct {
	// Calendars maps a priority (P1 … P4, or "all") to a target
	// (take_charge, first_response, intervention, resolve) to the calendar
	// that target is counted on. A priority's own entry wins over "all";
	// both win over the team's and the queue's calendar.
	Calendars map[string]map[string]string `yaml:"calendars"`
}

// Closure is a closed range of days.
type Closure struct {
	From   string `yaml:"from"`
	To     string `yaml:"to"`
	Reason string `yaml:"reason"`
}

// Bot configures the conversation engine.
type Bot struct {
	// AnswerThreshold is the search confidence from which the bot answers;
	// 0 (the default) derives it from kb.target_precision. Set it only to
	// override the calibrated choice by hand.
	AnswerThreshold float64 `yaml:"answer_threshold"`
	// InactivityTimeout closes a conversation the bot holds after this
	// much silence (its ticket stays).
	InactivityTimeout time.Duration `yaml:"inactivity_timeout" check:"positive"`
	// FirstResponse is the promised first-response time per priority, in
	// working hours.
	FirstResponse map[string]time.Duration `yaml:"first_response"`
	// Assignment of queued conversations: round_robin among online agents
	// of the level (within their capacity), or manual (agents press Take).
	Assignment string `yaml:"assignment" enum:"round_robin,manual"`
	// ReopenWindow is how long after resolution a user may reopen by
	// saying the problem is not solved.
	ReopenWindow time.Duration `yaml:"reopen_window" check:"positive"`
	// ResendUnsentAfter: a reply recorded but still unsent after this long
	// (its instance died before sending) is queued for sending again. Keep
	// it above the longest send in progress (≥ 1m).
	ResendUnsentAfter time.Duration `yaml:"resend_unsent_after" check:"positive"`
	// UserRatePerMinute caps the messages of one chat user the bot works
	// on per minute, UserBurst at once; further ones are recorded for the
	// agents, not answered (one "slow down" reply). 0 disables the limit.
	UserRatePerMinute int `yaml:"user_rate_per_minute" check:"nonnegative"`
	UserBurst         int `yaml:"user_burst" check:"nonnegative"`
	// MaxTextBytes bounds one chat message's text (every channel but
	// e-mail, which has channels.email.max_message_bytes): a longer one
	// is not stored; the user is told, in their language, to shorten it.
	MaxTextBytes int `yaml:"max_text_bytes" check:"positive"`
	// Group: messages of different conversations arriving together are
	// handled in one transaction (group commit).
	Group BotGroup `yaml:"group"`
}

// BotGroup configures group commit: at most Max messages in one
// transaction, a message arriving alone waits at most Wait for others, and
// Committers groups run at once. Max 1 turns grouping off.
type BotGroup struct {
	Max        int           `yaml:"max" check:"positive"`
	Wait       time.Duration `yaml:"wait" check:"nonnegative"`
	Committers int           `yaml:"committers" check:"positive"`
}

// HTTP configures the web server.
type HTTP struct {
	Addr            string        `yaml:"addr" check:"hostport"`
	BaseURL         string        `yaml:"base_url" check:"url"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout" check:"positive"`
	MaxBodyBytes    int           `yaml:"max_body_bytes" check:"positive"`
	// MetricsAddr, when set, serves /metrics on its own listener (e.g. a
	// loopback or management address) and takes it off Addr.
	MetricsAddr string `yaml:"metrics_addr" check:"optional-hostport"`
}

// Console configures the agents' web console.
type Console struct {
	// EditorsReadTickets grants the editor role the ticket pages (read
	// only). Off: editors see the knowledge base and the unanswered
	// queries aggregated, not the tickets and their personal data.
	EditorsReadTickets bool `yaml:"editors_read_tickets"`
	// ClosureCodes are the codes an agent picks from when resolving a
	// conversation or a ticket, with their labels in both languages: the
	// reports count tickets by code, so they are a fixed list, not free
	// text.
	ClosureCodes []ClosureCode `yaml:"closure_codes"`
}

// ClosureCode is one closure code and its labels.
type ClosureCode struct {
	Code string `yaml:"code"`
	IT   string `yaml:"it"`
	EN   string `yaml:"en"`
}

// DefaultClosureCodes are the closure codes of a desk that configured
// none.
func DefaultClosureCodes() []ClosureCode {
	return []ClosureCode{
		{Code: "solved", IT: "Risolto", EN: "Solved"},
		{Code: "workaround", IT: "Aggirato (soluzione temporanea)", EN: "Workaround"},
		{Code: "no_reply", IT: "Nessuna risposta del richiedente", EN: "No reply from the requester"},
		{Code: "duplicate", IT: "Duplicato", EN: "Duplicate"},
		{Code: "routed", IT: "Inoltrato ad altra organizzazione", EN: "Routed to another organisation"},
		{Code: "not_reproducible", IT: "Non riproducibile", EN: "Not reproducible"},
	}
}

// API configures the REST API.
type API struct {
	Webhooks APIWebhooks `yaml:"webhooks"`
}

// APIWebhooks configures the outgoing webhooks.
type APIWebhooks struct {
	// AllowPrivateTargets lists networks (CIDR) a webhook may reach
	// although they are not public: loopback, private, link-local
	// addresses are refused otherwise, and so is plain http.
	AllowPrivateTargets []string `yaml:"allow_private_targets" check:"cidrs"`
}

// Log configures structured logging.
type Log struct {
	Level  string `yaml:"level" enum:"debug,info,warn,error"`
	Format string `yaml:"format" enum:"text,json"`
}

// Database configures the pool and migrations.
type Database struct {
	MaxOpenConns     int           `yaml:"max_open_conns" check:"positive"`
	MigrateOnStart   bool          `yaml:"migrate_on_start"`
	StatementTimeout time.Duration `yaml:"statement_timeout" check:"positive"`
	// DurableMarks makes bookkeeping writes (delivery marks, search logs)
	// wait for the disk and for a synchronous standby like every other
	// commit. Off, they are faster, and a crash or fail-over of the
	// database server can lose the last fraction of a second of them, so
	// a reply delivered just before may be sent again.
	DurableMarks bool `yaml:"durable_marks"`
}

// Backup configures periodic pg_dump backups.
type Backup struct {
	Dir      string        `yaml:"dir"`
	Keep     int           `yaml:"keep" check:"positive"`
	Interval time.Duration `yaml:"interval" check:"nonnegative"` // 0 disables periodic backups
}

// Tickets configures the ticketing core.
type Tickets struct {
	// PriorityMatrix maps urgency, then impact, to a priority P1–P4.
	PriorityMatrix map[string]map[string]string `yaml:"priority_matrix"`
	// SeverityRetrainEvery is how often the elected instance checks for
	// new severity labels from agents (0 turns scheduled retraining off).
	SeverityRetrainEvery time.Duration `yaml:"severity_retrain_every" check:"nonnegative"`
	// SeverityRetrainAfter is how many labels since the latest model
	// version make the check train a new one (stored, not switched on).
	SeverityRetrainAfter int `yaml:"severity_retrain_after" check:"positive"`
	// SeverityHeldOut is the file of held-out cases a new version's
	// figures are measured on.
	SeverityHeldOut string `yaml:"severity_held_out"`
}

// KB configures the knowledge base.
type KB struct {
	// ContentDir is loaded into the knowledge base at start when LoadOnStart.
	ContentDir  string `yaml:"content_dir"`
	LoadOnStart bool   `yaml:"load_on_start"`
	// TargetPrecision is the share of the bot's single answers that should
	// be right: the answer threshold is read from the calibrated
	// confidence model for it (docs/kb-search.md).
	TargetPrecision float64 `yaml:"target_precision"`
	// LearnAfter is how many distinct people must confirm the same words
	// for an entry ("Risolto", a positive vote, an agent's reply or
	// resolution citing it) before they become a learned phrasing of it.
	LearnAfter int `yaml:"learn_after"`
	// LearnWordsAfter is how many distinct people must have confirmed an
	// entry with queries containing a word the entry lacks before the word
	// becomes a learned term of it (0 turns word learning off).
	LearnWordsAfter int `yaml:"learn_words_after" check:"nonnegative"`
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		DataDir:  ".data",
		Language: "it",
		Timezone: "Europe/Rome",
		HTTP: HTTP{
			Addr:            "127.0.0.1:8080",
			BaseURL:         "http://127.0.0.1:8080",
			ShutdownTimeout: 20 * time.Second,
			MaxBodyBytes:    8 << 20,
		},
		Log:      Log{Level: "info", Format: "text"},
		Database: Database{MaxOpenConns: 20, MigrateOnStart: true, StatementTimeout: 30 * time.Second},
		Backup:   Backup{Dir: ".data/backups", Keep: 7, Interval: 24 * time.Hour},
		Tickets: Tickets{PriorityMatrix: map[string]map[string]string{
			"high":   {"high": "P1", "medium": "P1", "low": "P2"},
			"medium": {"high": "P2", "medium": "P3", "low": "P3"},
			"low":    {"high": "P3", "medium": "P4", "low": "P4"},
		}, SeverityRetrainEvery: time.Hour, SeverityRetrainAfter: 50, SeverityHeldOut: "content/eval/severity-holdout.jsonl"},
		KB:        KB{ContentDir: "content/kb", LoadOnStart: true, TargetPrecision: 0.8, LearnAfter: 3, LearnWordsAfter: 2},
		Calendars: map[string]Calendar{}, Teams: map[string]Team{},
		SLA: SLA{Calendars: map[string]map[string]string{}},
		Calendar: Calendar{Hours: map[string]string{
			"mon": "08:00-20:00", "tue": "08:00-20:00", "wed": "08:00-20:00", "thu": "08:00-20:00", "fri": "08:00-20:00",
		}, LocalHolidays: []string{}, Closures: []Closure{}},
		Bot: Bot{InactivityTimeout: 30 * time.Minute, FirstResponse: map[string]time.Duration{
			"P1": time.Hour, "P2": 4 * time.Hour, "P3": 8 * time.Hour, "P4": 16 * time.Hour,
		}, Assignment: "round_robin", ReopenWindow: 7 * 24 * time.Hour,
			ResendUnsentAfter: 2 * time.Minute, UserRatePerMinute: 20, UserBurst: 10, MaxTextBytes: 16 << 10,
			Group: BotGroup{Max: 16, Committers: 2}},
		Console: Console{ClosureCodes: DefaultClosureCodes()},
		API:     API{Webhooks: APIWebhooks{AllowPrivateTargets: []string{}}},
		Channels: Channels{Slack: Slack{Mode: "socket"}, Telegram: Telegram{Mode: "polling"},
			Triage: Triage{Platform: "slack", NotePrefix: "!", Lang: "it", PollInterval: 30 * time.Second},
			Email: Email{IMAPSecurity: "tls", Mailbox: "INBOX", Processed: "flag", PollInterval: time.Minute,
				SMTPSecurity: "starttls", AttachmentDir: ".data/attachments",
				Voicemail: EmailVoicemail{Senders: []string{}, Subjects: []string{}, Callers: []string{}}}},
		Privacy: Privacy{Retention: 2 * 365 * 24 * time.Hour},
		LLM: LLM{APIType: "openai", BaseURL: "http://127.0.0.1:11434/v1", Timeout: 8 * time.Second,
			PerMinute: 60, MaskPersonalData: true},
	}
}

// Error is a configuration problem tied to one key.
type Error struct {
	Key    string // path in the file, e.g. http.addr
	Env    string // the environment variable for the same key
	Value  string
	Expect string
}

func (e *Error) Error() string {
	key := e.Key
	if e.Env != "" {
		key += " (" + e.Env + ")"
	}
	return fmt.Sprintf("config: %s = %q is invalid: expected %s", key, e.Value, e.Expect)
}

// Load reads the file at path (skipped when path is empty), applies the
// environment (as returned by os.Environ) and validates the result.
func Load(path string, environ []string) (Config, error) {
	cfg := Default()
	cfg.Tickets.PriorityMatrix = nil // decoded alone, then completed from the default
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("config: read %s: %w", path, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, errEOF) {
			return cfg, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	for u, row := range Default().Tickets.PriorityMatrix {
		if cfg.Tickets.PriorityMatrix == nil {
			cfg.Tickets.PriorityMatrix = map[string]map[string]string{}
		}
		if cfg.Tickets.PriorityMatrix[u] == nil {
			cfg.Tickets.PriorityMatrix[u] = map[string]string{}
		}
		for i, p := range row {
			if _, set := cfg.Tickets.PriorityMatrix[u][i]; !set {
				cfg.Tickets.PriorityMatrix[u][i] = p
			}
		}
	}
	env := envMap(environ)
	if v, ok := env["DATABASE_URL"]; ok && v != "" {
		cfg.DatabaseURL = v
	}
	if err := applyEnv(&cfg, env); err != nil {
		return cfg, err
	}
	if err := validate(&cfg); err != nil {
		return cfg, err
	}
	if err := validateLLM(cfg.LLM); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// validateLLM checks that an enabled model has an endpoint and a model.
func validateLLM(l LLM) error {
	if !l.Enabled {
		return nil
	}
	if u, err := url.Parse(l.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &Error{Key: "llm.base_url", Env: "HELPDESK_LLM_BASE_URL", Value: l.BaseURL, Expect: "the endpoint's URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1"}
	}
	if l.ChatModel == "" && l.EmbeddingModel == "" {
		return &Error{Key: "llm.chat_model", Env: "HELPDESK_LLM_CHAT_MODEL", Expect: "a chat model name (or at least llm.embedding_model)"}
	}
	return nil
}

// Location returns the desk's time zone; Load has already checked it.
func (c Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}
