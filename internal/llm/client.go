// SPDX-License-Identifier: EUPL-1.2

package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"helpdesk/internal/config"
	"helpdesk/internal/pii"
)

// Errors of a call. Callers need only know that the model gave nothing
// usable; these say why, for logs and metrics.
var (
	// ErrDisabled: no model is configured (or the client is nil).
	ErrDisabled = errors.New("llm: disabled")
	// ErrBudget: the per-minute budget is spent.
	ErrBudget = errors.New("llm: per-minute budget exhausted")
	// ErrTimeout: the endpoint did not answer within the timeout.
	ErrTimeout = errors.New("llm: timed out")
	// ErrUnavailable: the endpoint failed (5xx, 429, connection refused).
	ErrUnavailable = errors.New("llm: endpoint unavailable")
	// ErrBadResponse: the answer was empty or not in the asked shape.
	ErrBadResponse = errors.New("llm: unusable response")
)

// Config is what the client needs; ConfigFrom builds it from the
// service's configuration.
type Config struct {
	Enabled        bool
	APIType        string // "openai" (default) or "azure"
	BaseURL        string // up to and including /v1
	APIKey         string
	ChatModel      string
	EmbeddingModel string
	// Timeout of one call (default 8s).
	Timeout time.Duration
	// PerMinute caps calls in any minute (0: unlimited).
	PerMinute int
	// MaskPersonalData masks user text before it is sent.
	MaskPersonalData bool
	// Stream asks for streamed chat answers (server-sent events); the
	// client gathers them, so callers see no difference.
	Stream bool
	// MaxTokens caps an answer (default 400).
	MaxTokens int
	// HTTPClient may be nil (http.DefaultClient's transport).
	HTTPClient *http.Client
	Now        func() time.Time
	Logger     *slog.Logger
}

// ConfigFrom turns the llm section of the configuration into a Config.
func ConfigFrom(c config.LLM) Config {
	return Config{Enabled: c.Enabled, APIType: c.APIType, BaseURL: c.BaseURL, APIKey: c.APIKey,
		ChatModel: c.ChatModel, EmbeddingModel: c.EmbeddingModel, Timeout: c.Timeout,
		PerMinute: c.PerMinute, MaskPersonalData: c.MaskPersonalData}
}

// Client talks to one OpenAI-compatible endpoint. A nil *Client is valid
// and answers every call with ErrDisabled, so callers need no special case
// for "no model configured".
type Client struct {
	cfg    Config
	api    *openai.Client
	budget *Budget
	log    *slog.Logger
}

