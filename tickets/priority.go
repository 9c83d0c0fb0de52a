// SPDX-License-Identifier: EUPL-1.2

package tickets

import "fmt"

// PriorityMatrix turns urgency × impact into a priority. It is one table,
// loaded from configuration (tickets.priority_matrix).
type PriorityMatrix map[Level]map[Level]Priority

// DefaultMatrix is the matrix used when none is configured:
//
//	urgency \ impact   high  medium  low
//	high               P1    P1      P2
//	medium             P2    P3      P3
//	low                P3    P4      P4
func DefaultMatrix() PriorityMatrix {
	return PriorityMatrix{
		High:   {High: P1, Medium: P1, Low: P2},
		Medium: {High: P2, Medium: P3, Low: P3},
		Low:    {High: P3, Medium: P4, Low: P4},
	}
}

// MatrixFromConfig converts the configuration's string map; the
// configuration has already validated it.
func MatrixFromConfig(m map[string]map[string]string) (PriorityMatrix, error) {
	out := PriorityMatrix{}
	for _, u := range []Level{High, Medium, Low} {
		out[u] = map[Level]Priority{}
		for _, i := range []Level{High, Medium, Low} {
			p := Priority(m[string(u)][string(i)])
			if p != P1 && p != P2 && p != P3 && p != P4 {
				return nil, fmt.Errorf("%w: priority matrix has no valid entry for urgency %s, impact %s", ErrInvalid, u, i)
			}
			out[u][i] = p
		}
	}
	return out, nil
}

// Priority returns the priority for urgency u and impact i. Unknown levels
// count as medium.
func (m PriorityMatrix) Priority(u, i Level) Priority {
	if !u.Valid() {
		u = Medium
	}
	if !i.Valid() {
		i = Medium
	}
	return m[u][i]
}
