// SPDX-License-Identifier: EUPL-1.2

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"helpdesk/nlp"
	"helpdesk/tickets"
)

const nlpUsage = `usage: helpdesk nlp severity-eval --cases FILE [--json] [--learn FILE]
       helpdesk nlp retrain [--cases FILE] [--by NAME]
       helpdesk nlp models
       helpdesk nlp use VERSION|shipped
       helpdesk nlp intent-eval --cases FILE [--json]
       helpdesk nlp classify [--lang it|en] TEXT…`

// runNLP runs the language tools: evaluations of the severity model and
// the intent classifier over labelled JSON lines, and a one-off classify.
func runNLP(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.stderr, nlpUsage)
		return errUsage
	}
	switch args[0] {
	case "severity-eval":
		return runSeverityEval(ctx, env, args[1:])
	case "intent-eval":
		return runIntentEval(env, args[1:])
	case "classify":
		return runClassify(ctx, env, args[1:])
	case "retrain":
		return runRetrain(ctx, env, args[1:])
	case "models":
		return runModels(ctx, env, args[1:])
	case "use":
		return runUse(ctx, env, args[1:])
	}
	fmt.Fprintln(env.stderr, nlpUsage)
	return errUsage
}

// evalFlags parses --cases FILE [--json].
func evalFlags(env *environment, name string, args []string) (cases string, asJSON bool, err error) {
	fs := flag.NewFlagSet("nlp "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.StringVar(&cases, "cases", "", "JSON lines file of labelled cases")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object with the figures")
	if err := fs.Parse(args); err != nil {
		return "", false, err
	}
	if cases == "" || fs.NArg() > 0 {
		fmt.Fprintln(env.stderr, nlpUsage)
		return "", false, errUsage
	}
	return cases, asJSON, nil
}

// severityReport is the --json output of severity-eval.
type severityReport struct {
	Cases            int     `json:"cases"`
	UrgencyF1        float64 `json:"urgency_f1"`
	ImpactF1         float64 `json:"impact_f1"`
	PriorityF1       float64 `json:"priority_f1"`
	TypeF1           float64 `json:"type_f1"`
	PriorityAccuracy float64 `json:"priority_accuracy"`
}

func runSeverityEval(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("nlp severity-eval", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	path := fs.String("cases", "", "JSON lines file of labelled cases")
	asJSON := fs.Bool("json", false, "print one JSON object with the figures")
	learn := fs.String("learn", "", "JSON lines of extra labelled cases (same format) trained on with the shipped data before scoring")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *path == "" || fs.NArg() > 0 {
		fmt.Fprintln(env.stderr, nlpUsage)
		return errUsage
	}
	cases, err := readSeverityFile(*path)
	if err != nil {
		return err
	}
	model, err := nlp.NewSeverityModel()
	if err != nil {
		return err
	}
	if *learn != "" {
		extra, err := readSeverityFile(*learn)
		if err != nil {
			return err
		}
		// A case trained on is never scored: it would measure memory.
		seen := map[string]bool{}
		for _, c := range extra {
			seen[c.Lang+"\x00"+c.Text] = true
		}
		var kept []nlp.SeverityExample
		for _, c := range cases {
			if !seen[c.Lang+"\x00"+c.Text] {
				kept = append(kept, c)
			}
		}
		if len(kept) == 0 {
			return fmt.Errorf("%s: every case is in %s", *path, *learn)
		}
		shipped, err := nlp.ShippedSeverityExamples()
		if err != nil {
			return err
		}
		if model, err = nlp.TrainSeverityModel(append(shipped, extra...)); err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "trained on %d shipped and %d extra cases; %d scored cases left out as trained on\n", len(shipped), len(extra), len(cases)-len(kept))
		cases = kept
	}
	return scoreSeverity(ctx, env, *path, cases, model, *asJSON)
}

// readSeverityFile reads a file of labelled severity cases (at least one).
func readSeverityFile(path string) ([]nlp.SeverityExample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cases, err := nlp.ReadSeverityExamples(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("%s: no cases", path)
	}
	return cases, nil
}

// scoreSeverity prints the figures of model on cases.
func scoreSeverity(ctx context.Context, env *environment, path string, cases []nlp.SeverityExample, model *nlp.SeverityModel, asJSON bool) error {
	matrix, err := priorityMatrix(env)
	if err != nil {
		return err
	}
	var gu, pu, gi, pi, gp, pp, gt, pt []string
	for _, c := range cases {
		s := model.Assess(ctx, c.Text, c.Lang)
		gold := c.Priority
		if gold == "" { // a case without a priority takes the matrix's
			gold = string(matrix.Priority(tickets.Level(c.Urgency), tickets.Level(c.Impact)))
		}
		gu, pu = append(gu, c.Urgency), append(pu, s.Urgency.Level)
		gi, pi = append(gi, c.Impact), append(pi, s.Impact.Level)
		gt, pt = append(gt, c.Type), append(pt, s.Type.Level)
		gp, pp = append(gp, gold), append(pp, string(matrix.Priority(tickets.Level(s.Urgency.Level), tickets.Level(s.Impact.Level))))
	}
	priorities := []string{string(tickets.P1), string(tickets.P2), string(tickets.P3), string(tickets.P4)}
	u := nlp.Score(nlp.Levels, gu, pu)
	i := nlp.Score(nlp.Levels, gi, pi)
	p := nlp.Score(priorities, gp, pp)
	t := nlp.Score(nlp.Types, gt, pt)
	if asJSON {
		return json.NewEncoder(env.stdout).Encode(severityReport{
			Cases: len(cases), UrgencyF1: round3(u.MacroF1), ImpactF1: round3(i.MacroF1),
			PriorityF1: round3(p.MacroF1), TypeF1: round3(t.MacroF1), PriorityAccuracy: round3(p.Accuracy),
		})
	}
	env.printf("%d cases from %s\n\n", len(cases), path)
	for _, part := range []struct {
		name string
		s    nlp.Scores
	}{{"urgency", u}, {"impact", i}, {"priority", p}, {"type", t}} {
		printScores(env.stdout, part.name, part.s)
	}
	return nil
}

// priorityMatrix is the configured matrix (the default one when nothing is
// configured), so the evaluation maps levels exactly as the service does.
func priorityMatrix(env *environment) (tickets.PriorityMatrix, error) {
	cfg, err := env.loadConfig()
	if err != nil {
		return nil, err
	}
	if len(cfg.Tickets.PriorityMatrix) == 0 {
		return tickets.DefaultMatrix(), nil
	}
	return tickets.MatrixFromConfig(cfg.Tickets.PriorityMatrix)
}

// intentCase is one line of an intent evaluation file.
type intentCase struct {
	Text   string `json:"text"`
	Lang   string `json:"lang"`
	Intent string `json:"intent"`
	Ticket string `json:"ticket"`
}

// intentReport is the --json output of intent-eval.
type intentReport struct {
	Cases          int     `json:"cases"`
	Accuracy       float64 `json:"accuracy"`
	MacroF1        float64 `json:"macro_f1"`
	TicketAccuracy float64 `json:"ticket_accuracy"`
}

func runIntentEval(env *environment, args []string) error {
	path, asJSON, err := evalFlags(env, "intent-eval", args)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	cases, err := readIntentCases(b)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(cases) == 0 {
		return fmt.Errorf("%s: no cases", path)
	}
	labels := make([]string, len(nlp.IntentKinds))
	for i, k := range nlp.IntentKinds {
		labels[i] = string(k)
	}
	var gold, pred []string
	ticketsRight, misses := 0, []string{}
	for _, c := range cases {
		in := nlp.Classify(c.Text, c.Lang)
		gold, pred = append(gold, c.Intent), append(pred, string(in.Kind))
		if in.TicketRef == c.Ticket {
			ticketsRight++
		}
		if string(in.Kind) != c.Intent {
			misses = append(misses, fmt.Sprintf("  %-13s → %-13s %s", c.Intent, in.Kind, c.Text))
		}
	}
	s := nlp.Score(labels, gold, pred)
	ticketAcc := float64(ticketsRight) / float64(len(cases))
	if asJSON {
		return json.NewEncoder(env.stdout).Encode(intentReport{Cases: len(cases), Accuracy: round3(s.Accuracy), MacroF1: round3(s.MacroF1), TicketAccuracy: round3(ticketAcc)})
	}
	env.printf("%d cases from %s\n\n", len(cases), path)
	printScores(env.stdout, "intent", s)
	env.printf("ticket number extraction accuracy %.3f (%d/%d)\n", ticketAcc, ticketsRight, len(cases))
	if len(misses) > 0 {
		env.printf("\nmisclassified (gold → predicted):\n%s\n", strings.Join(misses, "\n"))
	}
	return nil
}

func readIntentCases(b []byte) ([]intentCase, error) {
	var out []intentCase
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var c intentCase
		if err := json.Unmarshal(line, &c); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

func runClassify(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("nlp classify", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	lang := fs.String("lang", "it", "fallback language when the text does not tell")
	if err := fs.Parse(args); err != nil {
		return err
	}
	text := strings.Join(fs.Args(), " ")
	if text == "" {
		fmt.Fprintln(env.stderr, nlpUsage)
		return errUsage
	}
	model, err := nlp.NewSeverityModel()
	if err != nil {
		return err
	}
	matrix, err := priorityMatrix(env)
	if err != nil {
		return err
	}
	d := nlp.DetectLanguage(text, *lang)
	in := nlp.Classify(text, d.Lang)
	s := model.Assess(ctx, text, d.Lang)
	env.printf("language  %s (confidence %.2f, sure %v)\n", d.Lang, d.Confidence, d.Sure)
	env.printf("intent    %s (confidence %.2f, cue %q, ticket %q)\n", in.Kind, in.Confidence, in.Cue, in.TicketRef)
	for _, a := range []struct {
		name string
		a    nlp.Assessment
	}{{"urgency", s.Urgency}, {"impact", s.Impact}, {"type", s.Type}} {
		env.printf("%-9s %s (%.2f) because %s\n", a.name, a.a.Level, a.a.Confidence, strings.Join(a.a.Because, "; "))
	}
	env.printf("priority  %s (default matrix unless configured)\n", matrix.Priority(tickets.Level(s.Urgency.Level), tickets.Level(s.Impact.Level)))
	return nil
}

// printScores writes accuracy, macro-F1, per-label F1 and the confusion
// matrix (rows gold, columns predicted).
func printScores(w io.Writer, name string, s nlp.Scores) {
	fmt.Fprintf(w, "%s: accuracy %.3f  macro-F1 %.3f\n", name, s.Accuracy, s.MacroF1)
	width := 10
	for _, l := range s.Labels {
		width = max(width, len(l)+1)
	}
	fmt.Fprintf(w, "  %-*s", width, "gold\\pred")
	for _, l := range s.Labels {
		fmt.Fprintf(w, " %*s", width, l)
	}
	fmt.Fprintf(w, " %*s\n", width, "F1")
	for i, l := range s.Labels {
		fmt.Fprintf(w, "  %-*s", width, l)
		for j := range s.Labels {
			fmt.Fprintf(w, " %*d", width, s.Confusion[i][j])
		}
		fmt.Fprintf(w, " %*.3f\n", width, s.F1[i])
	}
	fmt.Fprintln(w)
}

func round3(x float64) float64 {
	return float64(int(x*1000+0.5)) / 1000
}
