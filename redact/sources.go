package redact

import (
	"net/url"
	"strings"
)

// secretNames are the parts of an environment variable's name that mark
// its value as secret.
func secretNames() []string {
	return []string{"SECRET", "TOKEN", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE_KEY", "API_KEY", "ACCESS_KEY", "DSN"}
}

// FromEnviron returns the values of the variables in environ (as
// os.Environ gives them, "NAME=value") whose names mark them as secret:
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_ACCESS_KEY_ID, PGPASSWORD
// and any other name holding SECRET, TOKEN, PASSWORD, PASSWD, CREDENTIAL,
// PRIVATE_KEY, API_KEY, ACCESS_KEY or DSN. The password of a DSN value is
// returned as well.
func FromEnviron(environ []string) [][]byte {
	var out [][]byte
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || value == "" || !secretName(strings.ToUpper(name)) {
			continue
		}
		out = append(out, []byte(value))
		if p := DSNPassword(value); p != "" {
			out = append(out, []byte(p))
		}
	}
	return out
}

func secretName(name string) bool {
	for _, part := range secretNames() {
		if strings.Contains(name, part) {
			return true
		}
	}
	return false
}

// DSNPassword returns the password of a database DSN, in URL form
// ("postgres://user:PASSWORD@host/db") or key=value form
// ("host=h password=PASSWORD"), or "" when it holds none.
func DSNPassword(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			return p
		}
		return ""
	}
	for _, field := range strings.Fields(dsn) {
		if v, ok := strings.CutPrefix(field, "password="); ok {
			return strings.Trim(v, `'`)
		}
	}
	return ""
}
