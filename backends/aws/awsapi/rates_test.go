package awsapi_test

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in      string
		key     string
		want    awsapi.Rate
		wantErr string
	}{
		{in: "SFN.CreateStateMachine=2/150", key: "SFN.CreateStateMachine", want: awsapi.Rate{PerSecond: 2, Burst: 150}},
		{in: "Batch.RegisterJobDefinition=100", key: "Batch.RegisterJobDefinition", want: awsapi.Rate{PerSecond: 100, Burst: 100}},
		{in: "SFN.ListTagsForResource=0.5", key: "SFN.ListTagsForResource", want: awsapi.Rate{PerSecond: 0.5, Burst: 1}},
		{in: " *=20/40 ", key: "*", want: awsapi.Rate{PerSecond: 20, Burst: 40}},
		{in: "Resource Groups Tagging API.GetResources=15/15", key: "Resource Groups Tagging API.GetResources", want: awsapi.Rate{PerSecond: 15, Burst: 15}},
		{in: "Batch.*=100/100", key: "Batch.*", want: awsapi.Rate{PerSecond: 100, Burst: 100}},
		{in: "Batch.Describe*=100", wantErr: "want SERVICE.OPERATION="},
		{in: "SFN.CreateStateMachine", wantErr: "want SERVICE.OPERATION="},
		{in: "CreateStateMachine=1", wantErr: "want SERVICE.OPERATION="},
		{in: "SFN.=1", wantErr: "want SERVICE.OPERATION="},
		{in: "SFN.CreateStateMachine=0", wantErr: "requests per second"},
		{in: "SFN.CreateStateMachine=fast", wantErr: "requests per second"},
		{in: "SFN.CreateStateMachine=1/0", wantErr: "burst"},
		{in: "SFN.CreateStateMachine=1/1.5", wantErr: "burst"},
	}
	for _, tt := range tests {
		key, r, err := awsapi.ParseRate(tt.in)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseRate(%q) error = %v, want one saying %q", tt.in, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || key != tt.key || r != tt.want):
			t.Errorf("ParseRate(%q) = %q, %+v, %v; want %q, %+v", tt.in, key, r, err, tt.key, tt.want)
		}
	}
}

func TestParseRatesRefusesDuplicates(t *testing.T) {
	if _, err := awsapi.ParseRates([]string{"SFN.CreateStateMachine=2", "SFN.CreateStateMachine=3"}); err == nil {
		t.Error("a quota given twice was accepted")
	}
	got, err := awsapi.ParseRates([]string{"SFN.CreateStateMachine=2/150", "*=10"})
	if err != nil || len(got) != 2 || got["*"].PerSecond != 10 {
		t.Errorf("ParseRates = %v, %v", got, err)
	}
}

// TestLimiterRate: an operation's own entry, else its service's
// "Service.*", else "*"; overrides replace defaults.
func TestLimiterRate(t *testing.T) {
	l := awsapi.NewLimiter(map[string]awsapi.Rate{"Batch.*": {PerSecond: 100, Burst: 100}, "SFN.CreateStateMachine": {PerSecond: 2, Burst: 150}})
	tests := []struct {
		service, op string
		want        awsapi.Rate
	}{
		{"SFN", "CreateStateMachine", awsapi.Rate{PerSecond: 2, Burst: 150}},
		{"SFN", "ListTagsForResource", awsapi.Rate{PerSecond: 1, Burst: 100}},
		{"Batch", "RegisterJobDefinition", awsapi.Rate{PerSecond: 100, Burst: 100}},
		{"RDS", "ModifyDBInstance", awsapi.Rate{PerSecond: 12, Burst: 300}},
		{"Lambda", "Invoke", awsapi.Rate{PerSecond: 50, Burst: 50}},
	}
	for _, tt := range tests {
		if got := l.Rate(tt.service, tt.op); got != tt.want {
			t.Errorf("Rate(%s, %s) = %+v, want %+v", tt.service, tt.op, got, tt.want)
		}
	}
}

// TestLimiterEffective: the client keeps each quota's rate and a burst
// Jitter's worth of refill smaller; where that leaves less than one
// request, a burst of one and the rate at which Jitter's worth fits the
// account's burst, no lower than Headroom of the quota.
func TestLimiterEffective(t *testing.T) {
	l := awsapi.NewLimiter(map[string]awsapi.Rate{"SFN.ListExecutions": {PerSecond: 0.5, Burst: 1}})
	tests := []struct {
		service, op string
		want        awsapi.Rate
	}{
		{"Batch", "DescribeJobDefinitions", awsapi.Rate{PerSecond: 49, Burst: 1}},
		{"SFN", "CreateStateMachine", awsapi.Rate{PerSecond: 1, Burst: 99}},
		{"SFN", "DescribeStateMachine", awsapi.Rate{PerSecond: 20, Burst: 180}},
		{"Resource Groups Tagging API", "GetResources", awsapi.Rate{PerSecond: 14, Burst: 1}},
		{"RDS", "DescribeDBInstances", awsapi.Rate{PerSecond: 12, Burst: 288}},
		{"SFN", "ListExecutions", awsapi.Rate{PerSecond: 0.45, Burst: 1}},
	}
	for _, tt := range tests {
		if got := l.Effective(tt.service, tt.op); got.Burst != tt.want.Burst || got.PerSecond < tt.want.PerSecond-1e-9 || got.PerSecond > tt.want.PerSecond+1e-9 {
			t.Errorf("Effective(%s, %s) = %+v, want %+v", tt.service, tt.op, got, tt.want)
		}
	}
}
