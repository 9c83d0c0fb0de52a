// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"math"
	"testing"
)

func TestHashEmbedder(t *testing.T) {
	h := HashEmbedder{}
	v, err := h.Embed(context.Background(), []string{
		"la stampante di rete non stampa", "La stampante di rete non stampa!", "stampanti in rete che non stampano", "password dimenticata",
	})
	if err != nil {
		t.Fatal(err)
	}
	var norm float64
	for _, x := range v[0] {
		norm += float64(x * x)
	}
	if math.Abs(norm-1) > 1e-5 || len(v[0]) != 512 {
		t.Fatalf("vector of length %d and norm² %v, want 512 and 1", len(v[0]), norm)
	}
	if d := dot(v[0], v[1]); d < 0.999 {
		t.Errorf("case and punctuation changed the vector: cos %v", d)
	}
	near, far := dot(v[0], v[2]), dot(v[0], v[3])
	if near <= far || near < 0.3 {
		t.Errorf("inflected phrasing cos %v, unrelated %v: want the first clearly higher", near, far)
	}
	if h.Model() != "hash-ngram-3-512" {
		t.Errorf("model %q", h.Model())
	}
}
