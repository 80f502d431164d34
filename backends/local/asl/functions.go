package asl

import (
	"crypto/md5"  //nolint:gosec // States.Hash offers MD5 as Step Functions does
	"crypto/sha1" //nolint:gosec // States.Hash offers SHA-1 as Step Functions does
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"reflect"
	"strings"
)

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

// eval evaluates the arguments, then the function. A path that does not
// resolve fails with States.Runtime, a function given the wrong kind of
// argument with States.IntrinsicFailure.
func (c *call) eval(e *env) (any, error) {
	args := make([]any, len(c.args))
	for i, a := range c.args {
		v, err := a.eval(e)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	v, err := c.apply(e, args)
	if err != nil {
		return nil, &Failure{Name: ErrIntrinsicFailure, Cause: c.name + ": " + err.Error()}
	}
	return v, nil
}

func (c *call) apply(e *env, a []any) (any, error) {
	switch c.name {
	case "States.Format":
		return c.formatString(e.run, a[1:]), nil
	case "States.StringToJson":
		return stringToJSON(a[0])
	case "States.JsonToString":
		return string(e.run.encode(a[0])), nil
	case "States.Array":
		return a, nil
	case "States.JsonMerge":
		return jsonMerge(a[0], a[1], a[2])
	case "States.UUID":
		return e.run.uuid(), nil
	case "States.MathRandom":
		return mathRandom(e, a)
	}
	return applyPure(c.name, a)
}

// applyPure runs the functions that depend on their arguments only.
func applyPure(name string, a []any) (any, error) {
	switch name {
	case "States.ArrayPartition":
		return arrayPartition(a[0], a[1])
	case "States.ArrayContains":
		return arrayContains(a[0], a[1])
	case "States.ArrayRange":
		return arrayRange(a[0], a[1], a[2])
	case "States.ArrayGetItem":
		return arrayGetItem(a[0], a[1])
	case "States.ArrayLength":
		arr, ok := a[0].([]any)
		if !ok {
			return nil, fmt.Errorf("the argument is not an array")
		}
		return jsonInt(len(arr)), nil
	case "States.ArrayUnique":
		return arrayUnique(a[0])
	case "States.MathAdd":
		return mathAdd(a[0], a[1])
	case "States.StringSplit":
		return stringSplit(a[0], a[1])
	}
	return applyEncoding(name, a)
}

func applyEncoding(name string, a []any) (any, error) {
	s, ok := a[0].(string)
	if !ok {
		return nil, fmt.Errorf("the first argument is not a string")
	}
	switch name {
	case "States.Base64Encode":
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	case "States.Base64Decode":
		b, err := base64.StdEncoding.DecodeString(s)
		return string(b), err
	}
	return hashString(s, a[1])
}

// formatString fills the template's {} with the arguments: strings as
// they are, other values as JSON.
func (c *call) formatString(r *run, args []any) string {
	var b strings.Builder
	for i, piece := range c.format {
		b.WriteString(piece)
		if i < len(args) {
			if s, ok := args[i].(string); ok {
				b.WriteString(s)
			} else {
				b.Write(r.encode(args[i]))
			}
		}
	}
	return b.String()
}

func stringToJSON(v any) (any, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("the argument is not a string")
	}
	out, err := decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("the string is not JSON: %w", err)
	}
	return out, nil
}

// jsonMerge merges b's keys over a's; deep merges nested objects too.
func jsonMerge(a, b, deep any) (any, error) {
	left, ok1 := a.(map[string]any)
	right, ok2 := b.(map[string]any)
	d, ok3 := deep.(bool)
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("needs two objects and a boolean")
	}
	return merge(left, right, d), nil
}

func merge(left, right map[string]any, deep bool) map[string]any {
	out := make(map[string]any, len(left)+len(right))
	for k, v := range left {
		out[k] = v
	}
	for k, v := range right {
		l, lok := out[k].(map[string]any)
		r, rok := v.(map[string]any)
		if deep && lok && rok {
			v = merge(l, r, true)
		}
		out[k] = v
	}
	return out
}

func arrayPartition(a, size any) (any, error) {
	arr, ok := a.([]any)
	n, nok := integer(size)
	if !ok || !nok || n <= 0 {
		return nil, fmt.Errorf("needs an array and a positive chunk size")
	}
	out := []any{}
	for i := 0; i < len(arr); i += n {
		out = append(out, append([]any(nil), arr[i:min(i+n, len(arr))]...))
	}
	return out, nil
}

func arrayContains(a, v any) (any, error) {
	arr, ok := a.([]any)
	if !ok {
		return nil, fmt.Errorf("the first argument is not an array")
	}
	for _, x := range arr {
		if reflect.DeepEqual(x, v) {
			return true, nil
		}
	}
	return false, nil
}

func arrayRange(start, end, step any) (any, error) {
	s, ok1 := integer(start)
	e, ok2 := integer(end)
	st, ok3 := integer(step)
	if !ok1 || !ok2 || !ok3 || st == 0 {
		return nil, fmt.Errorf("needs integer start, end and a non-zero step")
	}
	out := []any{}
	for i := s; (st > 0 && i <= e) || (st < 0 && i >= e); i += st {
		if len(out) == 1000 {
			return nil, fmt.Errorf("a range has at most 1000 items")
		}
		out = append(out, jsonInt(i))
	}
	return out, nil
}

func arrayGetItem(a, index any) (any, error) {
	arr, ok := a.([]any)
	i, iok := integer(index)
	if !ok || !iok || i < 0 || i >= len(arr) {
		return nil, fmt.Errorf("needs an array and an index within it")
	}
	return arr[i], nil
}

func arrayUnique(a any) (any, error) {
	arr, ok := a.([]any)
	if !ok {
		return nil, fmt.Errorf("the argument is not an array")
	}
	out := []any{}
	for _, x := range arr {
		if dup, _ := arrayContains(out, x); dup != true {
			out = append(out, x)
		}
	}
	return out, nil
}

func mathAdd(a, b any) (any, error) {
	x, ok1 := integer(a)
	y, ok2 := integer(b)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("needs two integers")
	}
	return jsonInt(x + y), nil
}

func mathRandom(e *env, a []any) (any, error) {
	lo, ok1 := integer(a[0])
	hi, ok2 := integer(a[1])
	if !ok1 || !ok2 || hi <= lo {
		return nil, fmt.Errorf("needs integers start < end")
	}
	return jsonInt(lo + e.run.intN(hi-lo)), nil
}

func stringSplit(s, delims any) (any, error) {
	str, ok1 := s.(string)
	d, ok2 := delims.(string)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("needs two strings")
	}
	parts := strings.FieldsFunc(str, func(r rune) bool { return strings.ContainsRune(d, r) })
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func hashString(s string, alg any) (any, error) {
	var h hash.Hash
	switch alg {
	case "MD5":
		h = md5.New() //nolint:gosec // offered as Step Functions does
	case "SHA-1":
		h = sha1.New() //nolint:gosec // offered as Step Functions does
	case "SHA-256":
		h = sha256.New()
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		return nil, fmt.Errorf("unknown algorithm %v", alg)
	}
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil)), nil
}
