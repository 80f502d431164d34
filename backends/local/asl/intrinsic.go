package asl

import (
	"fmt"
	"strings"
)

// An expr is a value computed from a state's data: a literal, a path, or
// an intrinsic function call.
type expr interface {
	eval(e *env) (any, error)
}

type literal struct{ v any }

func (l literal) eval(*env) (any, error) { return l.v, nil }

// pathExpr reads a path, failing with States.Runtime when it does not
// resolve.
type pathExpr struct{ p *path }

func (x pathExpr) eval(e *env) (any, error) {
	v, ok := e.lookup(x.p)
	if !ok {
		return nil, runtimeError("the path %q matches nothing in %s", x.p.text, e.describe(x.p))
	}
	return v, nil
}

// call is an intrinsic function with its arguments; format holds the
// pieces of a States.Format template, split on its unescaped "{}".
type call struct {
	name   string
	args   []expr
	format []string
}

// parseIntrinsic compiles "States.Name(args...)".
func parseIntrinsic(s string) (*call, error) {
	l := &lexer{s: s}
	c, err := l.call()
	if err != nil {
		return nil, fmt.Errorf("intrinsic %q: %w", s, err)
	}
	if l.skipSpace(); l.i != len(s) {
		return nil, fmt.Errorf("intrinsic %q: unexpected text after the call", s)
	}
	return c, nil
}

type lexer struct {
	s string
	i int
}

func (l *lexer) skipSpace() {
	for l.i < len(l.s) && l.s[l.i] == ' ' {
		l.i++
	}
}

func (l *lexer) call() (*call, error) {
	open := strings.IndexByte(l.s[l.i:], '(')
	if open < 0 {
		return nil, fmt.Errorf("missing (")
	}
	c := &call{name: strings.TrimSpace(l.s[l.i : l.i+open])}
	l.i += open + 1
	raws, err := l.args(c)
	if err != nil {
		return nil, err
	}
	if err := c.check(raws); err != nil {
		return nil, err
	}
	return c, nil
}

// args reads the arguments up to the closing parenthesis; raws keeps the
// escaped text of string literals, which States.Format needs.
func (l *lexer) args(c *call) ([]string, error) {
	var raws []string
	for {
		l.skipSpace()
		if l.i >= len(l.s) {
			return nil, fmt.Errorf("missing )")
		}
		if l.s[l.i] == ')' && len(c.args) == 0 {
			l.i++
			return raws, nil
		}
		arg, raw, err := l.arg()
		if err != nil {
			return nil, err
		}
		c.args, raws = append(c.args, arg), append(raws, raw)
		l.skipSpace()
		if l.i >= len(l.s) {
			return nil, fmt.Errorf("missing )")
		}
		l.i++
		if l.s[l.i-1] == ')' {
			return raws, nil
		}
		if l.s[l.i-1] != ',' {
			return nil, fmt.Errorf("expected , or ) at %d", l.i-1)
		}
	}
}

func (l *lexer) arg() (expr, string, error) {
	rest := l.s[l.i:]
	switch {
	case rest[0] == '\'':
		return l.str()
	case rest[0] == '$':
		text := l.token()
		p, err := parsePath(text, false)
		return pathExpr{p}, "", err
	case strings.HasPrefix(rest, "States."):
		c, err := l.call()
		return c, "", err
	}
	tok := l.token()
	v, err := decode([]byte(tok))
	if err != nil {
		return nil, "", fmt.Errorf("bad argument %q", tok)
	}
	return literal{v}, "", nil
}

// token reads up to the next top-level comma or closing parenthesis,
// skipping over brackets and quoted names inside a path.
func (l *lexer) token() string {
	start, depth := l.i, 0
	var quote byte
	for ; l.i < len(l.s); l.i++ {
		c := l.s[l.i]
		switch {
		case quote != 0 && c == '\\':
			l.i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0 && (c == ',' || c == ')' || c == ' '):
			return l.s[start:l.i]
		}
	}
	return l.s[start:]
}

// str reads a quoted literal: \' \{ \} and \\ escape those characters.
func (l *lexer) str() (expr, string, error) {
	var b strings.Builder
	start := l.i + 1
	for l.i++; l.i < len(l.s); l.i++ {
		switch c := l.s[l.i]; c {
		case '\\':
			if l.i+1 < len(l.s) {
				l.i++
				b.WriteByte(l.s[l.i])
			}
		case '\'':
			raw := l.s[start:l.i]
			l.i++
			return literal{b.String()}, raw, nil
		default:
			b.WriteByte(c)
		}
	}
	return nil, "", fmt.Errorf("unclosed string")
}

// formatPieces splits an escaped template on its unescaped "{}".
func formatPieces(raw string) []string {
	var pieces []string
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		switch {
		case raw[i] == '\\' && i+1 < len(raw):
			i++
			b.WriteByte(raw[i])
		case raw[i] == '{' && i+1 < len(raw) && raw[i+1] == '}':
			pieces = append(pieces, b.String())
			b.Reset()
			i++
		default:
			b.WriteByte(raw[i])
		}
	}
	return append(pieces, b.String())
}

// check verifies the function exists and takes this many arguments.
func (c *call) check(raws []string) error {
	lo, hi, ok := arity(c.name)
	if !ok {
		return fmt.Errorf("unknown intrinsic function %s", c.name)
	}
	if n := len(c.args); n < lo || (hi >= 0 && n > hi) {
		return fmt.Errorf("%s takes %s arguments, not %d", c.name, arityText(lo, hi), n)
	}
	if c.name != "States.Format" {
		return nil
	}
	if lit, ok := c.args[0].(literal); !ok || !isString(lit.v) {
		return fmt.Errorf("States.Format needs a literal template as its first argument")
	}
	c.format = formatPieces(raws[0])
	if len(c.format)-1 != len(c.args)-1 {
		return fmt.Errorf("States.Format template has %d {} for %d arguments", len(c.format)-1, len(c.args)-1)
	}
	return nil
}

// arity returns the least and most arguments a function takes (-1: no
// limit), and false for an unknown function.
func arity(name string) (lo, hi int, ok bool) {
	switch name {
	case "States.UUID":
		return 0, 0, true
	case "States.StringToJson", "States.JsonToString", "States.ArrayLength", "States.ArrayUnique",
		"States.Base64Encode", "States.Base64Decode":
		return 1, 1, true
	case "States.ArrayPartition", "States.ArrayContains", "States.ArrayGetItem", "States.Hash",
		"States.MathAdd", "States.StringSplit":
		return 2, 2, true
	case "States.ArrayRange", "States.JsonMerge":
		return 3, 3, true
	case "States.MathRandom":
		return 2, 3, true
	case "States.Format":
		return 1, -1, true
	case "States.Array":
		return 0, -1, true
	}
	return 0, 0, false
}

func arityText(lo, hi int) string {
	switch {
	case hi < 0:
		return fmt.Sprintf("at least %d", lo)
	case lo == hi:
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}
