// SPDX-License-Identifier: EUPL-1.2

package tickets

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
)

// Assessment is what the bot concluded when it opened a ticket: urgency,
// impact and type with the model's confidence and the cues that decided
// them, the query it searched the knowledge base for and the entries it
// offered. It is kept beside the description, never inside it: the
// description is the requester's words, the assessment is the machine's
// opinion, shown apart (and translated) in the console. A ticket a person
// opened has none (IsZero).
type Assessment struct {
	Urgency           string   `json:"urgency,omitempty"`
	Impact            string   `json:"impact,omitempty"`
	Type              string   `json:"type,omitempty"`
	UrgencyConfidence float64  `json:"urgency_confidence,omitempty"`
	ImpactConfidence  float64  `json:"impact_confidence,omitempty"`
	TypeConfidence    float64  `json:"type_confidence,omitempty"`
	Why               []string `json:"why,omitempty"`
	// Query is what the requester searched the guides for, when it is not
	// already in the description.
	Query string `json:"query,omitempty"`
	// Tried are the knowledge-base entries (ids) the bot offered.
	Tried []string `json:"tried,omitempty"`
}

// IsZero says the ticket carries no assessment.
func (a Assessment) IsZero() bool {
	return a.Urgency == "" && a.Impact == "" && a.Type == "" && len(a.Why) == 0 && a.Query == "" && len(a.Tried) == 0
}

// Value stores the assessment as a jsonb document (text: see db.JSON).
func (a Assessment) Value() (driver.Value, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Scan reads the jsonb column.
func (a *Assessment) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	case nil:
		*a = Assessment{}
		return nil
	default:
		return errors.New("tickets.Assessment: unsupported source type")
	}
	*a = Assessment{}
	return json.Unmarshal(b, a)
}
