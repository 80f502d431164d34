package config

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of Resolve, for callers to map to their own answers.
var (
	// ErrUnknownEnvironment: no configured environment has that name.
	ErrUnknownEnvironment = errors.New("unknown environment")
	// ErrAmbiguousEnvironment: several repositories have an environment
	// of that name; the error lists their qualified names.
	ErrAmbiguousEnvironment = errors.New("ambiguous environment")
)

// Qualified returns the environment's qualified name, REPO/ENV: its
// repository's name in the configuration, a slash and its own name. It
// names the environment whatever other repositories declare.
func (e Environment) Qualified() string { return e.Repository + "/" + e.Name }

// ID returns the name the daemon knows the environment by: its Key,
// which Parse sets, or its name for an Environment made by hand.
func (e Environment) ID() string {
	if e.Key != "" {
		return e.Key
	}
	return e.Name
}

// setKeys sets every environment's Key: its name where no other
// repository has an environment of that name, so that a daemon of one
// repository keeps the keys, metrics labels and API paths it always
// had, and its qualified name where names clash.
func (c *Config) setKeys() {
	count := map[string]int{}
	for _, e := range c.Environments() {
		count[e.Name]++
	}
	for _, e := range c.Environments() {
		e.Key = e.Name
		if count[e.Name] > 1 {
			e.Key = e.Qualified()
		}
	}
}

// Clashes reports whether another repository has an environment called
// as e is.
func (c *Config) Clashes(e *Environment) bool {
	for _, o := range c.Environments() {
		if o.Name == e.Name && o.Repository != e.Repository {
			return true
		}
	}
	return false
}

// Resolve returns the environment name designates: a qualified name
// REPO/ENV, an environment's key, or the short name ENV when a single
// repository has an environment of that name. It fails with an error
// wrapping ErrAmbiguousEnvironment that lists the qualified names to use
// when several repositories have one, and ErrUnknownEnvironment, listing
// the configured keys, when none has.
func (c *Config) Resolve(name string) (*Environment, error) {
	var found []*Environment
	for _, e := range c.Environments() {
		if e.Qualified() == name || e.ID() == name {
			return e, nil
		}
		if e.Name == name {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		var keys []string
		for _, e := range c.Environments() {
			keys = append(keys, e.ID())
		}
		return nil, fmt.Errorf("%w %q; configured: %s", ErrUnknownEnvironment, name, strings.Join(keys, ", "))
	}
	var qualified []string
	for _, e := range found {
		qualified = append(qualified, e.Qualified())
	}
	return nil, fmt.Errorf("%w %q: %d repositories have an environment of that name; did you mean %s",
		ErrAmbiguousEnvironment, name, len(found), orList(qualified))
}

// orList says "a", "a or b", "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
