// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// Synthetic knowledge bases for benchmarks: made-up Italian-looking words
// drawn with a Zipf-like skew (a few words are everywhere, most are rare),
// entries shaped like the real ones (title, three phrasings, tags, a body
// of four paragraphs), and queries written from an entry's words with one
// word swapped for a random one and some typos.

var syllables = strings.Fields("ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo fu la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zi zo zu gra pre stri tro pla")

type synth struct {
	r     *rand.Rand
	words []string
	zipf  *rand.Zipf
}

func newSynth(vocab int) *synth {
	r := rand.New(rand.NewPCG(1, 2))
	s := &synth{r: r, zipf: rand.NewZipf(r, 1.1, 2, uint64(vocab-1))}
	seen := map[string]bool{}
	for len(s.words) < vocab {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			s.words = append(s.words, w)
		}
	}
	return s
}

func (s *synth) sentence(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = s.words[s.zipf.Uint64()]
	}
	return strings.Join(ws, " ")
}

func (s *synth) entries(n int) []Entry {
	out := make([]Entry, n)
	for i := range out {
		var body []string
		for range 4 {
			body = append(body, s.sentence(15+s.r.IntN(15)))
		}
		out[i] = Entry{
			ID: fmt.Sprintf("e%06d", i), Kind: KindFAQ, Lang: LangIT, Status: StatusPublished,
			Audience: AudiencePublic, Title: s.sentence(6),
			Questions: []string{s.sentence(7), s.sentence(6), s.sentence(8)},
			Tags:      []string{s.words[s.zipf.Uint64()], s.words[s.zipf.Uint64()]},
			Body:      strings.Join(body, "\n\n"), Revision: 1,
		}
	}
	return out
}

func (s *synth) queries(entries []Entry, n int) []string {
	out := make([]string, n)
	for i := range out {
		e := entries[s.r.IntN(len(entries))]
		ws := strings.Fields(e.Questions[s.r.IntN(len(e.Questions))])
		ws[s.r.IntN(len(ws))] = s.words[s.r.IntN(len(s.words))]
		if w := ws[0]; len(w) > 4 && s.r.IntN(2) == 0 { // a typo: two letters swapped
			b := []byte(w)
			b[1], b[2] = b[2], b[1]
			ws[0] = string(b)
		}
		out[i] = strings.Join(ws, " ")
	}
	return out
}

func buildSynthIndex(entries []Entry) *index {
	docs := make([]*analysedEntry, len(entries))
	in := interner{}
	for i, e := range entries {
		docs[i] = analyseEntry(e, in)
	}
	return newIndex(docs, compileSynonyms(Synonyms{"all": {{"smart card", "smartcard", "cns"}}}))
}

var benchSizes = []int{1_000, 10_000, 100_000}

// BenchmarkSearch measures one query on an index of N entries, and reports
// the 50th and 99th percentile latency over the run, as wall-clock time and
// as CPU time of the searching thread.
func BenchmarkSearch(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			s := newSynth(20_000)
			entries := s.entries(n)
			ix := buildSynthIndex(entries)
			qs := s.queries(entries, 1000)
			var lat, cpu []time.Duration
			// CPU time is read per OS thread: keep the loop on one.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				t := time.Now()
				c0, ok0 := threadCPU()
				searchIndex(ix, Query{Text: qs[i%len(qs)], Lang: LangIT, Limit: 5})
				c1, ok1 := threadCPU()
				lat = append(lat, time.Since(t))
				if ok0 && ok1 {
					cpu = append(cpu, c1-c0)
				}
			}
			b.StopTimer()
			report := func(d []time.Duration, unit string) {
				if len(d) == 0 {
					return
				}
				slices.Sort(d)
				b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-"+unit)
				b.ReportMetric(float64(d[len(d)*99/100].Microseconds())/1000, "p99-"+unit)
			}
			// Wall-clock latency, and CPU time per query (the latency on an
			// idle core: a shared, loaded machine inflates the former).
			report(lat, "ms")
			report(cpu, "cpu-ms")
		})
	}
}

// BenchmarkBuild measures building the index of N entries from scratch
// (analysis included) and the heap it keeps.
func BenchmarkBuild(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			entries := newSynth(20_000).entries(n)
			var ix *index
			var heap uint64
			for b.Loop() {
				ix = nil
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				ix = buildSynthIndex(entries)
				runtime.GC()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				heap = after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)
			}
			b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
			runtime.KeepAlive(ix)
		})
	}
}

// BenchmarkRebuild measures what a refresh pays after a change: a new
// index over entries already analysed (only changed entries are analysed
// again).
func BenchmarkRebuild(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			entries := newSynth(20_000).entries(n)
			docs := make([]*analysedEntry, len(entries))
			in := interner{}
			for i, e := range entries {
				docs[i] = analyseEntry(e, in)
			}
			syn := compileSynonyms(nil)
			for b.Loop() {
				runtime.KeepAlive(newIndex(docs, syn))
			}
		})
	}
}
