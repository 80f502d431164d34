package local

import (
	"bytes"
	"strings"
	"testing"
)

// TestRedactWriterMasksWhateverTheWrites writes text holding a secret at
// many places (across the cut points of a line longer than the filter
// holds, at line ends, at the very end) in writes of several sizes: the
// output is the whole text masked, whatever the sizes.
func TestRedactWriterMasksWhateverTheWrites(t *testing.T) {
	const secret = "s3cr3t-canary-value"
	mask := strings.NewReplacer(secret, "[MASKED]").Replace
	var text strings.Builder
	for i := range 40 {
		text.WriteString(strings.Repeat("a", 997*i))
		text.WriteString(secret)
		if i%7 == 0 {
			text.WriteString("\n")
		}
	}
	// A long line dense with the secret, so that most places to cut fall
	// inside one.
	text.WriteString(strings.Repeat(secret+strings.Repeat("c", 83), 6000))
	text.WriteString(strings.Repeat("b", 3*maxLogLine))
	text.WriteString(secret)
	in := text.String()
	want := mask(in)
	for _, size := range []int{1, 7, 4096, 32 << 10, 100 << 10, len(in)} {
		var out bytes.Buffer
		w := newRedactWriter(&out, mask)
		for rest := in; rest != ""; {
			n := min(size, len(rest))
			if _, err := w.Write([]byte(rest[:n])); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != want {
			t.Errorf("writes of %d bytes: output differs from the masked text (%d secrets left, %d masks, want %d)",
				size, strings.Count(got, secret), strings.Count(got, "[MASKED]"), strings.Count(want, "[MASKED]"))
		}
	}
}
