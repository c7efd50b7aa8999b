// Package s3test runs a real S3-compatible server (versitygw) for tests of
// the S3 store and of what is built on it.
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
)

// Credentials of the throwaway test server; tests check that no error text
// ever carries the secret.
const (
	AccessKey = "ecouter-test-access"
	SecretKey = "ecouter-test-secret-5f2b9c"
)

// Start runs versitygw (a real S3 server over a POSIX folder) on a free
// loopback port for the test and points the AWS environment at it, so
// clients are built exactly as in production (store.S3Client with path
// style). The caller creates its bucket.
func Start(t *testing.T) {
	t.Helper()
	bin := versityGW(t)
	root := t.TempDir()
	addr := freeLoopbackAddr(t)

	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--access", AccessKey, "--secret", SecretKey,
		"--port", addr, "--quiet", "posix", root)
	cmd.Dir = root
	out := &tailBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start versitygw: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cancel(); <-exited })

	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("versitygw exited before listening: %v\n%s", err, out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw not listening on %s after 20s\n%s", addr, out)
		}
	}

	none := filepath.Join(root, "no-aws-config")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           AccessKey,
		"AWS_SECRET_ACCESS_KEY":       SecretKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_REGION":                  "us-east-1",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_S3":         "http://" + addr,
		"AWS_CONFIG_FILE":             none,
		"AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
}

// versityGW finds the server binary on PATH or in GOPATH/bin, where
// `go install` puts it; its absence is a failure, not a skip, so a green
// run always means the S3 store was exercised.
func versityGW(t *testing.T) string {
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

func freeLoopbackAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// tailBuffer keeps the last 8 KiB the server printed, for failure messages.
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
