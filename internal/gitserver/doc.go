// Package gitserver serves bare Git repositories over smart HTTP on
// 127.0.0.1 for tests, and makes and changes those repositories (commits,
// force-pushes, branch deletions, merges) the way a Git host would see
// them change.
//
// The server is `git http-backend` behind net/http/cgi rather than
// go-git's server transport: it is the implementation real Git hosts
// are compatible with, and it supports what Sluice's Git source relies
// on that go-git's server does not, shallow fetches and deepening a
// shallow history (`deepen 2147483647`). Each request runs one
// http-backend process, so Requests counts round trips exactly as a
// remote host would see them. Git (2.39 or later, with git-http-backend
// in `git --exec-path`) must be installed; Start skips the test when it
// is not.
//
// The repository helpers write objects and references straight into the
// bare repository with go-git, without a working tree, so a change is
// visible at once over both file:// and HTTP.
package gitserver
