package quotaproxy_test

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/internal/quotaproxy"
)

// TestClientKeepsToTheQuotas: for every operation the proxy meters, the
// client's default bucket (its own entry, else "*") is no faster and no
// larger than AWS's, so that a client alone in an account at default
// quotas is never throttled.
func TestClientKeepsToTheQuotas(t *testing.T) {
	client := awsapi.NewLimiter(nil)
	for key, quota := range quotaproxy.DefaultRates() {
		if key == "*" || key == "STS.GetCallerIdentity" {
			continue // assumed figures for calls made once a run
		}
		service, op, _ := strings.Cut(key, ".")
		r := client.Rate(service, op)
		if r.PerSecond > quota.PerSecond || r.Burst > quota.Burst {
			t.Errorf("%s: the client allows %g per second, burst %d; AWS's quota is %g, burst %d", key, r.PerSecond, r.Burst, quota.PerSecond, quota.Burst)
		}
	}
}
