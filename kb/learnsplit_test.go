// SPDX-License-Identifier: EUPL-1.2

package kb

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateLearnSplit = flag.Bool("update-learn-split", false, "rewrite content/eval/learn from the user-style sets")

// TestLearnSplitFiles checks that the files under content/eval/learn are
// exactly the hash split (LearnHalf) of the user-style sets: the halves
// used to measure learning were not picked by hand.
func TestLearnSplitFiles(t *testing.T) {
	for _, set := range []string{"dev-users", "holdout-users", "holdout-desk"} {
		var qs []EvalQuery
		for _, lang := range []string{"it", "en"} {
			fh, err := os.Open(filepath.Join("..", "content", "eval", "kb-"+set+"-"+lang+".jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadEvalQueries(fh)
			fh.Close()
			if err != nil {
				t.Fatal(err)
			}
			qs = append(qs, got...)
		}
		eval, confirmed := SplitForLearning(qs)
		if len(eval["a"]) == 0 || len(eval["b"]) == 0 {
			t.Fatalf("%s: a half is empty: %d/%d", set, len(eval["a"]), len(eval["b"]))
		}
		for _, h := range []string{"a", "b"} {
			check(t, filepath.Join("..", "content", "eval", "learn", "kb-"+set+"-"+h+".jsonl"), lines(t, eval[h]))
			check(t, filepath.Join("..", "content", "eval", "learn", set+"-confirmed-"+h+".jsonl"), lines(t, confirmed[h]))
		}
	}
}

func TestLearnHalf(t *testing.T) {
	// FNV-1a 32 of "" is 0x811c9dc5 (odd); of "a" is 0xe40c292c (even).
	for q, want := range map[string]string{"": "b", "a": "a"} {
		if got := LearnHalf(q); got != want {
			t.Errorf("LearnHalf(%q) = %s, want %s", q, got, want)
		}
	}
}

func lines[T any](t *testing.T, vs []T) []byte {
	var b bytes.Buffer
	for _, v := range vs {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func check(t *testing.T, path string, want []byte) {
	t.Helper()
	if *updateLearnSplit {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not the hash split of its set; regenerate with go test ./kb -run TestLearnSplitFiles -update-learn-split", path)
	}
}
