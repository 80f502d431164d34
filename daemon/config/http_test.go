package config_test

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/daemon/config"
)

func TestHostAllowed(t *testing.T) {
	parse := func(t *testing.T, text string) *config.Config {
		t.Helper()
		cfg, err := config.Parse("d.yaml", []byte(text+"stateFile: /s\nrepositories:\n  - {name: ml, url: https://h/ml, environments: [{name: dev, branch: dev, backend: local, local: {dir: /w}}]}\n"))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	cases := []struct {
		name, config, host string
		want               bool
	}{
		{"loopback by default", "", "localhost:8080", true},
		{"loopback IPv6", "", "[::1]:8080", true},
		{"listen host", "listen: 10.1.2.3:80\n", "10.1.2.3", true},
		{"wildcard listen adds nothing", "listen: 0.0.0.0:80\n", "0.0.0.0:80", false},
		{"rebinding name refused", "", "attacker.example:8080", false},
		{"configured name, any case", "http: {allowedHosts: [sluice.example.com]}\n", "SLUICE.example.com.:443", true},
		{"no Host refused", "", "", false},
		{"any host", "http: {allowedHosts: ['*']}\n", "attacker.example", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := parse(t, tc.config).HTTP.HostAllowed(tc.host); got != tc.want {
				t.Errorf("HostAllowed(%q) = %v, want %v", tc.host, got, tc.want)
			}
		})
	}
}

func TestSecrets(t *testing.T) {
	cfg, err := config.Load("testdata/good/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range cfg.Secrets() {
		got = append(got, s.String())
	}
	want := "file /etc/sluice/api-token|file /etc/sluice/id_ed25519|env GITHUB_WEBHOOK_SECRET|file testdata/good/gitlab-token|env HOOK_SECRET|env TOKEN|env SLUICE_PG_DSN"
	if text := strings.Join(got, "|"); text != want {
		t.Errorf("Secrets() = %s\nwant        %s", text, want)
	}
}
