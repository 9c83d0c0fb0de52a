// SPDX-License-Identifier: EUPL-1.2

package nlp

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

//go:generate cp ../content/severity/train.jsonl severity_train.jsonl

// severityTrain is a copy of content/severity/train.jsonl, kept in step by
// go generate and checked by TestEmbeddedTrainingDataIsCurrent. The model
// is trained from it when the service starts (a few milliseconds), so the
// labelled data stays the only source of truth: no weights file to review
// or to forget to regenerate.
//
//go:embed severity_train.jsonl
var severityTrain []byte

// The levels of urgency and impact, the same strings tickets.Level uses.
const (
	High   = "high"
	Medium = "medium"
	Low    = "low"
)

// The contact types of a ticket.
const (
	TypeIncident   = "incident"
	TypeRequest    = "request"
	TypeQuestion   = "question"
	TypeSuggestion = "suggestion"
)

// Levels and Types list the labels, for evaluation tables.
var (
	Levels = []string{High, Medium, Low}
	Types  = []string{TypeIncident, TypeRequest, TypeQuestion, TypeSuggestion}
)

// ErrTrainingData is returned for unusable labelled examples.
var ErrTrainingData = errors.New("invalid severity training data")

// SeverityExample is one labelled message, one JSON line of
// content/severity/*.jsonl. Priority is carried for evaluation only: the
// model never sees it (priority comes from the tickets' matrix).
type SeverityExample struct {
	Text     string `json:"text"`
	Lang     string `json:"lang"`
	Urgency  string `json:"urgency"`
	Impact   string `json:"impact"`
	Priority string `json:"priority"`
	Type     string `json:"type"`
}

// ReadSeverityExamples reads JSON lines of SeverityExample, skipping blank
// lines; a line that does not parse or has an unknown label is an error
// naming the line.
func ReadSeverityExamples(r io.Reader) ([]SeverityExample, error) {
	var out []SeverityExample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var ex SeverityExample
		if err := json.Unmarshal(line, &ex); err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrTrainingData, n, err)
		}
		if indexOf(Levels, ex.Urgency) < 0 || indexOf(Levels, ex.Impact) < 0 || indexOf(Types, ex.Type) < 0 {
			return nil, fmt.Errorf("%w: line %d: unknown urgency %q, impact %q or type %q", ErrTrainingData, n, ex.Urgency, ex.Impact, ex.Type)
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTrainingData, err)
	}
	return out, nil
}

// Assessment is one estimated label with its confidence (the model's
// probability, or the rule's certainty when a rule decided) and the cues
// that decided it, in words an agent can read.
type Assessment struct {
	Level      string
	Confidence float64
	Because    []string
}

// Severity is what the model says about a message. Priority is not here:
// the engine maps Urgency × Impact through the tickets' priority matrix.
type Severity struct {
	Urgency Assessment
	Impact  Assessment
	Type    Assessment // Level holds the contact type
	Cues    []Cue
}

// SeverityModel estimates urgency, impact and contact type. Build it once
// at start-up; it is read-only afterwards and safe for concurrent use.
type SeverityModel struct {
	urgency, impact, kind *logReg
}

// NewSeverityModel trains the model shipped with the program from the
// embedded training data.
func NewSeverityModel() (*SeverityModel, error) {
	exs, err := ShippedSeverityExamples()
	if err != nil {
		return nil, err
	}
	return TrainSeverityModel(exs)
}

// ShippedSeverityExamples returns the embedded training data
// (content/severity/train.jsonl): a retrained model learns from it plus
// the desk's own labels.
func ShippedSeverityExamples() ([]SeverityExample, error) {
	return ReadSeverityExamples(bytes.NewReader(severityTrain))
}

// TrainSeverityModel trains a model from labelled examples (for an
// evaluation, or a desk with its own data).
func TrainSeverityModel(exs []SeverityExample) (*SeverityModel, error) {
	return trainSeverity(exs, defaultTrainOptions)
}

func trainSeverity(exs []SeverityExample, opt trainOptions) (*SeverityModel, error) {
	if len(exs) < 10 {
		return nil, fmt.Errorf("%w: %d examples, need at least 10", ErrTrainingData, len(exs))
	}
	xs := make([][]string, len(exs))
	us, is, ts := make([]string, len(exs)), make([]string, len(exs)), make([]string, len(exs))
	for i, ex := range exs {
		xs[i] = severityFeatures(ex.Text, ex.Lang, FindCues(ex.Text))
		us[i], is[i], ts[i] = ex.Urgency, ex.Impact, ex.Type
	}
	return &SeverityModel{
		urgency: trainLogReg(Levels, xs, us, opt),
		impact:  trainLogReg(Levels, xs, is, opt),
		kind:    trainLogReg(Types, xs, ts, opt),
	}, nil
}

// selfDeclared are stems of words that only declare urgency. They are kept
// out of the model: in help-desk traffic "urgente" is written on broken
// printers and new mouse pads alike, so it must not decide.
var selfDeclared = map[string]bool{"urgent": true, "urgentissim": true, "urgenz": true, "asap": true, "urgently": true, "emergenz": true, "emergency": true}

// severityFeatures turns a message into model features: stems, pairs of
// adjacent stems and the cues.
func severityFeatures(text, lang string, cues []Cue) []string {
	if lang != English {
		lang = Italian
	}
	stems := Analyze(lang, text)
	out := make([]string, 0, 2*len(stems)+len(cues))
	prev := ""
	for _, s := range stems {
		if selfDeclared[s] || strings.HasPrefix(s, "urgent") {
			prev = ""
			continue
		}
		out = append(out, "w:"+s)
		if prev != "" {
			out = append(out, "b:"+prev+"_"+s)
		}
		prev = s
	}
	for _, c := range cues {
		if c.Name != "urgent_word" {
			out = append(out, "c:"+c.Name)
		}
	}
	return out
}

