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
