package rds

import "github.com/sluice-dev/sluice/backends/aws/awsapi"

// classify wraps err, from operation opName, with its kind and the retry
// decision awsapi's RDS table and rule give it: an instance busy in
// another operation waits (polled at the backend's interval), refusals a
// person must resolve (and specs that do not decode) stall, throttling,
// 5xx and the network are transient.
func (b *Backend) classify(opName string, err error) error {
	return awsapi.RDS(b.opts.Poll).Classify(opName, err)
}
