// Package redact removes known secret values from text before it is
// stored or served: the tokens, webhook secrets, database passwords and
// cloud keys a daemon holds, in case a step printed them.
//
// Redaction is a second line of defence. It finds a secret written as
// is, JSON-, HTML- or URL-escaped, whole or, for a secret of several
// lines, line by line; a step that encodes a secret otherwise (base64,
// reversed) defeats it. The boundary that keeps secrets from steps is
// the sandbox the local backend runs them in, and the job role on AWS.
package redact
