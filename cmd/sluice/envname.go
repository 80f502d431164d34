package main

import (
	"fmt"
	"strings"
)

// localEnv reads --env for a command that reads the repository itself
// rather than asking a daemon. A qualified name REPO/ENV, as a daemon
// calls an environment whose name another of its repositories uses, names
// the project's environment ENV, with its state under the key REPO/ENV
// (a daemon's state file, given with --state); a plain name is both. It
// rewrites *env to the project's environment and returns the state key.
func localEnv(env *string) (stateKey string, err error) {
	repo, name, qualified := strings.Cut(*env, "/")
	if !qualified {
		return *env, nil
	}
	if repo == "" || name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("--env %q: give an environment's name (dev) or its qualified name (REPO/ENV: app/dev)", *env)
	}
	key := *env
	*env = name
	return key, nil
}
