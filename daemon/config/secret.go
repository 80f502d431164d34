package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
)

// ErrEmptySecret is returned by Secret.Read when the file or variable holds
// nothing: an empty key would make every signature check pass trivially.
var ErrEmptySecret = errors.New("secret is empty")

// Secret names where a secret value is read from: a file or an environment
// variable, exactly one of them. The value itself never appears in the
// configuration.
type Secret struct {
	File string `json:"file,omitempty"`
	Env  string `json:"env,omitempty"`
}

// Read returns the secret's value with one trailing newline removed. It
// fails when the file cannot be read, the variable is unset, or the value
// is empty (wrapping ErrEmptySecret); the error names the file or the
// variable, never the value.
func (s Secret) Read() ([]byte, error) {
	var value []byte
	if s.File != "" {
		data, err := os.ReadFile(s.File)
		if err != nil {
			return nil, fmt.Errorf("read secret: %w", err)
		}
		value = data
	} else {
		v, ok := os.LookupEnv(s.Env)
		if !ok {
			return nil, fmt.Errorf("read secret: environment variable %s is not set", s.Env)
		}
		value = []byte(v)
	}
	value = bytes.TrimSuffix(value, []byte("\n"))
	value = bytes.TrimSuffix(value, []byte("\r"))
	if len(value) == 0 {
		return nil, fmt.Errorf("read secret from %s: %w", s, ErrEmptySecret)
	}
	return value, nil
}

// String says where the secret comes from ("file /etc/x" or "env X").
func (s Secret) String() string {
	if s.File != "" {
		return "file " + s.File
	}
	return "env " + s.Env
}

// Secrets returns every secret the configuration names, in file order:
// the API and read tokens, each repository's credentials and webhook
// secrets, and each local environment's PostgreSQL DSN. Known hosts are
// public keys and are left out.
func (c *Config) Secrets() []Secret {
	var out []Secret
	add := func(s *Secret) {
		if s != nil {
			out = append(out, *s)
		}
	}
	add(c.APIToken)
	out = append(out, c.ReadTokens...)
	for _, r := range c.Repositories {
		if r.Auth != nil {
			add(r.Auth.Token)
			add(r.Auth.SSHKey)
		}
		add(r.Webhooks.GitHub)
		add(r.Webhooks.GitLab)
		add(r.Webhooks.Generic)
		for _, e := range r.Environments {
			if e.Local != nil {
				add(e.Local.PostgresDSN)
			}
		}
	}
	return out
}
