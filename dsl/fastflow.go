package dsl

import (
	"bytes"
	"strings"
)

// Flow collections and block scalars of the fast reader (readFast).

// flow reads a flow list or mapping that closes on its line, starting at
// t[p]; it returns the value and the position after it.
func (r *fastReader) flow(t []byte, p int) (any, int) {
	if !r.enter() {
		return nil, p
	}
	defer func() { r.depth-- }()
	if t[p] == '[' {
		return r.flowList(t, p)
	}
	return r.flowMap(t, p)
}

func (r *fastReader) flowList(t []byte, p int) (any, int) {
	p = skipSpaces(t, p+1)
	if p < len(t) && t[p] == ']' {
		return []any{}, p + 1
	}
	base := len(r.stack)
	for !r.bad {
		v, q := r.flowNode(t, p)
		if r.bad {
			break
		}
		r.stack = append(r.stack, v)
		if p = r.flowNext(t, q, ']'); p < 0 {
			return r.popList(base), -p
		}
	}
	r.stack = r.stack[:base]
	return nil, p
}

func (r *fastReader) flowMap(t []byte, p int) (any, int) {
	out := make(map[string]any, 4)
	p = skipSpaces(t, p+1)
	if p < len(t) && t[p] == '}' {
		return out, p + 1
	}
	for !r.bad {
		raw, q, ok := flowKey(t, p)
		if !ok {
			break
		}
		key := r.keyText(raw)
		if _, dup := out[key]; dup {
			break
		}
		q = skipSpaces(t, q)
		if q >= len(t) || t[q] == ',' || t[q] == '}' {
			break // a key without a value
		}
		v, q := r.flowNode(t, q)
		if r.bad {
			break
		}
		out[key] = v
		if p = r.flowNext(t, q, '}'); p < 0 {
			return out, -p
		}
	}
	r.decline()
	return nil, p
}

// flowNext reads what follows an entry of a flow collection at t[q]: a
// comma then the next entry's position, or the closing bracket and the
// negated position after it. A comma before the bracket, or the line's
// end, declines.
func (r *fastReader) flowNext(t []byte, q int, closing byte) int {
	q = skipSpaces(t, q)
	if q < len(t) && t[q] == closing {
		return -(q + 1)
	}
	if q < len(t) && t[q] == ',' {
		q = skipSpaces(t, q+1)
		if q < len(t) && t[q] != closing && t[q] != ',' {
			return q
		}
	}
	r.decline()
	return 0
}

// flowKey reads a key of a flow mapping, then ": ": the key as written,
// for keyText.
func flowKey(t []byte, p int) ([]byte, int, bool) {
	if p >= len(t) {
		return nil, 0, false
	}
	if t[p] == '"' || t[p] == '\'' {
		_, q, ok := quoted(t, p)
		if !ok {
			return nil, 0, false
		}
		raw := t[p:q]
		q = skipSpaces(t, q)
		if q+1 >= len(t) || t[q] != ':' || t[q+1] != ' ' {
			return nil, 0, false
		}
		return raw, q + 2, true
	}
	if plainIndicator(t[p]) {
		return nil, 0, false
	}
	for j := p; j < len(t); j++ {
		switch t[j] {
		case ',', '[', ']', '{', '}', '#', '?', '"', '\'':
			return nil, 0, false
		case ':':
			if flowColonInside(t, j) {
				continue // "arn:aws": part of the key
			}
			k := bytes.TrimRight(t[p:j], " ")
			if j+1 >= len(t) || t[j+1] != ' ' || string(k) == "<<" {
				return nil, 0, false
			}
			return k, j + 2, true
		}
	}
	return nil, 0, false
}

// flowColonInside reports whether the colon at t[j], in a plain scalar
// of a flow collection, is part of it (as in "img:1"): followed by a
// character that neither ends the scalar nor may be read otherwise.
func flowColonInside(t []byte, j int) bool {
	return j+1 < len(t) && !strings.ContainsRune(" ,[]{}?#\"'", rune(t[j+1]))
}

// flowNode reads an entry of a flow collection at t[p].
func (r *fastReader) flowNode(t []byte, p int) (any, int) {
	if p >= len(t) {
		r.decline()
		return nil, p
	}
	switch c := t[p]; {
	case c == '[' || c == '{':
		return r.flow(t, p)
	case c == '"' || c == '\'':
		s, q, ok := quoted(t, p)
		if !ok {
			r.decline()
		}
		return s, q
	case c == '-' && p+1 < len(t) && !strings.ContainsRune(" ,[]{}", rune(t[p+1])):
	case plainIndicator(c):
		r.decline()
		return nil, p
	}
	j := p
	for j < len(t) && !strings.ContainsRune(",[]{}", rune(t[j])) {
		if strings.ContainsRune("#?\"'", rune(t[j])) || (t[j] == ':' && !flowColonInside(t, j)) {
			r.decline()
			return nil, p
		}
		j++
	}
	v, ok := r.plain(bytes.TrimRight(t[p:j], " "))
	if !ok {
		r.decline()
	}
	return v, j
}

// blockScalar reads a literal (|) or folded (>) block scalar whose header
// is h, its content on the lines from r.i on, indented more than n (the
// column of the mapping or list it belongs to), as yaml.v3 reads it:
// chomping clips, strips (-) or keeps (+) the final line breaks; folding
// joins lines with a space except around more indented and empty lines.
// It declines an explicit indentation, an empty scalar, leading blank
// lines longer than the first line's indentation, and a scalar that ends
// the file without a line break.
func (r *fastReader) blockScalar(n int, h []byte) any {
	literal := h[0] == '|'
	chomp := byte(0)
	p := 1
	if p < len(h) && (h[p] == '+' || h[p] == '-') {
		chomp = h[p]
		p++
	}
	if !restIsComment(h, p) || (p < len(h) && h[p] != ' ') {
		r.decline()
		return nil
	}
	trailing, longest := 0, 0
	for r.i < r.end && r.lines[r.i].indent == len(r.lines[r.i].text) {
		longest = max(longest, len(r.lines[r.i].text))
		if !r.lines[r.i].broken {
			r.decline()
			return nil
		}
		trailing++
		r.i++
	}
	if r.i == r.end || r.lines[r.i].indent <= n || longest > r.lines[r.i].indent {
		r.decline()
		return nil
	}
	indent := r.lines[r.i].indent
	var b strings.Builder
	leadingBreak, leadingBlank := false, false
	for ; r.i < r.end; r.i++ {
		l := &r.lines[r.i]
		if l.indent == len(l.text) && len(l.text) <= indent {
			if !l.broken {
				break // the file's last line, blank: yaml.v3 ignores it
			}
			trailing++
			continue
		}
		if l.indent < indent {
			break
		}
		if !l.broken {
			r.decline()
			return nil
		}
		text := l.text[indent:]
		trailingBlank := text[0] == ' '
		if !literal && !leadingBlank && !trailingBlank && leadingBreak {
			if trailing == 0 {
				b.WriteByte(' ')
			}
		} else if leadingBreak {
			b.WriteByte('\n')
		}
		for ; trailing > 0; trailing-- {
			b.WriteByte('\n')
		}
		leadingBlank = trailingBlank
		b.Write(text)
		leadingBreak = true
	}
	if chomp != '-' && leadingBreak {
		b.WriteByte('\n')
	}
	if chomp == '+' {
		for ; trailing > 0; trailing-- {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
