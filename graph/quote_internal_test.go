package graph

import "testing"

// The quoting of labels escapes what Mermaid and DOT cannot show inside
// quotes, and quotes a label with nothing to escape as it is.
func TestQuoteLabels(t *testing.T) {
	tests := []struct {
		in, mermaid, dot string
	}{
		{"train", `"train"`, `"train"`},
		{"", `""`, `""`},
		{`a "b" <c>`, `"a #quot;b#quot; #lt;c#gt;"`, `"a \"b\" <c>"`},
		{"x\\y\nz", "\"x\\y\nz\"", `"x\\y\nz"`},
	}
	for _, tt := range tests {
		if got := mermaidText(tt.in); got != tt.mermaid {
			t.Errorf("mermaidText(%q) = %q, want %q", tt.in, got, tt.mermaid)
		}
		if got := dotQuote(tt.in); got != tt.dot {
			t.Errorf("dotQuote(%q) = %q, want %q", tt.in, got, tt.dot)
		}
	}
}
