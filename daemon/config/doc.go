// Package config loads the Sluice daemon's configuration: the repositories
// it watches, which branch deploys which environment, and where and how
// each environment is deployed. This is what a repository must not be able
// to change: a commit to a branch can change what is deployed, never the
// account, region, role, endpoint or prune policy it is deployed with.
//
// Loading is strict. Load and Parse walk the YAML tree themselves so that
// every finding (an unknown key, a missing required field, a value that
// breaks a rule, a duplicate name) names file:line:col and the field, and
// all findings come back at once in an *Error. Defaults fill what the file
// leaves out; relative paths are resolved against the file's folder.
// docs/daemon.example.yaml is a commented example of every field.
//
// # Fields
//
//	listen        host:port of the HTTP server; default 127.0.0.1:8080
//	stateFile     the bbolt state file; required
//	apiToken      Secret: bearer token of mutating API calls; without it
//	              mutating calls are refused
//	readTokens    list of Secret: bearer tokens that read runs (causes,
//	              log tails, inputs, outputs) and change nothing
//	anonymousRead runs readable without a token; default false (status,
//	              plans, history, /healthz, /readyz, /metrics stay open)
//	http          the HTTP server, optional:
//	  allowedHosts      Host header names (no port); loopback names and
//	                    the listen host are always added; ["*"] any Host
//	  maxConnections    open connections at once; default 512, >= 16
//	  readHeaderTimeout default 10s; readTimeout (whole request) 30s;
//	                    writeTimeout 60s; idleTimeout 30s; each >= 1s
//	historyDepth  applied revisions kept per environment; default 50, >= 1
//	repositories  at least one:
//	  name          [a-z0-9-], unique; required
//	  url           https://, ssh://, git@host:path or file:///path;
//	                http:// on loopback (warned about elsewhere, refused
//	                with a token); no password in the URL; required
//	  path          the project's folder in the repository; default "."
//	  auth          optional; token (https) or sshKey (ssh), not both:
//	    username      default the URL's user, else x-access-token (https)
//	                  or git (ssh)
//	    token         Secret
//	    sshKey        Secret
//	    knownHosts    Secret; required with sshKey, only with it
//	  pollInterval  default 60s, at least 5s
//	  webhooks      optional: github {secret}, gitlab {token},
//	                generic {secret}, each a Secret
//	  environments  at least one:
//	    name          [a-z0-9-], unique in the repository; required (two
//	                  repositories may both have one: the daemon then
//	                  calls each REPO/NAME, see Environment.Key)
//	    branch        short branch name, one environment per branch of a
//	                  repository; required
//	    backend       aws | local; required, with its block, not the other
//	    aws           region (required), roleArn, externalId (only with
//	                  roleArn), endpoint, statesRoleArn, schedulerRoleArn,
//	                  s3PathStyle (default true when endpoint is set),
//	                  quotas (list of SERVICE.OPERATION=PERSECOND[/BURST],
//	                  SERVICE.* for each operation of a service; the same
//	                  for environments of one account and region)
//	    local         dir (required), workdir, postgresDSN (Secret),
//	                  sandbox: {off, bwrap, readOnly (absolute paths)};
//	                  default: every step in a bubblewrap sandbox; a
//	                  sandboxed environment's workdir and readOnly paths
//	                  may not hold the state file, a secret file or a
//	                  local dir, nor lie inside a local dir
//	    sync          auto | manual; default auto
//	    prune         default false
//	    allowEmpty    prune an environment whose desired set is empty;
//	                  default false
//	    driftInterval default 10m, at least 1m, 0 disables
//	    protected     true: changes that restart a database wait for its
//	                  maintenance window; default false, whatever the name
//
// A Secret is {file: PATH} or {env: VARIABLE}, exactly one; a value
// written in place is an error. Secret.Read returns the value.
package config
