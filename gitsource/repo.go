package gitsource

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/sluice-dev/sluice"
)

// fullDepth asks the remote for the whole history ("git fetch
// --unshallow" sends the same depth).
const fullDepth = 1<<31 - 1

const remoteName = "origin"

// Options configure a Repo.
type Options struct {
	// URL is the remote: https://, http://, ssh:// (or scp-like
	// user@host:path) or file://.
	URL string
	// Auth holds the credentials for URL.
	Auth Auth
	// Dir is the local cache, a bare repository, created when missing.
	Dir string
	// Branches are the watched branches: Heads reports these and
	// IsAncestor deepens these.
	Branches []string
	// Logger receives debug records of each remote call; nil discards.
	Logger *slog.Logger
	// Depth is how many commits of each branch Fetch brings: 0 means 1
	// (enough to read trees); a negative value means the whole history.
	Depth int
	// Timeout bounds each call to the remote (one Heads, one fetch); 0
	// means DefaultTimeout. A remote that does not answer in time is
	// unreachable.
	Timeout time.Duration
}

// DefaultTimeout bounds a call to the remote when Options.Timeout is 0.
const DefaultTimeout = 2 * time.Minute

// Commit describes a fetched branch head.
type Commit struct {
	// Hash is the commit's full hex hash.
	Hash string
	// Branch is the branch it was fetched as.
	Branch string
	// Message is the full commit message.
	Message string
	// Author is "Name <email>" of the commit's author.
	Author string
	// Time is when the commit was made (the committer's time).
	Time time.Time
}

// Repo watches branches of one remote repository through a local cache.
// It is safe for concurrent use: calls that touch the cache are
// serialized.
type Repo struct {
	opts   Options
	url    string
	ssh    bool
	auth   transport.AuthMethod
	log    *slog.Logger
	mu     sync.Mutex
	repo   *git.Repository
	remote *git.Remote
}

// Open prepares a Repo: it checks the options and credentials and opens
// or creates the cache at opts.Dir. It talks to no remote. It fails when
// URL or Dir is missing, the URL cannot be parsed, the credentials do not
// fit the URL, or the cache cannot be opened.
func Open(ctx context.Context, opts Options) (*Repo, error) {
	const op = "gitsource.Open"
	if opts.URL == "" || opts.Dir == "" {
		return nil, sluice.E(op, sluice.KindInvalid, errors.New("a URL and a cache folder are required"))
	}
	ep, err := transport.NewEndpoint(opts.URL)
	if err != nil {
		return nil, sluice.E(op, sluice.KindInvalid, fmt.Errorf("%s: %w", redact(opts.URL), err))
	}
	auth, err := opts.Auth.method(ep)
	if err != nil {
		return nil, sluice.E(op, sluice.KindInvalid, fmt.Errorf("%s: %w", redact(opts.URL), err))
	}
	if err := validBranches(opts.Branches); err != nil {
		return nil, sluice.E(op, sluice.KindInvalid, err)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	repo, err := openCache(ctx, opts.Dir)
	if err != nil {
		return nil, sluice.E(op, sluice.KindInternal, err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Repo{opts: opts, url: redact(opts.URL), ssh: ep.Protocol == "ssh", auth: auth, repo: repo}
	r.log = opts.Logger.With("component", "gitsource", "repo", r.url)
	r.remote = git.NewRemote(repo.Storer, &config.RemoteConfig{Name: remoteName, URLs: []string{opts.URL}})
	return r, nil
}

// validBranches checks that each name is a valid Git branch name (no
// wildcard, colon or "..": a name becomes part of a refspec).
func validBranches(branches []string) error {
	for _, b := range branches {
		if err := plumbing.NewBranchReferenceName(b).Validate(); err != nil {
			return fmt.Errorf("branch %q: %w", b, err)
		}
	}
	return nil
}

// objectCacheSize bounds go-git's cache of decoded objects. Its default
// (96 MiB) kept every blob the loader had read (5.5 MB at 1,000
// pipelines) for the daemon's lifetime, though the loader keeps its own
// copy of each file and reads a blob only when the file changed; trees,
// read on every load, still fit.
const objectCacheSize = 1 * cache.MiByte

// openCache opens the bare repository at dir, creating it when dir is
// missing or empty.
func openCache(ctx context.Context, dir string) (*git.Repository, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st := filesystem.NewStorage(osfs.New(dir), cache.NewObjectLRU(objectCacheSize))
	repo, err := git.Open(st, nil)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
		repo, err = git.Init(st, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("git cache %s: %w", dir, err)
	}
	return repo, nil
}

// redact returns raw with any password removed, for logs and errors.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return raw
	}
	return u.Redacted()
}

// Heads asks the remote for the current head of every watched branch with
// one round trip (the advertised references) and fetches nothing. A
// branch the remote does not have is absent from the map. It returns
// branch → commit hash, or an error wrapping ErrUnreachable or ErrAuth.
func (r *Repo) Heads(ctx context.Context) (map[string]string, error) {
	all, err := r.list(ctx, "gitsource.Heads")
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(r.opts.Branches))
	for _, b := range r.opts.Branches {
		if h, ok := all[b]; ok {
			out[b] = h
		}
	}
	return out, nil
}

