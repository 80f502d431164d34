package quotaproxy_test

import (
	"testing"
	"time"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/internal/quotaproxy"
)

func TestMinDuration(t *testing.T) {
	rates := map[string]awsapi.Rate{
		"*":                      {PerSecond: 50, Burst: 100},
		"SFN.CreateStateMachine": {PerSecond: 1, Burst: 100},
	}
	tests := []struct {
		name   string
		counts map[string]quotaproxy.Count
		want   time.Duration
		which  string
	}{
		{"within the burst", map[string]quotaproxy.Count{"SFN.CreateStateMachine": {Passed: 100}}, 0, ""},
		{"past the burst", map[string]quotaproxy.Count{"SFN.CreateStateMachine": {Passed: 130, Throttled: 9}}, 30 * time.Second, "SFN.CreateStateMachine"},
		{"the slowest operation sets it", map[string]quotaproxy.Count{
			"SFN.CreateStateMachine":      {Passed: 110},
			"Batch.RegisterJobDefinition": {Passed: 1100},
		}, 20 * time.Second, "Batch.RegisterJobDefinition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, which := quotaproxy.MinDuration(tt.counts, rates)
			if got != tt.want || which != tt.which {
				t.Errorf("MinDuration = %v, %q; want %v, %q", got, which, tt.want, tt.which)
			}
		})
	}
}

func TestDefaultRatesCoverSluicesCalls(t *testing.T) {
	rates := quotaproxy.DefaultRates()
	for key, want := range map[string]awsapi.Rate{
		"SFN.CreateStateMachine":      {PerSecond: 1, Burst: 100},
		"SFN.DescribeStateMachine":    {PerSecond: 20, Burst: 200},
		"RDS.DescribeDBInstances":     {PerSecond: 12, Burst: 300},
		"Batch.RegisterJobDefinition": {PerSecond: 50, Burst: 50},
	} {
		if rates[key] != want {
			t.Errorf("DefaultRates()[%s] = %+v, want %+v", key, rates[key], want)
		}
	}
	if _, ok := rates["*"]; !ok {
		t.Error("DefaultRates has no \"*\" entry for unlisted operations")
	}
}
