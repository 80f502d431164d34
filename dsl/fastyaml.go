package dsl

import "unicode/utf8"

// readFast reads a file's documents straight into plain values, the
// values yaml.v3 and the converter would produce, without building
// yaml.Node trees. It reads only the YAML people write in pipelines:
// block mappings and lists, plain and quoted scalars on one line, flow
// lists and mappings on one line, literal and folded block scalars,
// comments and document markers. On anything else (anchors, aliases,
// tags, merge keys, complex keys, directives, tabs, duplicate keys,
// multi-line plain or quoted scalars, a plain scalar it cannot resolve
// exactly as yaml.v3 does, a root that is not a mapping, any syntax
// error) it declines (ok false) and the caller reads the file with
// yaml.v3, which stays the authority: declining costs a second parse,
// never a different result. It returns the non-empty documents in
// order, as splitDocuments does.
func readFast(data []byte) (docs []map[string]any, ok bool) {
	if !fastText(data) {
		return nil, false
	}
	r := &fastReader{lines: fastLines(data), keys: make(map[string]string, 32), texts: make(map[string]any, 32)}
	start, open, ended := 0, false, false
	for i := 0; i <= len(r.lines); i++ {
		mark := ""
		if i < len(r.lines) {
			mark = docMarker(r.lines[i].text)
		}
		switch mark {
		case "":
			if i < len(r.lines) {
				if !r.lines[i].blank() {
					if ended {
						return nil, false
					}
					open = true
				}
				continue
			}
		case "bad":
			return nil, false
		case "...":
			if !open || ended {
				return nil, false
			}
		}
		// A marker or the end of the file closes the document open.
		if open {
			v, ok := r.document(start, i)
			if !ok {
				return nil, false
			}
			if v != nil {
				docs = append(docs, v)
			}
		}
		start = i + 1
		open = mark == "---"
		ended = mark == "..."
	}
	return docs, true
}

// fastText reports whether data holds only characters the fast reader
// treats as yaml.v3 does: valid UTF-8, printable, no tab, no carriage
// return, no line break other than "\n".
func fastText(data []byte) bool {
	for i := 0; i < len(data); {
		b := data[i]
		if b < utf8.RuneSelf {
			if (b < 0x20 && b != '\n') || b == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1,
			r < 0xa0, // C1 controls, NEL
			r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
			return false
		}
		i += size
	}
	return true
}

// docMarker returns "---" or "..." for a document marker line, "bad" for
// a marker followed by something the fast reader does not read (a value
// on the marker's line), "" otherwise.
func docMarker(t []byte) string {
	if len(t) < 3 || (t[0] != '-' && t[0] != '.') || t[1] != t[0] || t[2] != t[0] {
		return ""
	}
	if len(t) > 3 && t[3] != ' ' {
		return ""
	}
	if !restIsComment(t, 3) {
		return "bad"
	}
	if t[0] == '-' {
		return "---"
	}
	return "..."
}

// restIsComment reports whether t from p on is blank or a comment
// preceded by a space.
func restIsComment(t []byte, p int) bool {
	q := skipSpaces(t, p)
	return q == len(t) || (t[q] == '#' && q > p)
}

// fastLine is one line of the source: its text without the line break,
// its indentation in spaces, and whether a line break ends it (the last
// line of a file may have none).
type fastLine struct {
	text   []byte
	indent int
	broken bool
}

// blank reports whether the line holds nothing but spaces or a comment.
func (l *fastLine) blank() bool {
	return l.indent == len(l.text) || l.text[l.indent] == '#'
}

func fastLines(data []byte) []fastLine {
	n := 1
	for _, b := range data {
		if b == '\n' {
			n++
		}
	}
	lines := make([]fastLine, 0, n)
	for len(data) > 0 {
		end, broken := len(data), false
		for i, b := range data {
			if b == '\n' {
				end, broken = i, true
				break
			}
		}
		t := data[:end]
		lines = append(lines, fastLine{text: t, indent: leadingSpaces(t), broken: broken})
		if broken {
			end++
		}
		data = data[end:]
	}
	return lines
}

// fastReader reads the lines of one document at a time.
type fastReader struct {
	lines []fastLine
	// i is the next line to read, end the line after the document.
	i, end int
	// col is where the entry at line i starts: its indentation, or
	// further right for a list item's content ("- key: value").
	col   int
	depth int
	// bad is set when the reader declines.
	bad bool
	// keys and texts share the strings of keys and of plain scalars
	// written more than once in the file.
	keys  map[string]string
	texts map[string]any
	// stack holds the items of the lists being read, nested lists
	// above their parents', each list made at its length (popList).
	stack []any
}

// popList returns the items on the stack from base up as a new list,
// and takes them off the stack.
func (r *fastReader) popList(base int) []any {
	out := make([]any, len(r.stack)-base)
	copy(out, r.stack[base:])
	clear(r.stack[base:])
	r.stack = r.stack[:base]
	return out
}

// maxFastDepth is below the converter's maxDepth, so that the yaml.v3
// path reports a file that nests too deep.
const maxFastDepth = maxDepth / 2

