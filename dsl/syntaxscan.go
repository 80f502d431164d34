package dsl

import (
	"bytes"
	"fmt"
)

// yaml.v3 places many syntax errors where it noticed them, not where
// they were made: an unclosed quote is reported where the string finally
// ends (lines later), an unclosed bracket at the start of its line, a
// badly indented key at the start of the mapping it breaks. locateMistake
// scans a file yaml.v3 refused for the mistakes people make by hand and
// returns the first one, at the character at fault. It runs only on a
// file that failed to parse, so a valid repository never pays for it.
//
// It follows YAML's block structure line by line: indentation levels and
// whether each holds a mapping or a list, block scalars (whose lines are
// text), quoted strings and flow collections ([...], {...}) that may
// span lines. A construct still open on a line that looks like the next
// key or list item, no more indented than the line that opened it, was
// never closed.

// mistake is a located syntax error.
type mistake struct {
	line, col int // 1-based; col counts bytes
	msg       string
}

// level is one indentation level of the block structure.
type level struct {
	indent int
	list   bool // a list's items, not a mapping's keys
	// first is the line that opened the level, lines how many lines
	// start at it (0 for a level opened after a "- " on a line).
	first, lines int
}

// opener is an open quote or bracket.
type opener struct {
	ch        byte
	line, col int
}

type syntaxScan struct {
	lines  [][]byte
	line   int // 1-based, of the line being scanned
	levels []level
	// opened: the last block line left a value to come on deeper lines
	// ("key:" or "-" alone).
	opened bool
	// inScalar: the last block line wrote a value; deeper lines than
	// scalarAt, the column of its key (or item), continue that value, so
	// a key there is misindented.
	inScalar bool
	scalarAt int
	// inBlock: inside a block scalar, whose lines exceed blockAt.
	inBlock bool
	blockAt int
	quote   *opener
	flow    []opener
	// openAt is the indentation lines inside an open quote or flow must
	// exceed.
	openAt int
	// start: the next character begins a token (a quote there opens a
	// quoted string; inside a plain scalar it is a character).
	start bool
}

// locateMistake returns the first hand-made syntax mistake in data, if it
// finds one.
func locateMistake(data []byte) (mistake, bool) {
	s := &syntaxScan{lines: bytes.Split(data, []byte("\n"))}
	for i, raw := range s.lines {
		s.line = i + 1
		if m, ok := s.scanLine(bytes.TrimSuffix(raw, []byte("\r"))); ok {
			return m, true
		}
	}
	return s.unclosed()
}

func (s *syntaxScan) at(col int, format string, args ...any) (mistake, bool) {
	return mistake{line: s.line, col: col + 1, msg: fmt.Sprintf(format, args...)}, true
}

func (s *syntaxScan) scanLine(l []byte) (mistake, bool) {
	ind := leadingSpaces(l)
	text := bytes.TrimLeft(l, " \t")
	blank := len(text) == 0 || text[0] == '#'
	if s.inBlock {
		if blank || ind > s.blockAt {
			return mistake{}, false
		}
		s.inBlock = false
	}
	if s.quote != nil || len(s.flow) > 0 {
		return s.continuation(l, ind)
	}
	if blank || l[0] == '%' {
		return mistake{}, false
	}
	if isMarker(l, "---") || isMarker(l, "...") {
		s.levels, s.opened, s.inScalar = nil, false, false
		if pos := skipSpaces(l, 3); pos < len(l) && l[pos] != '#' {
			return s.value(l, pos, -1) // "--- |" and the like
		}
		return mistake{}, false
	}
	if s.inScalar && ind > s.scalarAt {
		if isKeyLine(l[ind:]) {
			if m, ok := s.loneLine(s.scalarAt, ind); ok {
				return m, ok
			}
			return s.at(ind, "this key is indented deeper than the line above it, whose value is already written; indent it as the keys it belongs with")
		}
		return mistake{}, false // the plain value goes on
	}
	s.inScalar = false
	if t := bytes.IndexByte(l[:len(l)-len(text)], '\t'); t >= 0 {
		return s.at(t, "a tab indents this line; YAML indents with spaces only")
	}
	return s.blockLine(l, ind)
}