// Assess estimates urgency, impact and type of a message in lang. The
// model decides first; rules then correct it where a cue is known to
// matter more than the words around it (a compromised account is urgent
// however it is phrased; "nobody can work" is high impact). The model is
// local and quick, so ctx is not used: it is there because a severity
// model may also call out (bots.SeverityModel, the language model's
// opinion), and this one takes its place as it is.
func (m *SeverityModel) Assess(_ context.Context, text, lang string) Severity {
	cues := FindCues(text)
	fs := severityFeatures(text, lang, cues)
	s := Severity{Cues: cues}
	s.Urgency = assessment(m.urgency, fs, cues)
	s.Impact = assessment(m.impact, fs, cues)
	s.Type = assessment(m.kind, fs, cues)
	applySeverityRules(&s, cues)
	return s
}

func assessment(m *logReg, fs []string, cues []Cue) Assessment {
	p, best, why := m.predict(fs)
	a := Assessment{Level: m.classes[best], Confidence: p[best]}
	for i, c := range why {
		if i == 3 {
			break
		}
		a.Because = append(a.Because, describeFeature(c.feature, cues))
	}
	return a
}

// describeFeature renders a feature for an agent: stems in quotes, cues by
// name with the words that showed them.
func describeFeature(f string, cues []Cue) string {
	kind, v, _ := strings.Cut(f, ":")
	switch kind {
	case "w":
		return fmt.Sprintf("word %q", v)
	case "b":
		return fmt.Sprintf("words %q", strings.ReplaceAll(v, "_", " "))
	default:
		return fmt.Sprintf("%s: %q", v, cueMatch(cues, v))
	}
}

// cueMatch returns the matched phrase of cue name, or "".
func cueMatch(cues []Cue, name string) string {
	for _, c := range cues {
		if c.Name == name {
			return c.Match
		}
	}
	return ""
}

// force sets a level by rule, keeping the model's reasons after the rule's.
func force(a *Assessment, level string, conf float64, reason string) {
	if a.Level != level {
		a.Because = nil
	}
	a.Level = level
	if a.Confidence < conf {
		a.Confidence = conf
	}
	a.Because = append([]string{reason}, a.Because...)
}

func rank(level string) int { return 2 - indexOf(Levels, level) } // high 2, medium 1, low 0

// applySeverityRules corrects the model with the cues it can miss: rare
// in the training data but decisive when present.
func applySeverityRules(s *Severity, cues []Cue) {
	has := func(n string) bool { return hasCue(cues, n) }
	harmless := has("no_harm")
	incident := s.Type.Level == TypeIncident

	// Security: a compromise (a click, typed credentials, a theft, a
	// ransom note) is urgent whoever it hits, and is an incident.
	if has("compromise") && has("security") && !harmless {
		force(&s.Urgency, High, 0.9, fmt.Sprintf("security incident: %q", cueMatch(cues, "compromise")))
		if !incident {
			force(&s.Type, TypeIncident, 0.85, "security incident")
			incident = true
		}
	}
	// Harmless security questions ("I didn't click") are not emergencies.
	if harmless && rank(s.Urgency.Level) > rank(Medium) {
		force(&s.Urgency, Medium, 0.7, fmt.Sprintf("no harm done: %q", cueMatch(cues, "no_harm")))
	}
	// Everyone / nobody with a failure: the whole office or service.
	if incident && has("everyone") && has("blocked") && !has("workaround") {
		force(&s.Impact, High, 0.85, fmt.Sprintf("everyone affected: %q", cueMatch(cues, "everyone")))
	}
	// Counted people ("i tre operatori", "four doctors"): at least a group.
	if m, n := peopleCount(wordsOfCues(cues)); m != "" && rank(s.Impact.Level) < rank(Medium) {
		level := Medium
		if n >= 10 {
			level = High
		}
		force(&s.Impact, level, 0.75, fmt.Sprintf("several people: %q", m))
	}
	// Blocked now and it cannot wait (a deadline today, people queuing):
	// urgent even when the words around it are mild.
	if (incident || s.Type.Level == TypeRequest) && has("blocked") && !has("workaround") &&
		(has("deadline_today") || has("waiting")) && rank(s.Urgency.Level) < rank(High) {
		cue := cueMatch(cues, "deadline_today")
		if cue == "" {
			cue = cueMatch(cues, "waiting")
		}
		force(&s.Urgency, High, 0.8, fmt.Sprintf("blocked with no time to wait: %q", cue))
	}
	// A workaround and no clock running: it can wait a little.
	if has("workaround") && !has("deadline_today") && !has("waiting") && !(has("compromise") && !harmless) &&
		rank(s.Urgency.Level) > rank(Medium) {
		force(&s.Urgency, Medium, 0.7, fmt.Sprintf("a workaround exists: %q", cueMatch(cues, "workaround")))
	}
	// Suggestions are never urgent.
	if s.Type.Level == TypeSuggestion && rank(s.Urgency.Level) > rank(Low) {
		force(&s.Urgency, Low, 0.8, "a suggestion")
	}
	if m := cueMatch(cues, "urgent_word"); m != "" {
		s.Urgency.Because = append(s.Urgency.Because, fmt.Sprintf("%q alone does not decide", m))
	}
}

// wordsOfCues recovers the words of the people_count cue for peopleCount.
func wordsOfCues(cues []Cue) []string {
	return strings.Fields(cueMatch(cues, "people_count"))
}
