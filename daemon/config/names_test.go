package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/daemon/config"
)

// TestResolve resolves environment names of a configuration where two
// repositories both have dev: the qualified names always, the short name
// only where one repository has it.
func TestResolve(t *testing.T) {
	cfg, err := config.Load("testdata/good/shared-environment-name.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, key, repo string
		err             error
		says            string
	}{
		{name: "ml/dev", key: "ml/dev", repo: "ml"},
		{name: "other/dev", key: "other/dev", repo: "other"},
		{name: "prod", key: "prod", repo: "ml"},
		{name: "ml/prod", key: "prod", repo: "ml"},
		{name: "dev", err: config.ErrAmbiguousEnvironment, says: "did you mean ml/dev or other/dev"},
		{name: "other/prod", err: config.ErrUnknownEnvironment, says: "configured: ml/dev, prod, other/dev"},
		{name: "qa", err: config.ErrUnknownEnvironment},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := cfg.Resolve(c.name)
			if c.err != nil {
				if !errors.Is(err, c.err) || !strings.Contains(err.Error(), c.says) {
					t.Fatalf("Resolve(%q) = %v, %v; want %v saying %q", c.name, e, err, c.err, c.says)
				}
				return
			}
			if err != nil || e.ID() != c.key || e.Repository != c.repo {
				t.Fatalf("Resolve(%q) = %+v, %v; want key %s of %s", c.name, e, err, c.key, c.repo)
			}
		})
	}
}

// TestKeysOfOneRepository: a configuration without a clash keeps every
// environment's plain name as its key, as before qualified names existed.
func TestKeysOfOneRepository(t *testing.T) {
	cfg, err := config.Load("testdata/good/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cfg.Environments() {
		if e.ID() != e.Name || cfg.Clashes(e) {
			t.Errorf("%s: key %q, clashes %v; want its name and no clash", e.Qualified(), e.ID(), cfg.Clashes(e))
		}
	}
}