// continuation scans a line inside a quote or flow left open above.
func (s *syntaxScan) continuation(l []byte, ind int) (mistake, bool) {
	rest := bytes.TrimLeft(l, " \t")
	if len(rest) > 0 && ind <= s.openAt && (isKeyLine(rest) || isItemLine(rest)) {
		return s.unclosed()
	}
	s.start = true
	return s.scanChars(l, 0)
}

// unclosed reports the quote or innermost bracket left open, if any.
func (s *syntaxScan) unclosed() (mistake, bool) {
	if q := s.quote; q != nil {
		return mistake{line: q.line, col: q.col + 1,
			msg: fmt.Sprintf("this quoted string is never closed: the %c that opens it has no matching %c", q.ch, q.ch)}, true
	}
	if n := len(s.flow); n > 0 {
		o := s.flow[n-1]
		return mistake{line: o.line, col: o.col + 1,
			msg: fmt.Sprintf("this %c is never closed: add %c where the %s ends", o.ch, closer(o.ch), flowNoun(o.ch))}, true
	}
	return mistake{}, false
}

// blockLine checks a line of the block structure: its indentation, its
// list items, its key and its value.
func (s *syntaxScan) blockLine(l []byte, ind int) (mistake, bool) {
	pos, first := ind, true
	for isIndicator(l, pos) {
		if m, ok := s.enter(pos, l[pos] == '-', first); ok {
			return m, ok
		}
		first = false
		pos = skipSpaces(l, pos+1)
		if pos == len(l) || l[pos] == '#' {
			s.opened = true
			return mistake{}, false
		}
	}
	node := pos
	pos = skipProperties(l, pos)
	end, isKey := keyEnd(l, pos)
	if !isKey {
		if first {
			ind-- // a flow or quote opened at the start of a line may go on at its column
		}
		return s.value(l, pos, ind)
	}
	if m, ok := s.enter(node, false, first); ok {
		return m, ok
	}
	return s.value(l, skipSpaces(l, end+1), node)
}

// enter places a list item or key at column col: the first on its line
// is checked against the levels above, one after a "- " opens a level.
func (s *syntaxScan) enter(col int, list, first bool) (mistake, bool) {
	opened := s.opened
	s.opened = false
	if !first {
		s.levels = append(s.levels, level{indent: col, list: list, first: s.line})
		return mistake{}, false
	}
	n := len(s.levels)
	if n == 0 || col > s.levels[n-1].indent {
		s.levels = append(s.levels, level{indent: col, list: list, first: s.line, lines: 1})
		return mistake{}, false
	}
	inner := 0
	for n > 0 && s.levels[n-1].indent > col {
		inner = s.levels[n-1].indent
		n--
	}
	if n == 0 || s.levels[n-1].indent != col {
		if m, ok := s.loneLine(inner, col); ok {
			return m, ok
		}
		outer := 0
		if n > 0 {
			outer = s.levels[n-1].indent
		}
		return s.at(col, "this line is indented by %d spaces, which matches none of the levels around it (%d or %d spaces)", col, outer, inner)
	}
	s.levels = s.levels[:n]
	top := &s.levels[n-1]
	top.lines++
	switch {
	case top.list == list:
	case list && opened:
		s.levels = append(s.levels, level{indent: col, list: true}) // "key:" then "- item" at the key's column
	case !list && n > 1 && s.levels[n-2].indent == col && !s.levels[n-2].list:
		s.levels = s.levels[:n-1] // the next key after such a list
	case list:
		return s.at(col, "a list item among the keys of a mapping: indent it under a key, or write it as a key")
	default:
		return s.at(col, "a key among the items of a list: start it with \"- \", or indent it under an item")
	}
	return mistake{}, false
}

