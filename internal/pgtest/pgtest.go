package pgtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
)

// EnvRequire is the variable that turns a missing PostgreSQL into a
// test failure instead of a skip.
const EnvRequire = "SLUICE_REQUIRE_POSTGRES"

// Server is a running throwaway server, listening only on a unix socket
// in its own directory, with a superuser "sluice" trusted without a
// password.
type Server struct {
	// DSN connects to its postgres database as the superuser.
	DSN string
	// Dir holds the cluster, the socket and the server's log.
	Dir string
}

// Start initialises a cluster in a new temporary directory, starts a
// server on it and stops it and removes the directory when the test
// ends. It skips the test when the PostgreSQL binaries are not found
// (fails it with SLUICE_REQUIRE_POSTGRES=1), and fails it when the
// server cannot be started.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin := binDir()
	if bin == "" {
		if os.Getenv(EnvRequire) == "1" {
			tb.Fatalf("%s=1 but no PostgreSQL server binaries (initdb, pg_ctl) found: apt-get install postgresql", EnvRequire)
		}
		tb.Skip("PostgreSQL server binaries not found (apt-get install postgresql)")
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	cred, err := runAs(dir)
	if err != nil {
		tb.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	run(tb, cred, filepath.Join(bin, "initdb"), "-D", data, "-U", "sluice", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C")
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c fsync=off -c full_page_writes=off", dir)
	run(tb, cred, filepath.Join(bin, "pg_ctl"), "-D", data, "-o", opts, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "start")
	tb.Cleanup(func() {
		cmd := exec.Command(filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		_ = cmd.Run()
	})
	return &Server{DSN: fmt.Sprintf("host=%s port=5432 user=sluice dbname=postgres sslmode=disable", dir), Dir: dir}
}

// run runs a server binary, failing the test with its output on error.
func run(tb testing.TB, cred *syscall.Credential, name string, args ...string) {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s: %v\n%s", filepath.Base(name), err, out.String())
	}
}

// runAs returns the credential the server runs with: nil (the current
// user) unless that is root, which PostgreSQL refuses; then postgres, or
// nobody, made owner of dir.
func runAs(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, fmt.Errorf("running as root and no postgres or nobody user to run PostgreSQL as")
}

// binDir returns the directory of initdb and pg_ctl: that of initdb on
// PATH, else the newest /usr/lib/postgresql/VERSION/bin; "" when there is
// none.
func binDir() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	return ""
}

// version reads VERSION from /usr/lib/postgresql/VERSION/bin.
func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}
