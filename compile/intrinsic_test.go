package compile

import "testing"

func TestIntrinsicFormat(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(*intrinsicFormat)
		want string
	}{
		{"empty", func(*intrinsicFormat) {}, "States.Format('', )"},
		{"literal only", func(f *intrinsicFormat) { f.lit("a/b") }, "States.Format('a/b', )"},
		{"escaped", func(f *intrinsicFormat) { f.lit(`it's {x} \ y`) }, `States.Format('it\'s \{x\} \\ y', )`},
		{"escape last", func(f *intrinsicFormat) { f.lit("}") }, `States.Format('\}', )`},
		{"arguments", func(f *intrinsicFormat) {
			f.arg("$.artifacts")
			f.lit("/step/")
			f.arg("$.foreach.path")
		}, "States.Format('{}/step/{}', $.artifacts, $.foreach.path)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &intrinsicFormat{}
			c.f(f)
			if got := f.String(); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}