// New builds a client; it returns (nil, nil) when cfg is not enabled.
func New(cfg Config) (*Client, error) {
	if !cfg.Enabled {
		return nil, nil
	}
	if cfg.BaseURL == "" {
		return nil, fmt.Errorf("llm: base URL required")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 8 * time.Second
	}
	if cfg.MaxTokens <= 0 {
		cfg.MaxTokens = 400
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var oc openai.ClientConfig
	if cfg.APIType == "azure" {
		oc = openai.DefaultAzureConfig(cfg.APIKey, cfg.BaseURL)
	} else {
		oc = openai.DefaultConfig(cfg.APIKey)
		oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	if cfg.HTTPClient != nil {
		oc.HTTPClient = cfg.HTTPClient
	}
	return &Client{cfg: cfg, api: openai.NewClientWithConfig(oc), budget: NewBudget(cfg.PerMinute, cfg.Now), log: cfg.Logger}, nil
}

// CanChat reports whether chat calls may be attempted at all.
func (c *Client) CanChat() bool { return c != nil && c.cfg.ChatModel != "" }

// Logger is where the client's users log the failures of optional calls
// (a discarding logger on a nil client).
func (c *Client) Logger() *slog.Logger {
	if c == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.log
}

// CanEmbed reports whether embedding calls may be attempted at all.
func (c *Client) CanEmbed() bool { return c != nil && c.cfg.EmbeddingModel != "" }

// Mask applies the configured masking to user text. Chat sends its
// messages as given (they hold instructions and the caller's markers), so
// whoever builds a prompt masks the user's parts with this first; Embed
// masks by itself.
func (c *Client) Mask(s string) string {
	if c != nil && c.cfg.MaskPersonalData {
		return pii.Mask(s)
	}
	return s
}

// Chat sends one system message and one user message and returns the
// answer's text.
func (c *Client) Chat(ctx context.Context, system, user string) (string, error) {
	if !c.CanChat() {
		return "", ErrDisabled
	}
	if !c.budget.Take() {
		return "", ErrBudget
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req := openai.ChatCompletionRequest{
		Model: c.cfg.ChatModel,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: system},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
		Temperature:         0.1,
		MaxCompletionTokens: c.cfg.MaxTokens,
	}
	capOldServers(&req)
	var text string
	var err error
	if c.cfg.Stream {
		text, err = c.stream(ctx, req)
	} else {
		var resp openai.ChatCompletionResponse
		resp, err = c.api.CreateChatCompletion(ctx, req)
		if err == nil {
			if len(resp.Choices) == 0 {
				return "", fmt.Errorf("%w: no choices", ErrBadResponse)
			}
			text = resp.Choices[0].Message.Content
		}
	}
	if err != nil {
		return "", classify(ctx, err)
	}
	if strings.TrimSpace(text) == "" {
		return "", fmt.Errorf("%w: empty answer", ErrBadResponse)
	}
	return text, nil
}

func (c *Client) stream(ctx context.Context, req openai.ChatCompletionRequest) (string, error) {
	req.Stream = true
	st, err := c.api.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return "", err
	}
	defer st.Close()
	var b strings.Builder
	for {
		chunk, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
		for _, ch := range chunk.Choices {
			if ch.Index == 0 {
				b.WriteString(ch.Delta.Content)
			}
		}
	}
}

// Embed returns one vector per text, in order. Texts are masked as
// configured.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if !c.CanEmbed() {
		return nil, ErrDisabled
	}
	if len(texts) == 0 {
		return nil, nil
	}
	if !c.budget.Take() {
		return nil, ErrBudget
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	in := make([]string, len(texts))
	for i, t := range texts {
		in[i] = c.Mask(t)
	}
	resp, err := c.api.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: in, Model: openai.EmbeddingModel(c.cfg.EmbeddingModel)})
	if err != nil {
		return nil, classify(ctx, err)
	}
	if len(resp.Data) != len(texts) {
		return nil, fmt.Errorf("%w: %d embeddings for %d texts", ErrBadResponse, len(resp.Data), len(texts))
	}
	out := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(out) || len(d.Embedding) == 0 {
			return nil, fmt.Errorf("%w: embedding index %d", ErrBadResponse, d.Index)
		}
		out[d.Index] = d.Embedding
	}
	for i, v := range out {
		if v == nil {
			return nil, fmt.Errorf("%w: embedding %d missing", ErrBadResponse, i)
		}
	}
	return out, nil
}

// EmbeddingModel names the model that Embed uses (kb stores it beside each
// vector, so a change of model re-embeds everything).
func (c *Client) EmbeddingModel() string {
	if c == nil {
		return ""
	}
	return c.cfg.EmbeddingModel
}

// classify maps a library error onto the package's sentinels.
func classify(ctx context.Context, err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr):
		return fmt.Errorf("%w: status %d: %s", ErrUnavailable, apiErr.HTTPStatusCode, apiErr.Message)
	case errors.As(err, &reqErr):
		return fmt.Errorf("%w: status %d", ErrUnavailable, reqErr.HTTPStatusCode)
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// WithLogger returns c with the logger set (failures of optional calls
// are logged at info level: they are expected when the endpoint is down).
func (c Config) WithLogger(l *slog.Logger) Config {
	c.Logger = l
	return c
}

// capOldServers also sends the cap as max_tokens, which go-openai
// deprecates in favour of max_completion_tokens: Ollama (the example
// configuration's server) caps only with max_tokens and silently ignores
// max_completion_tokens (ollama/ollama#7125). Reasoning models refuse
// max_tokens, so for the models the library knows as such it is left out.
func capOldServers(req *openai.ChatCompletionRequest) {
	//lint:ignore SA1019 see above: the deprecated field is the only cap Ollama honours
	req.MaxTokens = req.MaxCompletionTokens
	if errors.Is(openai.NewReasoningValidator().Validate(*req), openai.ErrReasoningModelMaxTokensDeprecated) {
		//lint:ignore SA1019 see above
		req.MaxTokens = 0
	}
}
