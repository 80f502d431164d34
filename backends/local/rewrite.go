package local

import "strings"

// rewrite replaces every s3://BUCKET in s by the local directory of
// BUCKET, so "s3://b/run/1" becomes "DATA/buckets/b/run/1": step
// programs given local directories read and write artifacts there.
func (w *World) rewrite(s string) string {
	const scheme = "s3://"
	var out strings.Builder
	for {
		i := strings.Index(s, scheme)
		if i < 0 {
			out.WriteString(s)
			return out.String()
		}
		rest := s[i+len(scheme):]
		n := strings.IndexFunc(rest, func(r rune) bool { return !isBucketRune(r) })
		if n < 0 {
			n = len(rest)
		}
		out.WriteString(s[:i])
		if n == 0 {
			out.WriteString(scheme)
		} else {
			out.WriteString(w.BucketDir(rest[:n]))
		}
		s = rest[n:]
	}
}

// isBucketRune reports whether r may appear in an S3 bucket name.
func isBucketRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.'
}
