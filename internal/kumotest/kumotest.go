package kumotest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Region is the region the emulator runs in.
const Region = "us-east-1"

// RequireEnv names the environment variable that, set to 1, turns a
// missing kumo into a test failure instead of a skip (CI sets it).
const RequireEnv = "SLUICE_REQUIRE_KUMO"

// startTimeout bounds how long Start waits for kumo to answer.
const startTimeout = 15 * time.Second

// Server is a running kumo emulator.
type Server struct {
	// URL is the emulator's endpoint, http://127.0.0.1:PORT.
	URL string
	// Config is an AWS configuration with static credentials, the
	// emulator's region, and every service's endpoint set to URL.
	Config aws.Config
}

// Start runs kumo for the test and stops it when the test ends. It skips
// the test when kumo is not installed, or fails it when RequireEnv is 1;
// it fails the test when kumo does not start.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := Find()
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatalf("%v, and %s=1 requires it", err, RequireEnv)
		}
		tb.Skipf("%v: install it with GONOSUMDB='github.com/aws/*' go install github.com/sivchari/kumo/cmd/kumo@v0.33.1", err)
	}
	addr, err := freeAddr()
	if err != nil {
		tb.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "--host", host, "--port", port)
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION="+Region)
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start kumo: %v", err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	s := &Server{URL: "http://" + addr}
	if err := s.wait(startTimeout); err != nil {
		tb.Fatal(err)
	}
	s.Config, err = config.LoadDefaultConfig(context.Background(),
		config.WithRegion(Region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		config.WithBaseEndpoint(s.URL))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// Find returns the path of the kumo binary: on PATH, else in
// $(go env GOPATH)/bin. It fails when neither has it.
func Find() (string, error) {
	if bin, err := exec.LookPath("kumo"); err == nil {
		return bin, nil
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		out, err := exec.Command("go", "env", "GOPATH").Output()
		if err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		bin := filepath.Join(dir, "bin", "kumo")
		if _, err := os.Stat(bin); err == nil {
			return bin, nil
		}
	}
	return "", errors.New("kumo is not installed (not on PATH nor in $(go env GOPATH)/bin)")
}

// S3Options makes an S3 client address buckets by path, as the emulator
// needs: s3.NewFromConfig(srv.Config, kumotest.S3Options).
func S3Options(o *s3.Options) { o.UsePathStyle = true }

// freeAddr finds a free TCP address on the loopback interface.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String(), nil
}

// wait polls the emulator until it answers HTTP.
func (s *Server) wait(timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := client.Get(s.URL)
		if err == nil {
			_ = resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("kumo did not answer on " + s.URL + " within " + timeout.String() + ": " + err.Error())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
