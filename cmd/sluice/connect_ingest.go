package main

import (
	"context"
	"fmt"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/runs/ingest"
)

// ingest builds env's run ingestion (daemon.IngestConnector) on the
// same AWS configuration as its backends: the same credentials, endpoint
// and the account's shared limiter, so that ingestion and reconciles
// keep to AWS's quotas together.
func (c *connector) ingest(ctx context.Context, env config.Environment, rec awsapi.Recorder, queue string,
	sink ingest.RunSink) (*ingest.Drainer, *ingest.CatchUp, error) {
	a := env.AWS
	if a == nil {
		return nil, nil, fmt.Errorf("environment %s: no aws settings", env.Name)
	}
	t := awsapi.Target{Region: a.Region, RoleARN: a.RoleARN, ExternalID: a.ExternalID, Endpoint: a.Endpoint}
	cfg, err := awsapi.LoadConfig(ctx, t, awsapi.WithRecorder(rec), awsapi.WithLimiter(c.limiter(a)))
	if err != nil {
		return nil, nil, fmt.Errorf("environment %s: %w", env.Name, err)
	}
	return ingest.ForConfig(ctx, cfg, queue, sink, c.log.With("env", env.Name))
}
