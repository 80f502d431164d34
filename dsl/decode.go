package dsl

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// plainDecoder is implemented by model types that accept more than one
// plain form (a memory size as a number or "8Gi", a command as a list or
// one string).
type plainDecoder interface {
	decodePlain(v any) error
}

// Decode fills out (a pointer to one of the spec types) from plain values
// (map[string]any, []any, string, int64, float64, bool, nil), following
// the json tags of the model. Keys the model does not know are ignored:
// the schema has already judged them. A value of the wrong shape is an
// error naming its path.
//
// It walks the values directly instead of encoding them to JSON and back:
// the compiler decodes every pipeline in every environment, and a round
// trip through encoding/json cost more than parsing the YAML.
func Decode(value any, out any) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("dsl.Decode: need a non-nil pointer, got %T", out)
	}
	return decodeInto(value, rv.Elem(), "")
}

func decodeInto(v any, rv reflect.Value, path string) error {
	if v == nil {
		return nil
	}
	if rv.CanAddr() {
		if pd, ok := rv.Addr().Interface().(plainDecoder); ok {
			return wrapPath(path, pd.decodePlain(v))
		}
	}
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			rv.Set(reflect.New(rv.Type().Elem()))
		}
		return decodeInto(v, rv.Elem(), path)
	case reflect.Struct:
		return decodeStruct(v, rv, path)
	case reflect.Map:
		return decodeMap(v, rv, path)
	case reflect.Slice:
		return decodeSlice(v, rv, path)
	case reflect.Interface:
		rv.Set(reflect.ValueOf(v))
		return nil
	default:
		return decodeScalar(v, rv, path)
	}
}

func decodeStruct(v any, rv reflect.Value, path string) error {
	m, ok := v.(map[string]any)
	if !ok {
		return mismatch(path, "a mapping", v)
	}
	t := rv.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if fv, ok := m[name]; ok {
			if err := decodeInto(fv, rv.Field(i), join(path, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

func decodeMap(v any, rv reflect.Value, path string) error {
	m, ok := v.(map[string]any)
	if !ok {
		return mismatch(path, "a mapping", v)
	}
	out := reflect.MakeMapWithSize(rv.Type(), len(m))
	for k, item := range m {
		ev := reflect.New(rv.Type().Elem()).Elem()
		if err := decodeInto(item, ev, join(path, k)); err != nil {
			return err
		}
		out.SetMapIndex(reflect.ValueOf(k), ev)
	}
	rv.Set(out)
	return nil
}

func decodeSlice(v any, rv reflect.Value, path string) error {
	list, ok := v.([]any)
	if !ok {
		return mismatch(path, "a list", v)
	}
	out := reflect.MakeSlice(rv.Type(), len(list), len(list))
	for i, item := range list {
		if err := decodeInto(item, out.Index(i), join(path, strconv.Itoa(i))); err != nil {
			return err
		}
	}
	rv.Set(out)
	return nil
}

func decodeScalar(v any, rv reflect.Value, path string) error {
	switch rv.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return mismatch(path, "a string", v)
		}
		rv.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return mismatch(path, "a boolean", v)
		}
		rv.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := toFloat(v)
		if !ok || n != math.Trunc(n) {
			return mismatch(path, "a whole number", v)
		}
		rv.SetInt(int64(n))
	case reflect.Float64, reflect.Float32:
		n, ok := toFloat(v)
		if !ok {
			return mismatch(path, "a number", v)
		}
		rv.SetFloat(n)
	default:
		return fmt.Errorf("%s: cannot decode into %s", path, rv.Type())
	}
	return nil
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func mismatch(path, want string, got any) error {
	return fmt.Errorf("%s: want %s, got %T", path, want, got)
}

func wrapPath(path string, err error) error {
	if err == nil || path == "" {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
