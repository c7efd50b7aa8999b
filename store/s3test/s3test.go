// Package s3test runs a real S3-compatible server (versitygw over a POSIX
// folder) on loopback for tests, and can stop and restart it to test
// outages.
package s3test

import (
	"context"
	"go/build"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"ecouter/internal/testwait"
)

// Credentials of the throwaway server; tests check that no error text ever
// carries the secret.
const (
	AccessKey = "ecouter-test-access"
	SecretKey = "ecouter-test-secret-5f2b9c"
)

// Server is one versitygw process; Stop and Start keep its address and
// data, like an S3 endpoint going down and coming back.
type Server struct {
	Addr string // host:port
	t    testing.TB
	bin  string
	root string
	out  tailBuffer

	mu     sync.Mutex
	cancel context.CancelFunc
	exited chan error
}

// Start runs a server on a free loopback port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, bin: binary(t), root: t.TempDir(), Addr: freeAddr(t)}
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Env is the AWS environment that points the SDK's standard configuration
// at the server, ignoring the machine's own AWS files.
func (s *Server) Env() map[string]string {
	none := filepath.Join(s.root, "no-aws-config")
	return map[string]string{
		"AWS_ACCESS_KEY_ID":           AccessKey,
		"AWS_SECRET_ACCESS_KEY":       SecretKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_REGION":                  "us-east-1",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_S3":         "http://" + s.Addr,
		"AWS_CONFIG_FILE":             none,
		"AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
}

// SetEnv sets Env for the rest of the test.
func (s *Server) SetEnv(t testing.TB) {
	for k, v := range s.Env() {
		t.Setenv(k, v)
	}
}

// Start (re)starts a stopped server and waits until it listens.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, s.bin, "--access", AccessKey, "--secret", SecretKey,
		"--port", s.Addr, "--quiet", "posix", s.root)
	cmd.Dir = s.root
	cmd.Stdout, cmd.Stderr = &s.out, &s.out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		s.t.Fatalf("start versitygw: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s.cancel, s.exited = cancel, exited

	testwait.Eventually(s.t, func() bool {
		select {
		case err := <-exited:
			s.cancel = nil
			s.t.Fatalf("versitygw exited before listening: %v\n%s", err, s.out.String())
		default:
		}
		c, err := net.DialTimeout("tcp", s.Addr, testwait.Scale(200*time.Millisecond))
		if err == nil {
			c.Close()
		}
		return err == nil
	}, "versitygw listening on %s\n%s", s.Addr, &s.out)
}

// Stop kills the server and waits for it to exit; its data stays.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.exited
	s.cancel = nil
}

// Output is the end of what the server printed, for failure messages.
func (s *Server) Output() string { return s.out.String() }

// binary finds versitygw on PATH or in GOPATH/bin, where `go install` puts
// it; its absence is a failure, not a skip, so a green run always means
// S3 was exercised.
func binary(t testing.TB) string {
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	p := filepath.Join(build.Default.GOPATH, "bin", "versitygw")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	t.Fatal("versitygw not found on PATH or in GOPATH/bin: `make test` installs it " +
		"(go install github.com/versity/versitygw/cmd/versitygw@v1.8.0)")
	return ""
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// tailBuffer keeps the last 8 KiB the server printed.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - 8<<10; over > 0 {
		b.buf = b.buf[over:]
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