// loneLine blames the one line that opened the level at indent when the
// line being scanned, at theirs, is more likely right: the next line of
// the same block agrees with it, or it keeps the file's indentation step
// from the enclosing level and the lone line does not.
func (s *syntaxScan) loneLine(indent, theirs int) (mistake, bool) {
	i := len(s.levels) - 1
	for i >= 0 && s.levels[i].indent != indent {
		i--
	}
	if i < 0 || s.levels[i].lines != 1 {
		return mistake{}, false
	}
	lv, outer := s.levels[i], 0
	if i > 0 {
		outer = s.levels[i-1].indent
	}
	unit := s.indentUnit(lv.first)
	if s.nextIndent(theirs) != theirs && ((indent-outer)%unit == 0 || (theirs-outer)%unit != 0) {
		return mistake{}, false
	}
	return mistake{line: lv.first, col: indent + 1, msg: fmt.Sprintf(
		"this line is indented by %d spaces and the lines after it that belong with it by %d; indent it as they are", indent, theirs)}, true
}

// nextIndent returns the indentation of the next line after the one being
// scanned that holds more than a comment and is indented at most limit,
// or -1.
func (s *syntaxScan) nextIndent(limit int) int {
	for _, l := range s.lines[s.line:] {
		text := bytes.TrimLeft(l, " ")
		if t := bytes.TrimSpace(text); len(t) > 0 && t[0] != '#' && len(l)-len(text) <= limit {
			return len(l) - len(text)
		}
	}
	return -1
}

// indentUnit returns the file's indentation step: the indentation of its
// first indented line other than line skip (and the one being scanned).
func (s *syntaxScan) indentUnit(skip int) int {
	for i, l := range s.lines {
		text := bytes.TrimLeft(l, " ")
		if ind := len(l) - len(text); ind > 0 && i+1 != skip && i+1 != s.line && len(bytes.TrimSpace(text)) > 0 && text[0] != '#' {
			return ind
		}
	}
	return 2
}

// value checks the value that starts at pos of a line whose key (or
// item) is at column owner.
func (s *syntaxScan) value(l []byte, pos, owner int) (mistake, bool) {
	pos = skipProperties(l, pos)
	if pos == len(l) || l[pos] == '#' {
		s.opened = true
		return mistake{}, false
	}
	switch l[pos] {
	case '|', '>':
		s.inBlock, s.blockAt = true, owner
		return mistake{}, false
	case '"', '\'', '[', '{':
		s.openAt, s.start = owner, true
		if m, ok := s.scanChars(l, pos); ok {
			return m, ok
		}
		if s.quote == nil && len(s.flow) == 0 {
			s.inScalar, s.scalarAt = true, owner
		}
		return mistake{}, false
	}
	for i := pos; i < len(l); i++ {
		switch {
		case l[i] == '#' && l[i-1] == ' ':
			i = len(l)
		case l[i] == ':' && (i+1 == len(l) || l[i+1] == ' '):
			return s.at(i, "a value may not hold a colon followed by a space or the end of the line: put the value in quotes")
		}
	}
	s.inScalar, s.scalarAt = true, owner
	return mistake{}, false
}

// scanChars follows quotes and brackets from l[from], stopping at a
// comment.
func (s *syntaxScan) scanChars(l []byte, from int) (mistake, bool) {
	for i := from; i < len(l); i++ {
		c := l[i]
		if q := s.quote; q != nil {
			switch {
			case q.ch == '"' && c == '\\':
				i++
			case q.ch == '\'' && c == '\'' && i+1 < len(l) && l[i+1] == '\'':
				i++
			case c == q.ch:
				s.quote, s.start = nil, false
			}
			continue
		}
		switch {
		case c == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t'):
			return mistake{}, false
		case (c == '"' || c == '\'') && s.start:
			s.quote = &opener{ch: c, line: s.line, col: i}
		case c == '[' || c == '{':
			s.flow = append(s.flow, opener{ch: c, line: s.line, col: i})
			s.start = true
		case (c == ']' || c == '}') && len(s.flow) > 0:
			o := s.flow[len(s.flow)-1]
			if c != closer(o.ch) {
				return mistake{line: o.line, col: o.col + 1,
					msg: fmt.Sprintf("this %c is closed by the %c on line %d column %d; close it with %c", o.ch, c, s.line, i+1, closer(o.ch))}, true
			}
			s.flow, s.start = s.flow[:len(s.flow)-1], false
		case c == ',' || c == ' ' || c == '\t':
			s.start = s.start || c == ',' || (i > 0 && l[i-1] == ':')
		default:
			s.start = c == '?' || c == '-' && s.start
		}
	}
	return mistake{}, false
}
