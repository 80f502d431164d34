package rds

import (
	"encoding/json"
	"errors"

	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice"
)

// stalledKind returns the kind of an RDS refusal a person must resolve,
// KindOther for any other code.
func stalledKind(code string) sluice.Kind {
	switch code {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "KMSKeyNotAccessibleFault":
		return sluice.KindPermission
	case "DBInstanceAlreadyExists", "DBSnapshotAlreadyExists":
		return sluice.KindConflict
	case "InvalidParameterCombination", "InvalidParameterValue", "StorageQuotaExceeded",
		"InstanceQuotaExceeded", "InsufficientDBInstanceCapacity", "DBSubnetGroupNotFoundFault",
		"DBSecurityGroupNotFound", "DBParameterGroupNotFound", "OptionGroupNotFoundFault",
		"StorageTypeNotSupported", "InvalidVPCNetworkStateFault", "InvalidSubnet",
		"DBSubnetGroupDoesNotCoverEnoughAZs", "InvalidDBSubnetGroupStateFault":
		return sluice.KindInvalid
	default:
		return sluice.KindOther
	}
}

// isCode reports whether err is an RDS API error with that code.
func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

// classify wraps err, from operation opName, with its kind and retry
// decision: an instance busy in another operation is waiting, refusals a
// person must resolve (and specs that do not decode) are stalled,
// anything else transient.
func (b *Backend) classify(opName string, err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case isCode(err, "InvalidDBInstanceState"):
		return sluice.Waiting(b.opts.Poll, sluice.E(opName, sluice.KindConflict, err))
	case errors.As(err, &syntax) || errors.As(err, &typ):
		return sluice.Stalled(sluice.E(opName, sluice.KindInvalid, err))
	case errors.As(err, &ae) && stalledKind(ae.ErrorCode()) != sluice.KindOther:
		return sluice.Stalled(sluice.E(opName, stalledKind(ae.ErrorCode()), err))
	default:
		return sluice.Transient(sluice.E(opName, sluice.KindTransient, err))
	}
}