// list returns every branch of the remote: name → hash.
func (r *Repo) list(ctx context.Context, op string) (map[string]string, error) {
	start := time.Now()
	callCtx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	refs, err := r.remote.ListContext(callCtx, &git.ListOptions{Auth: r.auth})
	r.log.DebugContext(ctx, "git list", "took", time.Since(start), "err", err)
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, classify(ctx, op, r.url, r.ssh, err)
	}
	out := make(map[string]string)
	for _, ref := range refs {
		if ref.Name().IsBranch() && ref.Type() == plumbing.HashReference {
			out[ref.Name().Short()] = ref.Hash().String()
		}
	}
	return out, nil
}

// Fetch brings the heads of branches into the cache (only those
// references, Options.Depth commits deep) and returns their commits by
// branch. A branch the remote does not have is absent from the map. A
// rewritten (force-pushed) branch is fetched like any other. It fails
// with an error wrapping ErrUnreachable or ErrAuth when the remote cannot
// be read.
func (r *Repo) Fetch(ctx context.Context, branches []string) (map[string]Commit, error) {
	if err := validBranches(branches); err != nil {
		return nil, sluice.E("gitsource.Fetch", sluice.KindInvalid, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fetched, err := r.fetch(ctx, "gitsource.Fetch", branches, r.depth())
	if err != nil {
		return nil, err
	}
	out := make(map[string]Commit, len(fetched))
	for _, b := range fetched {
		c, err := r.branchCommit(b)
		if err != nil {
			return nil, sluice.E("gitsource.Fetch", sluice.KindInternal, err)
		}
		out[b] = c
	}
	return out, nil
}

func (r *Repo) depth() int {
	switch {
	case r.opts.Depth < 0:
		return fullDepth
	case r.opts.Depth == 0:
		return 1
	}
	return r.opts.Depth
}

// fetch fetches branches at depth and returns those the remote has. When
// one is missing it asks for the list and fetches the others.
func (r *Repo) fetch(ctx context.Context, op string, branches []string, depth int) ([]string, error) {
	err := r.fetchRefs(ctx, branches, depth)
	if errors.Is(err, git.NoMatchingRefSpecError{}) {
		all, lerr := r.list(ctx, op)
		if lerr != nil {
			return nil, lerr
		}
		branches = present(branches, all)
		if len(branches) == 0 {
			return nil, nil
		}
		err = r.fetchRefs(ctx, branches, depth)
	}
	if err != nil {
		return nil, classify(ctx, op, r.url, r.ssh, err)
	}
	if err := repairShallow(r.repo.Storer); err != nil {
		return nil, sluice.E(op, sluice.KindInternal, err)
	}
	return branches, nil
}

func present(branches []string, all map[string]string) []string {
	var out []string
	for _, b := range branches {
		if _, ok := all[b]; ok {
			out = append(out, b)
		}
	}
	return out
}

func (r *Repo) fetchRefs(ctx context.Context, branches []string, depth int) error {
	if len(branches) == 0 {
		return nil
	}
	specs := make([]config.RefSpec, len(branches))
	for i, b := range branches {
		specs[i] = config.RefSpec(fmt.Sprintf("+refs/heads/%s:refs/remotes/%s/%s", b, remoteName, b))
	}
	start := time.Now()
	callCtx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	err := r.remote.FetchContext(callCtx, &git.FetchOptions{
		RemoteName: remoteName, RefSpecs: specs, Depth: depth, Auth: r.auth, Tags: git.NoTags, Force: true,
	})
	r.log.DebugContext(ctx, "git fetch", "branches", branches, "depth", depth, "took", time.Since(start), "err", err)
	if errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	return err
}

// branchCommit reads the cached head of branch.
func (r *Repo) branchCommit(branch string) (Commit, error) {
	name := plumbing.NewRemoteReferenceName(remoteName, branch)
	ref, err := r.repo.Reference(name, true)
	if err != nil {
		return Commit{}, fmt.Errorf("%s: %w", name, err)
	}
	c, err := r.repo.CommitObject(ref.Hash())
	if err != nil {
		return Commit{}, fmt.Errorf("commit %s: %w", ref.Hash(), err)
	}
	return toCommit(c, branch), nil
}

func toCommit(c *object.Commit, branch string) Commit {
	return Commit{
		Hash: c.Hash.String(), Branch: branch, Message: c.Message,
		Author: c.Author.String(), Time: c.Committer.When,
	}
}
