package dsl

import "testing"

// fastCases are the constructs the fast reader reads (read: true), each
// checked against yaml.v3, and those it must leave to yaml.v3.
var fastCases = []struct {
	name string
	src  string
	read bool
}{
	{"mapping", "a: 1\nb: two\n", true},
	{"nested mapping", "a:\n  b:\n    c: x\n  d: y\ne: z\n", true},
	{"list", "a:\n  - x\n  - y\n", true},
	{"list at the key's column", "a:\n- x\n- y\nb: 1\n", true},
	{"list item mappings", "a:\n  - name: x\n    v: 1\n  - name: y\n", true},
	{"list root", "- a:\n  - x\n  b: 1\n", false},
	{"list at the key's column in an item", "k:\n- a:\n  - x\n  b: 1\n- c\n", true},
	{"indentless list then a less indented key", "k:\n  a:\n  - x\nb: 1\n", true},
	{"item mapping with a list", "a:\n- k:\n  - x\n  j: 1\n", true},
	{"compact nested list", "a:\n  - - x\n    - y\n  - - z\n", true},
	{"item on the next line", "a:\n  -\n    b: 1\n  -\n  - c\n", true},
	{"empty values", "a:\nb: ~\nc: null\nd: \"\"\ne: ''\n", true},
	{"booleans", "a: true\nb: False\nc: TRUE\nd: yes\ne: no\nf: on\ng: tRue\n", true},
	{"nulls", "a: Null\nb: NULL\nc: nULL\n", true},
	{"integers", "a: 0\nb: 10\nc: -5\nd: 123456789012345678\n", true},
	{"floats", "a: 0.01\nb: 1.0\nc: -2.50\nd: 3.10\n", true},
	{"strings with digits", "a: 4Gi\nb: 10s\nc: 5m\nd: 1.0.3\ne: 123456789012.dkr.ecr.us-east-1.amazonaws.com/ml:1.0\n", true},
	{"leading zero", "a: 007\n", false},
	{"octal-looking", "a: 0o17\n", false},
	{"hex", "a: 0x1F\n", false},
	{"underscore number", "a: 1_000\n", false},
	{"exponent", "a: 1e3\n", false},
	{"positive sign", "a: +1\n", false},
	{"dot float", "a: .5\n", false},
	{"dot float exponent", "a: .5e3\n", false},
	{"dot words", "a: ../../etc\nb: ./x/\nc: .hidden\nd: .5e999\ne: ...\n", true},
	{"dot infinity", "a: .Inf\n", false},
	{"colon and question starts", "a: :8080\nb: ?x\n", true},
	{"durations and hashes", "a: 30d\nb: 1d\nc: 6f9d59118f0c7c\nd: 10000d\ne: 1a\n", true},
	{"hex with letters", "a: 0x1d\n", false},
	{"hex-looking float", "a: 1e5\nb: 0b11\n", false},
	{"flow arn", "a: {role: arn:aws:iam::1:role/x, b: [x::y]}\n", true},
	{"infinity", "a: .inf\n", false},
	{"nan", "a: .nan\n", false},
	{"negative infinity", "a: -.inf\n", false},
	{"big integer", "a: 99999999999999999999\n", false},
	{"timestamp", "a: 2024-01-02\nb: 2024-13-45\nc: 1-2\nd: 10.0.0.1\n", true},
	{"binary with a sign", "a: 0b-1\n", false},
	{"exponent sign", "a: 1e-3\n", false},
	{"underscore and dots", "a: 1_0.0.0\n", false},
	{"timestamp with time", "a: 2001-12-14t21:59:43.10-05:00\n", true},
	{"sign words", "a: -name\nb: --verbose\nc: -m\n", true},
	{"plain with colons", "a: s3://bucket/key\nb: a:b\nc: x:#y\n", true},
	{"plain with hash", "a: a#b\nb: c # comment\n", true},
	{"plain with spaces", "a: Input  data. more\n", true},
	{"plain with flow characters", "a: x[0] {y}, z\n", true},
	{"key with spaces and brackets", "a b[0]: 1\nc  : 2\n", true},
	{"typed-looking keys", "1: a\ntrue: b\nnull: c\n~: d\n1.5: e\n", true},
	{"quoted keys", "\"a\": 1\n'b c': 2\n\"d\\te\": 3\n", true},
	{"single quoted", "a: 'it''s'\nb: ' x '\nc: '#'\n", true},
	{"double quoted escapes", `a: "x\ty\n\\ \"q\" \x41\u00e9\U0001F600 \0\a\b\v\f\r\e\ \N\_\L\P\'"` + "\n", true},
	{"unknown escape", `a: "\/"` + "\n", false},
	{"surrogate escape", `a: "\ud800"` + "\n", false},
	{"short escape", `a: "\x4"` + "\n", false},
	{"quoted then text", "a: 'x' y\n", false},
	{"quoted then comment", "a: 'x' # c\nb: \"y\"  # d\n", true},
	{"flow list", "a: [x, 'y', \"z\", 1, 2.5, true, ~, -m, --v, [], {}]\n", true},
	{"flow mapping", "a: {b: 1, c: [x, y], 'd': e, f: {g: h}}\n", true},
	{"flow spaces", "a: [ x ,y , z ]\nb: { c: d }\n", true},
	{"flow plain with spaces", "a: {description: Input data., b: x y}\n", true},
	{"flow trailing comma", "a: [x, y,]\n", false},
	{"flow empty entry", "a: [x, , y]\n", false},
	{"flow over lines", "a: [x,\n  y]\n", false},
	{"flow key without value", "a: {b}\n", false},
	{"flow null value", "a: {b: }\n", false},
	{"flow duplicate key", "a: {b: 1, b: 2}\n", false},
	{"flow colon in plain", "a: [s3://x, img:1]\nb: {image: img:1, arn:aws:x: y}\n", true},
	{"flow colon then space", "a: [x: y]\n", false},
	{"flow colon at the end", "a: [x:]\nb: {c:}\n", false},
	{"flow colon before comma", "a: [x:, y]\n", false},
	{"flow key without space", "a: {b:c}\n", false},
	{"flow then text", "a: [x] y\n", false},
	{"flow then comment", "a: [x] # c\n", true},
	{"flow json key", "a: {\"b\":1}\n", false},
	{"comments", "# head\na: 1 # one\n  # indented\n# col 0\nb:   # nothing\n  - x # item\n", true},
	{"documents", "a: 1\n---\nb: 2\n--- # c\nc: 3\n...\n---\nd: 4\n", true},
	{"empty documents", "---\n---\n# only a comment\n---\na: 1\n---\n...\n", true},
	{"document end then text", "a: 1\n...\nb: 2\n", false},
	{"end before a document", "...\na: 1\n", false},
	{"marker with value", "--- a\n", false},
	{"marker with block", "--- |\n  x\n", false},
	{"literal", "a: |\n  line 1\n   more\n\n  line 3\nb: 1\n", true},
	{"literal strip", "a: |-\n  x\n\n\nb: 1\n", true},
	{"literal keep", "a: |+\n  x\n\n\nb: 1\n", true},
	{"literal keep at end", "a: |+\n  x\n\n", true},
	{"folded", "a: >\n  one\n  two\n\n  three\n    indented\n  four\n\nb: >-\n  x\n  y\n", true},
	{"folded keep", "a: >+\n  x\n\n  y\n\n\n", true},
	{"block with comment header", "a: | # c\n  x\n", true},
	{"block in list", "- |\n  x\n- >\n y\n", false},
	{"block in list value", "a:\n  - |\n    x\n  - >\n   y\n", true},
	{"block in item mapping", "a:\n- b: |\n    x\n  c: 1\n", true},
	{"block with leading blank lines", "a: |\n\n  x\n", true},
	{"block with a long leading blank line", "a: |\n      \n  x\n", false},
	{"block with trailing spaces line", "a: |\n  x\n     \n  y\n", true},
	{"block with comment-like content", "a: |\n  # not a comment\n  x\n# comment\nb: 1\n", true},
	{"block indentation indicator", "a: |2\n   x\n", false},
	{"empty block", "a: |\nb: 1\n", false},
	{"block at end without newline", "a: |\n  x", false},
	{"block then key without newline", "a: |\n  x\nb: 1", true},
	{"block at end, blank without newline", "a: |\n  x\n  ", true},
	{"no final newline", "a: 1\nb: x", true},
	{"indented root", "  a: 1\n  b: 2\n", true},
	{"anchor", "a: &x 1\nb: *x\n", false},
	{"tag", "a: !!str 1\n", false},
	{"merge key", "a: &x {b: 1}\nc:\n  <<: *x\n", false},
	{"plain merge key", "<<: 1\n", false},
	{"complex key", "? a\n: 1\n", false},
	{"directive", "%YAML 1.2\n---\na: 1\n", false},
	{"tab", "a:\n\tb: 1\n", false},
	{"tab in value", "a: x\ty\n", false},
	{"carriage return", "a: 1\r\nb: 2\r\n", false},
	{"duplicate key", "a: 1\na: 2\n", false},
	{"duplicate key quoted", "a: 1\n'a': 2\n", false},
	{"multi-line plain", "a: one\n  two\n", false},
	{"multi-line quoted", "a: \"one\n  two\"\n", false},
	{"multi-line single quoted", "a: 'one\n  two'\n", false},
	{"scalar root", "hello\n", false},
	{"list root", "- a\n- b\n", false},
	{"flow root", "{a: 1}\n", false},
	{"null root", "~\n", false},
	{"mapping in a value", "a: b: c\n", false},
	{"value ends in colon", "a: b:\n", false},
	{"list item in a mapping", "a: 1\n- b\n", false},
	{"bad indentation", "a:\n    b: 1\n  c: 2\n", false},
	{"deeper after a value", "a: 1\n  b: 2\n", false},
	{"scalar on the next line", "a:\n  x\n", false},
	{"unclosed quote", "a: \"x\n", false},
	{"unclosed flow", "a: [x\n", false},
	{"dash value", "a: - x\n", false},
	{"reserved start", "a: @x\nb: `y`\n", false},
	{"percent value", "a: %x\n", false},
	{"question value", "a: ? x\n", false},
	{"control character", "a: \x01\n", false},
	{"nbsp", "a: x\u00a0y\n", true},
	{"unicode", "a: héllo 世界 😀\n", true},
	{"line separator", "a: x\u2028y\n", false},
	{"bom inside", "a: x\ufeffy\n", false},
	{"deep", deepYAML(120), false},
	{"not so deep", deepYAML(60), true},
}

func deepYAML(n int) string {
	s := ""
	for i := range n {
		for range i {
			s += " "
		}
		s += "k:\n"
	}
	return s
}

// TestFastReaderCases checks each case: read exactly as yaml.v3 reads it,
// or declined.
func TestFastReaderCases(t *testing.T) {
	for _, c := range fastCases {
		t.Run(c.name, func(t *testing.T) {
			declined := fastAgrees(t, c.name, []byte(c.src))
			if declined == c.read {
				t.Errorf("read %v, want %v:\n%s", !declined, c.read, c.src)
			}
		})
	}
}
