package dsl

import "bytes"

// The line-level lexing locateMistake needs.

// keyEnd returns the index of the colon that ends a key starting at pos,
// and whether there is one.
func keyEnd(l []byte, pos int) (int, bool) {
	if pos >= len(l) {
		return 0, false
	}
	i := pos
	switch l[pos] {
	case '[', '{', '|', '>', '#':
		return 0, false
	case '"', '\'':
		j := bytes.IndexByte(l[pos+1:], l[pos])
		if j < 0 {
			return 0, false
		}
		i = pos + 1 + j + 1
		for i < len(l) && l[i] == ' ' {
			i++
		}
		if i < len(l) && l[i] == ':' && (i+1 == len(l) || l[i+1] == ' ') {
			return i, true
		}
		return 0, false
	}
	for ; i < len(l); i++ {
		switch {
		case l[i] == '#' && i > pos && l[i-1] == ' ':
			return 0, false
		case l[i] == ':' && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t'):
			return i, true
		}
	}
	return 0, false
}

// isKeyLine reports whether a line (from its first character) starts
// with a key: "name:" followed by a space or the end.
func isKeyLine(rest []byte) bool {
	_, ok := keyEnd(rest, 0)
	return ok && rest[0] != '-'
}

// isIndicator reports whether l[pos] begins a list item ("- ") or an
// explicit key or value ("? ", ": "), each followed by a node of its own.
func isIndicator(l []byte, pos int) bool {
	return pos < len(l) && (l[pos] == '-' || l[pos] == '?' || l[pos] == ':') && (pos+1 == len(l) || l[pos+1] == ' ')
}

func isItemLine(rest []byte) bool {
	return len(rest) > 0 && rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ')
}

func isMarker(l []byte, m string) bool {
	return bytes.HasPrefix(l, []byte(m)) && (len(l) == 3 || l[3] == ' ' || l[3] == '\t')
}

func leadingSpaces(l []byte) int {
	return len(l) - len(bytes.TrimLeft(l, " "))
}

func skipSpaces(l []byte, i int) int {
	for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
		i++
	}
	return i
}

// skipProperties skips the anchors (&name) and tags (!tag) at l[i].
func skipProperties(l []byte, i int) int {
	for i < len(l) && (l[i] == '&' || l[i] == '!') {
		i = skipSpaces(l, tokenEnd(l, i))
	}
	return i
}

func tokenEnd(l []byte, i int) int {
	for i < len(l) && l[i] != ' ' && l[i] != '\t' {
		i++
	}
	return i
}

func closer(open byte) byte {
	if open == '[' {
		return ']'
	}
	return '}'
}

func flowNoun(open byte) string {
	if open == '[' {
		return "list"
	}
	return "mapping"
}
