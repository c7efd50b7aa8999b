package natstest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"ecouter/internal/testwait"
)

// The nats-server binary, built once per test binary from the module
// go.mod names (the version deployments run), so tests can talk to NATS
// as a process of its own, over TCP, as production does.
var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// Binary is the path of the nats-server binary, built on first use.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "natstest-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "nats-server")
		cmd := exec.Command("go", "build", "-o", binary, "github.com/nats-io/nats-server/v2")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			buildErr = fmt.Errorf("go build nats-server: %w\n%s", err, out.String())
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// Process starts a standalone JetStream nats-server process on a loopback
// port, stopped when the test ends, and returns its client URL.
func Process(t testing.TB) string {
	t.Helper()
	bin := Binary(t)
	port := freePorts(t, 1)[0]
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	var out bytes.Buffer
	cmd := exec.Command(bin, "-js", "-sd", t.TempDir(), "-a", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(testwait.Scale(30 * time.Second)):
			cmd.Process.Kill()
			<-done
		}
	})
	testwait.Eventually(t, func() bool {
		select {
		case <-done:
			t.Fatalf("nats-server exited: %s", out.String())
		default:
		}
		nc, err := nats.Connect(url, nats.Timeout(testwait.Scale(time.Second)))
		if err == nil {
			nc.Close()
		}
		return err == nil
	}, "nats-server answering")
	return url
}
