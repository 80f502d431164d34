package config

import (
	"maps"

	"gopkg.in/yaml.v3"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// quotaSite is where an account's quotas were first given.
type quotaSite struct {
	path   string
	quotas map[string]awsapi.Rate
}

// quotas decodes a list of quota overrides, each
// "SERVICE.OPERATION=PERSECOND[/BURST]" (awsapi.ParseRate).
func (d *decoder) quotas(n *yaml.Node, path string) map[string]awsapi.Rate {
	out := map[string]awsapi.Rate{}
	d.list(n, path, func(item *yaml.Node, p string) {
		key, r, err := awsapi.ParseRate(d.str(item, p))
		switch _, dup := out[key]; {
		case err != nil:
			d.fail(item, p, "%v", err)
		case dup:
			d.fail(item, p, "quota %s given twice", key)
		default:
			out[key] = r
		}
	})
	return out
}

// sameQuotas refuses quotas that differ from those of an environment
// already declared in the same account and region: AWS's quotas belong
// to the account and region, and the daemon keeps one set of token
// buckets for each.
func (d *decoder) sameQuotas(a *AWS, n *yaml.Node, path string) {
	if d.accounts == nil {
		d.accounts = map[string]quotaSite{}
	}
	key := a.RoleARN + "|" + a.Region + "|" + a.Endpoint
	first, seen := d.accounts[key]
	switch {
	case !seen:
		d.accounts[key] = quotaSite{path: path, quotas: a.Quotas}
	case !maps.Equal(first.quotas, a.Quotas):
		d.fail(n, join(path, "quotas"), "differs from %s: environments in one account and region share its quotas; give them the same", join(first.path, "quotas"))
	}
}
