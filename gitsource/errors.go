package gitsource

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/sluice-dev/sluice"
)

// Errors a Repo's calls wrap; test with errors.Is.
var (
	// ErrUnreachable is returned when the remote cannot be read: the
	// network fails, the server answers with an error (5xx), or the
	// repository does not exist there. The caller keeps what it last
	// applied and tries again later.
	ErrUnreachable = errors.New("git remote unreachable")
	// ErrAuth is returned when the remote rejects the credentials, or when
	// an SSH host presents a key that known_hosts does not list for it.
	ErrAuth = errors.New("git authentication failed")
	// ErrNotFound is returned when a commit or reference is not in the
	// repository read.
	ErrNotFound = errors.New("git object not found")
)

// hostKeyError marks a refusal by the host key check, so that it can be
// told apart from other SSH handshake failures.
type hostKeyError struct{ err error }

func (e *hostKeyError) Error() string { return "ssh host key check: " + e.err.Error() }
func (e *hostKeyError) Unwrap() error { return e.err }

// classify wraps err, a failure to talk to the remote at url (already
// redacted), as a cancellation of ctx, an auth failure or an unreachable
// remote (a call that ran out of its own time included). SSH handshake
// failures that are neither network errors nor end of stream are auth
// failures: the ssh package has no typed error for a rejected key.
func classify(ctx context.Context, op, url string, overSSH bool, err error) error {
	switch {
	case ctx.Err() != nil:
		return sluice.E(op, sluice.KindTransient, fmt.Errorf("%s: %w", url, ctx.Err()))
	case isAuth(err) || (overSSH && !isNetwork(err)):
		return sluice.Stalled(sluice.E(op, sluice.KindPermission, fmt.Errorf("%s: %w: %w", url, ErrAuth, err)))
	default:
		return sluice.Transient(sluice.E(op, sluice.KindTransient, fmt.Errorf("%s: %w: %w", url, ErrUnreachable, err)))
	}
}

func isAuth(err error) bool {
	var hk *hostKeyError
	return errors.As(err, &hk) ||
		errors.Is(err, transport.ErrAuthenticationRequired) ||
		errors.Is(err, transport.ErrAuthorizationFailed) ||
		errors.Is(err, transport.ErrInvalidAuthMethod)
}

// isNetwork reports whether err says the remote could not be reached or
// dropped the connection, as opposed to refusing the client.
func isNetwork(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, transport.ErrRepositoryNotFound)
}
