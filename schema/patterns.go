package schema

// PatternHint returns what a pattern of the embedded schemas means, in
// words for messages and the DSL reference ("a duration such as 30s, 5m,
// 2h, 1d or 1h30m"), or "" for a pattern it does not know.
func PatternHint(pattern string) string {
	switch pattern {
	case `^([0-9]+(ms|s|m|h|d))+$`:
		return "a duration such as 30s, 5m, 2h, 1d or 1h30m"
	case `^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$`:
		return "a memory size such as 512Mi, 8Gi or 2G, or a whole number of MiB"
	case `^(ssm|secretsmanager):.+`:
		return "a reference to a secret, ssm:PARAMETER or secretsmanager:SECRET, never the secret itself"
	case `^[A-Za-z_][A-Za-z0-9_]*$`:
		return "a name of letters, digits and underscores that does not start with a digit"
	case `^[a-z][a-z0-9_-]*$`:
		return "a name of lowercase letters, digits, - and _ that starts with a letter"
	case `^[a-z][a-z0-9-]*$`:
		return "a name of lowercase letters, digits and - that starts with a letter"
	case `^(parameters|outputs)\.[A-Za-z_][A-Za-z0-9_]*$`:
		return "parameters.NAME (a list parameter) or outputs.KEY (a list the step wrote)"
	case `^outputs\.[A-Za-z_][A-Za-z0-9_.]*$`:
		return "outputs.KEY, a key of the outputs.json the step writes"
	case `^\S+(\s+\S+){5}$`:
		return `a cron expression of six fields as EventBridge reads it, such as "0 3 * * ? *"`
	case `^[0-9]+ (minute|minutes|hour|hours|day|days)$`:
		return `a rate such as "30 minutes", "6 hours" or "1 day"`
	case `^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$`:
		return "an IANA time zone such as UTC or Europe/Berlin"
	}
	if hint := keyPatternHint(pattern); hint != "" {
		return hint
	}
	return awsPatternHint(pattern)
}

// awsPatternHint covers the patterns of AWS identifiers.
func awsPatternHint(pattern string) string {
	switch pattern {
	case `^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$`:
		return "an IAM role ARN such as arn:aws:iam::123456789012:role/NAME"
	case `^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`:
		return "an S3 bucket ARN such as arn:aws:s3:::my-bucket"
	case `^fs-[0-9a-f]+$`:
		return "an EFS file system ID such as fs-0123abcd"
	case `^fsap-[0-9a-f]+$`:
		return "an EFS access point ID such as fsap-0123abcd"
	case `^/`:
		return "an absolute path such as /mnt/data"
	case `^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$`:
		return "a folder relative to the repository root, such as deploy or ml/deploy"
	case `^[a-z0-9-]+(\.[a-z0-9-]+)?$`:
		return "an EC2 instance type or family such as m5.large, g5 or optimal"
	case `^subnet-[0-9a-f]+$`:
		return "a subnet ID such as subnet-0123abcd"
	case `^sg-[0-9a-f]+$`:
		return "a security group ID such as sg-0123abcd"
	case `^db\.[a-z0-9]+\.[a-z0-9]+$`:
		return "an RDS instance class such as db.t4g.medium"
	case `^[0-9]+(\.[0-9]+)?$`:
		return "a PostgreSQL version such as 16 or 16.3"
	case `^[A-Za-z0-9 ._-]{1,255}$`:
		return "a DB subnet group name of letters, digits, spaces, ., _ and -"
	case `^[A-Za-z][A-Za-z0-9_]*$`:
		return "a name of letters, digits and underscores that starts with a letter"
	}
	return ""
}

// forbiddenHint words what a pattern under "not" rules out. It returns
// the diagnostic code and the rest of a sentence whose subject is the
// value, or "", "" for a pattern it does not know.
func forbiddenHint(pattern string) (code, text string) {
	switch pattern {
	case `^(SLUICE_|AWS_BATCH)`:
		return "schema.reserved", "starts with SLUICE_ or AWS_BATCH, which are reserved for the variables Sluice and AWS Batch set; rename it"
	case `^(aws:|sluice\.dev/)`:
		return "schema.reserved", "starts with aws: or sluice.dev/, which are reserved for AWS and for Sluice's ownership tags; rename it"
	case `(^|/)\.\.?(/|$)`:
		return "schema.pattern", "has a . or .. segment; name a folder inside the repository without them"
	}
	return "", ""
}

// keyPatternHint covers the patterns of map keys.
func keyPatternHint(pattern string) string {
	switch pattern {
	case `^.{1,63}$`:
		return "a key of 1 to 63 characters"
	case `^.{1,128}$`:
		return "a key of 1 to 128 characters"
	}
	return ""
}
