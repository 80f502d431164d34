package redact_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice/redact"
)

func TestRedactor(t *testing.T) {
	key := "-----BEGIN KEY-----\nAAAAB3NzaC1yc2EAAAADAQAB\nQ2FuYXJ5S2V5TGluZQ==\n-----END KEY-----\n"
	r := redact.New([]byte("tok-123456\n"), []byte(`pa"ss&<w>rd`), []byte(key), []byte("ab"), []byte("tok-123456-longer"))
	jsonText, _ := json.Marshal(map[string]string{"cause": `pa"ss&<w>rd`})
	cases := []struct{ name, in, want string }{
		{"plain", "token is tok-123456.", "token is [REDACTED]."},
		{"longer secret masked whole", "x tok-123456-longer y", "x [REDACTED] y"},
		{"JSON-escaped", string(jsonText), `{"cause":"[REDACTED]"}`},
		{"HTML-escaped", "<td>pa&#34;ss&amp;&lt;w&gt;rd</td>", "<td>[REDACTED]</td>"},
		{"URL-escaped", "u=" + url.QueryEscape(`pa"ss&<w>rd`), "u=[REDACTED]"},
		{"key line by line", "line: Q2FuYXJ5S2V5TGluZQ==\n", "line: [REDACTED]\n"},
		{"short value ignored", "ab cd", "ab cd"},
		{"nothing secret", "all good", "all good"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.String(tc.in); got != tc.want {
				t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if r.Short() != 1 {
		t.Errorf("Short() = %d, want 1", r.Short())
	}
}

func TestRedactorNilAndEmpty(t *testing.T) {
	var nilR *redact.Redactor
	if got := nilR.String("tok"); got != "tok" {
		t.Errorf("nil Redactor changed %q", got)
	}
	b := []byte("unchanged")
	if got := redact.New().Bytes(b); &got[0] != &b[0] {
		t.Error("Bytes copied a slice with nothing to redact")
	}
}

func TestRedactorSetConcurrent(t *testing.T) {
	r := redact.New([]byte("first-secret"))
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if i == 0 {
					r.Set([]byte("first-secret"), []byte("second-secret"))
				} else if strings.Contains(r.String("first-secret"), "first") {
					t.Error("a secret leaked during Set")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestFromEnviron(t *testing.T) {
	env := []string{
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG",
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
		"SLUICE_PG_DSN=postgres://sluice:canary-pw@db:5432/x",
		"HOME=/home/sluice",
		"EMPTY_TOKEN=",
		"broken",
	}
	var got []string
	for _, v := range redact.FromEnviron(env) {
		got = append(got, string(v))
	}
	want := []string{"wJalrXUtnFEMI/K7MDENG", "AKIAIOSFODNN7EXAMPLE", "postgres://sluice:canary-pw@db:5432/x", "canary-pw"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("FromEnviron = %q, want %q", got, want)
	}
}

func TestDSNPassword(t *testing.T) {
	cases := map[string]string{
		"postgres://u:p%40ss@h/db":            "p@ss",
		"postgres://u@h/db":                   "",
		"host=h user=u password='s3cret' x=y": "s3cret",
		"host=h user=u":                       "",
	}
	for dsn, want := range cases {
		if got := redact.DSNPassword(dsn); got != want {
			t.Errorf("DSNPassword(%q) = %q, want %q", dsn, got, want)
		}
	}
}

func TestGenerationCountsSets(t *testing.T) {
	var none *redact.Redactor
	r := redact.New()
	if none.Generation() != 0 || r.Generation() != 1 {
		t.Fatalf("generations %d and %d, want 0 and 1", none.Generation(), r.Generation())
	}
	r.Set([]byte("a-secret-value"))
	if r.Generation() != 2 {
		t.Errorf("generation %d after a Set, want 2", r.Generation())
	}
}