// document reads lines [start, end) as one document: nil for an empty
// one, else its root mapping.
func (r *fastReader) document(start, end int) (map[string]any, bool) {
	r.i, r.end, r.depth, r.bad = start, end, 0, false
	r.stack = r.stack[:0]
	if !r.peek() {
		return nil, true
	}
	l := &r.lines[r.i]
	r.col = l.indent
	if isDash(l.text, l.indent) {
		return nil, false
	}
	if _, _, st := fastKey(l.text, l.indent); st != keyFound {
		return nil, false
	}
	v := r.mapping(l.indent)
	if r.bad || r.peek() {
		return nil, false
	}
	return v, true
}

// peek skips blank and comment lines and reports whether a line is left
// in the document.
func (r *fastReader) peek() bool {
	for r.i < r.end && r.lines[r.i].blank() {
		r.i++
	}
	return r.i < r.end
}

func (r *fastReader) decline() {
	r.bad = true
}

func (r *fastReader) enter() bool {
	r.depth++
	if r.depth > maxFastDepth {
		r.bad = true
	}
	return !r.bad
}

// isDash reports whether t holds a list item's dash at p.
func isDash(t []byte, p int) bool {
	return p < len(t) && t[p] == '-' && (p+1 == len(t) || t[p+1] == ' ')
}

// mapping reads a block mapping whose keys are at column n, the first at
// line r.i, column r.col.
func (r *fastReader) mapping(n int) map[string]any {
	if !r.enter() {
		return nil
	}
	defer func() { r.depth-- }()
	m := make(map[string]any, 8)
	for first := true; first || r.continues(n, false); first = false {
		t := r.lines[r.i].text
		raw, p, st := fastKey(t, r.col)
		if st != keyFound {
			r.decline()
			return nil
		}
		key := r.keyText(raw)
		if _, dup := m[key]; dup {
			r.decline()
			return nil
		}
		r.i++
		m[key] = r.value(n, t, skipSpaces(t, p), true)
		if r.bad {
			return nil
		}
	}
	if r.bad {
		return nil
	}
	return m
}

// continues reports whether the block whose items or keys are at column
// n goes on at line r.i, with a list item (dash) or a key (!dash) at
// that column, and moves to it; a line deeper than n declines.
func (r *fastReader) continues(n int, dash bool) bool {
	if !r.peek() {
		return false
	}
	l := &r.lines[r.i]
	if l.indent < n || (l.indent == n && isDash(l.text, n) != dash) {
		return false
	}
	if l.indent > n {
		r.decline()
		return false
	}
	r.col = n
	return true
}

// sequence reads a block list whose dashes are at column n, the first at
// line r.i, column r.col.
func (r *fastReader) sequence(n int) []any {
	if !r.enter() {
		return nil
	}
	defer func() { r.depth-- }()
	base := len(r.stack)
	for first := true; first || r.continues(n, true); first = false {
		t := r.lines[r.i].text
		q := skipSpaces(t, r.col+1)
		var item any
		switch {
		case isDash(t, q):
			r.col = q
			item = r.sequence(q)
		case q < len(t) && t[q] != '#' && fastKeyStatus(t, q) == keyFound:
			r.col = q
			item = r.mapping(q)
		default:
			r.i++
			item = r.value(n, t, q, false)
		}
		if r.bad {
			return nil
		}
		r.stack = append(r.stack, item)
	}
	if r.bad {
		return nil
	}
	return r.popList(base)
}

// value reads what follows a key's colon or a list item's dash at t[p:]
// (p past the spaces), the line already consumed; n is the column of the
// mapping or list it belongs to. A key's value may be a list at the key's
// own column (sameColumn).
func (r *fastReader) value(n int, t []byte, p int, sameColumn bool) any {
	if p == len(t) || t[p] == '#' {
		return r.below(n, sameColumn)
	}
	switch t[p] {
	case '|', '>':
		return r.blockScalar(n, t[p:])
	case '[', '{':
		v, q := r.flow(t, p)
		if !r.bad && !restIsComment(t, q) {
			r.decline()
		}
		return v
	case '"', '\'':
		s, q, ok := quoted(t, p)
		if !ok || !restIsComment(t, q) {
			r.decline()
		}
		return s
	}
	v, ok := r.blockPlain(t[p:])
	if !ok {
		r.decline()
	}
	return v
}

// below reads a value written on the lines after its key or dash: a
// mapping or list indented more than n, a list at n after a key, or
// nothing (null).
func (r *fastReader) below(n int, sameColumn bool) any {
	if !r.peek() {
		return nil
	}
	l := &r.lines[r.i]
	switch {
	case l.indent == n && sameColumn && isDash(l.text, n):
		r.col = n
		return r.sequence(n)
	case l.indent <= n:
		return nil
	case isDash(l.text, l.indent):
		r.col = l.indent
		return r.sequence(l.indent)
	case fastKeyStatus(l.text, l.indent) == keyFound:
		r.col = l.indent
		return r.mapping(l.indent)
	}
	r.decline() // a scalar on the next line
	return nil
}
