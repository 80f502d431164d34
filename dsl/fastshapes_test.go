package dsl

import (
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
)

// shapePieces are the line contents TestFastReaderAgreesOnShapes puts
// together at random indentations: every construct the fast reader reads
// and its neighbours, so that the combinations (a list at a key's column,
// a block scalar ended by a comment, a marker inside a block) are tried
// far more often than byte mutations reach them.
var shapePieces = []string{
	"k: v", "a: 1", "b: 2.5", "c: -3", "d: true", "e: ~", "f: null", "g: 4Gi", "h: 1.0.3",
	"k:", "a:", "- x", "- 1", "-", "- k: v", "- a:", "- - x", "- - a: 1", "-   b: 2",
	"k: |", "k: |-", "k: |+", "k: >", "k: >-", "k: >+", "- |", "- >", "k: | # c",
	"text", "more text", "  indented text", "#c", "# comment", "", "  ", "      ",
	"---", "...", "--- # c", "k: [a, b]", "k: {a: 1, b: [x]}", "- [1, 2]", "- {a: b}",
	"k: 'q'", "k: \"d\\tq\"", "'k': v", "\"k\": v", "k: a # c", "k: a:b", "k: s3://x",
	"k: -m", "k: --v", "k: 0.01", "k: 10", "k: 2024-01-02", "k: x y", "k: []", "k: {}",
	"a b: c", "1: x", "true: y", "k: '' ", "k: a#b", "k: [a, [b, {c: d}]]", "k:  v  ",
	"k: :8080", "k: ?x", "k: 30d", "k: 1a", "k: ../x", "k: .5", "k: .inf", "k: {a: b:c, d::e}",
	"- [a:b, c:]", "k: {a:b}", "k: [x:, y]", "k: 0x1d", "k: 1e5", "k: 2001-12-14 21:59:43",
}

// shapeDoc builds a random document from shapePieces, each line
// indented mostly like, or two spaces off, the line before.
func shapeDoc(rng *rand.Rand) string {
	var b strings.Builder
	indent := 0
	for i := range 2 + rng.Intn(9) {
		if i > 0 {
			indent += []int{0, 0, 0, 2, 2, -2, -4, 1, -1, 3}[rng.Intn(10)]
			if indent < 0 || rng.Intn(8) == 0 {
				indent = 0
			}
		}
		b.WriteString(strings.Repeat(" ", indent))
		piece := shapePieces[rng.Intn(len(shapePieces))]
		if i == 0 && rng.Intn(2) == 0 {
			piece = shapePieces[rng.Intn(8)]
		}
		b.WriteString(piece)
		if rng.Intn(20) > 0 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestFastReaderAgreesOnShapes puts documents together from the pieces
// people write, at random, and checks the fast reader on each: it reads
// them as yaml.v3 does or declines. SLUICE_FASTYAML_SHAPES sets how many
// (20,000 by default).
func TestFastReaderAgreesOnShapes(t *testing.T) {
	n := 20000
	if s := os.Getenv("SLUICE_FASTYAML_SHAPES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	rng := rand.New(rand.NewSource(1))
	read := 0
	for i := 0; i < n && !t.Failed(); i++ {
		doc := shapeDoc(rng)
		if !fastAgrees(t, "shape "+strconv.Itoa(i), []byte(doc)) {
			read++
		}
	}
	t.Logf("%d documents: the fast reader read %d, declined %d", n, read, n-read)
	if read < n/20 {
		t.Errorf("the fast reader read %d of %d documents: the shapes no longer test it", read, n)
	}
}
