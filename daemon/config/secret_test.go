package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/daemon/config"
)

func TestSecretRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t.Setenv("SLUICE_TEST_SECRET", "from-env\n")
	t.Setenv("SLUICE_TEST_EMPTY", "")
	tests := []struct {
		name    string
		secret  config.Secret
		want    string
		wantErr string // a part of the error; "" for none
	}{
		{"file with newline", config.Secret{File: write("a", "s3cret\n")}, "s3cret", ""},
		{"file with CRLF", config.Secret{File: write("b", "s3cret\r\n")}, "s3cret", ""},
		{"file keeps inner newlines", config.Secret{File: write("c", "line1\nline2\n\n")}, "line1\nline2\n", ""},
		{"env", config.Secret{Env: "SLUICE_TEST_SECRET"}, "from-env", ""},
		{"missing file", config.Secret{File: filepath.Join(dir, "nope")}, "", filepath.Join(dir, "nope")},
		{"unset env", config.Secret{Env: "SLUICE_TEST_UNSET_VARIABLE"}, "", "SLUICE_TEST_UNSET_VARIABLE is not set"},
		{"empty env", config.Secret{Env: "SLUICE_TEST_EMPTY"}, "", "env SLUICE_TEST_EMPTY"},
		{"empty file", config.Secret{File: write("d", "\n")}, "", "secret is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.secret.Read()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Read: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Read error = %v, want one containing %q", err, tt.wantErr)
			case string(got) != tt.want:
				t.Errorf("Read = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSecretReadEmptyIsSentinel(t *testing.T) {
	t.Setenv("SLUICE_TEST_EMPTY", "")
	_, err := config.Secret{Env: "SLUICE_TEST_EMPTY"}.Read()
	if !errors.Is(err, config.ErrEmptySecret) {
		t.Errorf("Read error = %v, want ErrEmptySecret", err)
	}
}

func TestHash(t *testing.T) {
	base := "stateFile: /s\nrepositories:\n  - {name: ml, url: 'https://h/r', environments: [{name: dev, branch: dev, backend: local, local: {dir: /l}}]}\n"
	same := "# a comment\nstateFile: /s\nlisten: 127.0.0.1:8080\nrepositories:\n- name: ml\n  url: https://h/r\n  environments:\n  - {backend: local, name: dev, branch: dev, local: {dir: /l}}\n"
	other := strings.Replace(base, "/s\n", "/t\n", 1)
	hash := func(src string) string {
		t.Helper()
		cfg, err := config.Parse("c.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return cfg.Hash()
	}
	if hash(base) != hash(same) {
		t.Error("two spellings of one configuration hash differently")
	}
	if hash(base) == hash(other) {
		t.Error("two configurations hash alike")
	}
	if len(hash(base)) != 64 {
		t.Errorf("hash %q is not hex SHA-256", hash(base))
	}
}

func TestLookups(t *testing.T) {
	cfg, err := config.Load("testdata/good/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := cfg.Repository("other"); !ok || r.URL != "http://127.0.0.1:8000/repo.git" {
		t.Errorf("Repository(other) = %+v, %v", r, ok)
	}
	if _, ok := cfg.Repository("nope"); ok {
		t.Error("Repository(nope) found")
	}
	if e, ok := cfg.Environment("other-dev"); !ok || e.Repository != "other" || e.Local == nil {
		t.Errorf("Environment(other-dev) = %+v, %v", e, ok)
	}
	if _, ok := cfg.Environment("nope"); ok {
		t.Error("Environment(nope) found")
	}
	var got []string
	for _, e := range cfg.Environments() {
		got = append(got, e.Name)
	}
	if strings.Join(got, ",") != "dev,prod,other-dev" {
		t.Errorf("Environments = %v", got)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := config.Load(filepath.Join(t.TempDir(), "absent.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load error = %v, want one wrapping os.ErrNotExist", err)
	}
}
