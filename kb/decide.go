// SPDX-License-Identifier: EUPL-1.2

package kb

// What the user meets: one answer, a short list of choices ("did you
// mean…?"), or an honest "I have no reliable answer". Search ranks and
// gives each hit a probability; Decide turns them into one of the three,
// so the bot and the evaluation decide alike.

// Outcome is what a search leads to for the user.
type Outcome int

const (
	// OutcomeNone: nothing is likely enough; say so and offer a ticket.
	OutcomeNone Outcome = iota
	// OutcomeAnswer: the first hit alone is likely enough.
	OutcomeAnswer
	// OutcomeChoices: no single hit is, but two or three together are.
	OutcomeChoices
)

func (o Outcome) String() string {
	switch o {
	case OutcomeAnswer:
		return "answer"
	case OutcomeChoices:
		return "choices"
	}
	return "none"
}

// Decision is an outcome with the hits to show: one for an answer, two or
// three for choices, none otherwise.
type Decision struct {
	Outcome Outcome
	Hits    []Hit
}

// Policy says how likely a hit must be to be shown.
type Policy struct {
	// Answer is the least confidence of the first hit to give it alone.
	Answer float64
	// Choices is the least summed confidence of the first two or three
	// hits to offer them as choices (0: never offer choices). The
	// confidences are probabilities of each hit being right, so their sum
	// is the chance that the right entry is among those shown.
	Choices float64
	// MinChoice is the least confidence of a hit to be one of the choices
	// (default 0.05): a title with no chance only lengthens the list.
	MinChoice float64
}

// ChoicesLikely is the least summed confidence of the titles offered as
// choices: more likely than not that the right entry is among them. A
// wrong list costs the user one look (its last button is "none of
// these"), a wrong answer costs their trust, so choices need less than
// an answer.
const ChoicesLikely = 0.5

// PolicyFor is the policy for an answer threshold: choices when the
// first two or three are together ChoicesLikely (or the answer threshold,
// if that is lower).
func PolicyFor(answer float64) Policy {
	return Policy{Answer: answer, Choices: min(answer, ChoicesLikely)}
}

// MaxChoices is the most titles offered at once.
const MaxChoices = 3

// Decide picks the outcome for hits (best first).
func (p Policy) Decide(hits []Hit) Decision {
	if len(hits) == 0 {
		return Decision{}
	}
	if hits[0].Confidence >= p.Answer {
		return Decision{Outcome: OutcomeAnswer, Hits: hits[:1]}
	}
	if p.Choices <= 0 {
		return Decision{}
	}
	floor := p.MinChoice
	if floor <= 0 {
		floor = 0.05
	}
	var sum float64
	for i := 0; i < len(hits) && i < MaxChoices; i++ {
		if hits[i].Confidence < floor {
			break
		}
		sum += hits[i].Confidence
		if i >= 1 && sum >= p.Choices {
			return Decision{Outcome: OutcomeChoices, Hits: hits[:i+1]}
		}
	}
	return Decision{}
}
