package daemon

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/sluice-dev/sluice/daemon/config"
)

// localSecrets reads the secrets of every environment on the local
// backend and returns a fingerprint of their values per environment, so
// that a reload applies a changed value as it applies a changed setting.
// It refuses a configuration whose secret cannot be read, and one in
// which environments sharing a data directory differ in its settings:
// they share one world, which cannot follow both.
func localSecrets(cfg *config.Config) (map[string]string, error) {
	out := map[string]string{}
	type site struct {
		env, workdir, dsn string
	}
	dirs := map[string]site{}
	for _, r := range cfg.Repositories {
		for _, e := range r.Environments {
			if e.Local == nil {
				continue
			}
			s := site{env: e.ID(), workdir: e.Local.Workdir}
			if e.Local.PostgresDSN != nil {
				dsn, err := e.Local.PostgresDSN.Read()
				if err != nil {
					return nil, fmt.Errorf("environment %s: local.postgresDSN: %w", e.ID(), err)
				}
				s.dsn = string(dsn)
			}
			if first, ok := dirs[e.Local.Dir]; ok && (first.workdir != s.workdir || first.dsn != s.dsn) {
				return nil, fmt.Errorf("environment %s: local settings differ from those of %s, which shares local.dir %s: "+
					"environments on one data directory share its world; give them the same workdir and postgresDSN", e.ID(), first.env, e.Local.Dir)
			}
			dirs[e.Local.Dir] = s
			sum := sha256.Sum256([]byte(s.dsn))
			out[e.ID()] = hex.EncodeToString(sum[:])
		}
	}
	return out, nil
}
