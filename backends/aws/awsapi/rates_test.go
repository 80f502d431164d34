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
