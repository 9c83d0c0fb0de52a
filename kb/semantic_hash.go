// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"context"
	"hash/fnv"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// HashEmbedder is a deterministic stand-in for an embedding model:
// character n-grams of the lower-cased, unaccented words, hashed into Dims
// buckets with a sign (the "hashing trick"). It knows nothing of meaning
// — "stampante" and "printer" share no n-gram — so it measures the
// plumbing of semantic search and the effect of sub-word matching, not
// what a real embedding model would bring. It needs no network.
type HashEmbedder struct {
	// Dims is the vector length (default 512).
	Dims int
	// N is the n-gram length (default 3).
	N int
}

// Model names the configuration, so vectors of different settings are
// kept apart.
func (h HashEmbedder) Model() string {
	d, n := h.params()
	return "hash-ngram-" + strconv.Itoa(n) + "-" + strconv.Itoa(d)
}

func (h HashEmbedder) params() (dims, n int) {
	dims, n = h.Dims, h.N
	if dims <= 0 {
		dims = 512
	}
	if n <= 0 {
		n = 3
	}
	return dims, n
}

// Embed returns one vector per text.
func (h HashEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	dims, n := h.params()
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, dims)
		for _, w := range hashWords(t) {
			g := []rune("^" + w + "$")
			for j := 0; j+n <= len(g); j++ {
				f := fnv.New32a()
				f.Write([]byte(string(g[j : j+n])))
				x := f.Sum32()
				sign := float32(1)
				if x&1 == 1 {
					sign = -1
				}
				v[(x>>1)%uint32(dims)] += sign
			}
		}
		out[i] = unit(v)
	}
	return out, nil
}

// hashWords splits t into lower-case words without accents.
func hashWords(t string) []string {
	t = norm.NFD.String(strings.ToLower(t))
	var b strings.Builder
	for _, r := range t {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}
