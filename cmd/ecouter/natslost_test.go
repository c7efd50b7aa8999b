package main

import (
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"ecouter/cluster/natstest"
	"ecouter/internal/testwait"
)

// TestNATSLostRestarts: a NATS connection closed for good (here the
// server comes back requiring credentials the node does not have, and
// nats.go gives up) must not leave the node half-alive (stored audio
// served, no render ever again, /healthz 200): it answers /healthz 503
// and exits with an error, for its supervisor to restart it (the 503
// itself: api's TestHealthzFailsWhenLost).
func TestNATSLostRestarts(t *testing.T) {
	bin := natstest.Binary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	dir := t.TempDir()
	server := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, append([]string{"-js", "-sd", dir, "-a", "127.0.0.1", "-p", port}, args...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		testwait.Eventually(t, func() bool {
			c, err := net.Dial("tcp", "127.0.0.1:"+port)
			if err == nil {
				c.Close()
			}
			return err == nil
		}, "nats-server listening")
		return cmd
	}
	first := server()
	cms := newHostileCMS(t)
	p := startProc(t, []string{"ECOUTER_STORE=" + t.TempDir(), "ECOUTER_ARTICLES=http:" + cms.URL + "/api/{id}.json",
		"ECOUTER_API_KEY=" + testKey, "ECOUTER_NATS_URL=nats://127.0.0.1:" + port})
	if res, _ := get(t, p.base+"/healthz"); res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d", res.StatusCode)
	}
	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	server("--user", "someone", "--pass", "else")

	select {
	case <-p.done:
	case <-time.After(testwait.Scale(testwait.Timeout)):
		t.Fatalf("still running %v after its NATS connection was refused for good:\n%s", testwait.Scale(testwait.Timeout), p.log)
	}
	if code := p.cmd.ProcessState.ExitCode(); code == 0 {
		t.Fatalf("exit code 0 after NATS was lost:\n%s", p.log)
	}
	if !strings.Contains(p.log.String(), "NATS connection closed") {
		t.Fatalf("no log of the lost connection:\n%s", p.log)
	}
}
