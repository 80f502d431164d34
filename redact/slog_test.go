package redact_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/redact"
)

type stringer string

func (s stringer) String() string { return string(s) }

func TestHandler(t *testing.T) {
	var b bytes.Buffer
	log := slog.New(redact.NewHandler(slog.NewTextHandler(&b, nil), redact.New([]byte("hunter22"))))
	log = log.With("ctx", "with hunter22").WithGroup("g")
	log.Info("message hunter22", "s", "x hunter22", "err", errors.New("dial postgres://u:hunter22@h"),
		"str", stringer("hunter22"), "n", 3, slog.Group("inner", "k", "hunter22"))
	out := b.String()
	if strings.Contains(out, "hunter22") {
		t.Errorf("log holds the secret:\n%s", out)
	}
	for _, want := range []string{"message [REDACTED]", "ctx=\"with [REDACTED]\"", "g.n=3", "g.inner.k=[REDACTED]", "g.err=\"dial postgres://u:[REDACTED]@h\""} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}
