package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// Defaults applied to fields the file leaves out.
const (
	DefaultListen        = "127.0.0.1:8080"
	DefaultHistoryDepth  = 50
	DefaultPath          = "."
	DefaultPollInterval  = 60 * time.Second
	DefaultDriftInterval = 10 * time.Minute
	DefaultUsername      = "x-access-token"
	// MinPollInterval is the shortest poll interval accepted.
	MinPollInterval = 5 * time.Second
	// MinDriftInterval is the shortest drift interval accepted, 0 aside.
	MinDriftInterval = time.Minute
)

// Backend names where an environment's resources live.
type Backend string

// Backends an environment may use.
const (
	BackendAWS   Backend = "aws"
	BackendLocal Backend = "local"
)

// SyncPolicy says whether a planned change is applied at once or waits for
// an approval.
type SyncPolicy string

// Sync policies.
const (
	SyncAuto   SyncPolicy = "auto"
	SyncManual SyncPolicy = "manual"
)

// Config is the daemon's configuration: what the repositories it watches
// must not be able to change. Parse and Load return it validated, with
// defaults applied and relative paths resolved against the file's folder.
type Config struct {
	Listen    string `json:"listen"`
	StateFile string `json:"stateFile"`
	// APIToken is the bearer token mutating API calls must present; nil
	// means mutating calls are refused.
	APIToken *Secret `json:"apiToken,omitempty"`
	// ReadTokens are bearer tokens that read runs (what steps printed
	// and returned) and change nothing; the API token reads too.
	ReadTokens []Secret `json:"readTokens,omitempty"`
	// AnonymousRead lets a request without a token read runs; off, they
	// need a read or the API token. The environments' status (plans,
	// history, pipelines), the status page, /healthz, /readyz and
	// /metrics are always open.
	AnonymousRead bool `json:"anonymousRead"`
	// HTTP shapes the HTTP server: allowed hosts, connection cap and
	// timeouts.
	HTTP         HTTP `json:"http"`
	HistoryDepth int  `json:"historyDepth"`
	// Runs says where runs are recorded: PostgreSQL, or by default an
	// embedded database beside the state file.
	Runs         Runs         `json:"runs"`
	Repositories []Repository `json:"repositories"`
	// Warnings are findings that do not stop the daemon, such as a plain
	// http:// repository URL on a non-loopback host.
	Warnings []Finding `json:"-"`
}

// Repository is a Git repository the daemon watches and the environments
// its branches deploy.
type Repository struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// Path is the project's folder inside the repository, clean and
	// relative ("." for the root).
	Path         string        `json:"path"`
	Auth         *Auth         `json:"auth,omitempty"`
	PollInterval time.Duration `json:"pollInterval"`
	Webhooks     Webhooks      `json:"webhooks"`
	Environments []Environment `json:"environments"`
}

// Auth is how the daemon authenticates to a repository: a token over
// HTTPS or an SSH key checked against known hosts.
type Auth struct {
	Username   string  `json:"username"`
	Token      *Secret `json:"token,omitempty"`
	SSHKey     *Secret `json:"sshKey,omitempty"`
	KnownHosts *Secret `json:"knownHosts,omitempty"`
}

// Webhooks holds the shared secret of each webhook provider the
// repository accepts; a nil provider is not accepted.
type Webhooks struct {
	GitHub  *Secret `json:"github,omitempty"`
	GitLab  *Secret `json:"gitlab,omitempty"`
	Generic *Secret `json:"generic,omitempty"`
}

// Environment maps one branch of a repository to a deployment target and
// says how changes reach it.
type Environment struct {
	Name string `json:"name"`
	// Key is the name the daemon knows the environment by (its state,
	// metrics label, API path): Name, or the qualified name REPO/NAME
	// when another repository has an environment called Name too. Parse
	// sets it; it is derived, so it is not part of the hash.
	Key string `json:"-"`
	// Repository is the name of the repository the environment belongs to.
	Repository    string        `json:"repository"`
	Branch        string        `json:"branch"`
	Backend       Backend       `json:"backend"`
	AWS           *AWS          `json:"aws,omitempty"`
	Local         *Local        `json:"local,omitempty"`
	Sync          SyncPolicy    `json:"sync"`
	Prune         bool          `json:"prune"`
	AllowEmpty    bool          `json:"allowEmpty"`
	DriftInterval time.Duration `json:"driftInterval"`
	// Protected marks an environment whose disruptive changes wait:
	// on AWS, a change that restarts a database (instance class,
	// engine version) is applied in its next maintenance window rather
	// than at once. Off by default, whatever the environment's name.
	Protected bool `json:"protected,omitempty"`
}

// AWS is the account, region and roles of an environment on the aws
// backend.
type AWS struct {
	Region           string `json:"region"`
	RoleARN          string `json:"roleArn,omitempty"`
	ExternalID       string `json:"externalId,omitempty"`
	Endpoint         string `json:"endpoint,omitempty"`
	StatesRoleARN    string `json:"statesRoleArn,omitempty"`
	SchedulerRoleARN string `json:"schedulerRoleArn,omitempty"`
	S3PathStyle      bool   `json:"s3PathStyle"`
	// Quotas override the AWS API quotas the client keeps to
	// (awsapi.DefaultRates), keyed "SERVICE.OPERATION", for an account
	// whose quotas were changed; environments in one account and region
	// give the same.
	Quotas map[string]awsapi.Rate `json:"quotas,omitempty"`
}

// Local is where an environment on the local backend keeps its world.
type Local struct {
	Dir         string  `json:"dir"`
	Workdir     string  `json:"workdir,omitempty"`
	PostgresDSN *Secret `json:"postgresDSN,omitempty"`
	// Sandbox is how the world isolates the steps it runs; absent: each
	// step in a bubblewrap sandbox.
	Sandbox *LocalSandbox `json:"sandbox,omitempty"`
}

// LocalSandbox configures the sandbox of the local backend's steps
// (backends/local.Sandbox); environments sharing a dir share it.
type LocalSandbox struct {
	// Off runs steps unsandboxed, able to read all that the daemon's
	// user can: only for a machine where every branch is trusted.
	Off bool `json:"off,omitempty"`
	// Bwrap is the bubblewrap program; empty: bwrap on PATH.
	Bwrap string `json:"bwrap,omitempty"`
	// ReadOnly are more host paths steps may read.
	ReadOnly []string `json:"readOnly,omitempty"`
}

// Repository returns the repository called name, or false when there is
// none.
func (c *Config) Repository(name string) (*Repository, bool) {
	for i := range c.Repositories {
		if c.Repositories[i].Name == name {
			return &c.Repositories[i], true
		}
	}
	return nil, false
}

// Environment returns the environment name designates (see Resolve), or
// false when none or several do.
func (c *Config) Environment(name string) (*Environment, bool) {
	e, err := c.Resolve(name)
	return e, err == nil
}

// Environments returns every environment of every repository, in file
// order.
func (c *Config) Environments() []*Environment {
	var out []*Environment
	for i := range c.Repositories {
		envs := c.Repositories[i].Environments
		for j := range envs {
			out = append(out, &envs[j])
		}
	}
	return out
}

// Hash returns the hex SHA-256 of the configuration in a normal form (its
// JSON encoding, defaults applied), so that two files meaning the same
// configuration hash alike. Secrets enter only by reference (file or
// variable name), never by value.
func (c *Config) Hash() string {
	data, err := json.Marshal(c)
	if err != nil { // unreachable: every field encodes
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
