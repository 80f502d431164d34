package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/logs"
	"github.com/sluice-dev/sluice/daemon/config"
)

// logs builds env's reader of CloudWatch Logs (daemon.LogConnector) on
// the same AWS configuration as its backends and ingestion: the same
// credentials and endpoint, and the account's shared limiter.
func (c *connector) logs(ctx context.Context, env config.Environment, rec awsapi.Recorder) (sluice.LogReader, error) {
	a := env.AWS
	if a == nil {
		return nil, fmt.Errorf("environment %s: no aws settings", env.Name)
	}
	t := awsapi.Target{Region: a.Region, RoleARN: a.RoleARN, ExternalID: a.ExternalID, Endpoint: a.Endpoint}
	cfg, err := awsapi.LoadConfig(ctx, t, awsapi.WithRecorder(rec), awsapi.WithLimiter(c.limiter(a)))
	if err != nil {
		return nil, fmt.Errorf("environment %s: %w", env.Name, err)
	}
	return &logs.Reader{API: cloudwatchlogs.NewFromConfig(cfg)}, nil
}
