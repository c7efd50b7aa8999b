package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ecouter/api"
	"ecouter/internal/testwait"
)

// servingLoops is every loop of ecouter serve, in its stop order. A loop
// left out of node.loops fails TestServeLoops: the periodic collection
// once went missing that way.
var servingLoops = []string{
	"nats-lost watcher", "queue workers", "store collection", "http", "renders", "event follower", "nats",
}

// TestServeLoops: a serving node names every loop, and a cancelled
// context stops them all, each once, in that order, in bounded time.
func TestServeLoops(t *testing.T) {
	cfg, err := LoadConfig(func(k string) string {
		return map[string]string{"ECOUTER_ARTICLES": "dir:" + articleDir(t), "ECOUTER_STORE": t.TempDir(),
			"ECOUTER_NATS_DIR": t.TempDir(), "ECOUTER_LOG_LEVEL": "debug"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	n, err := startNode(context.Background(), cfg, newLogger(cfg, log), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range n.loops(api.HTTPServer(cfg.Addr, n.http), ln) {
		names = append(names, l.name)
	}
	if !slices.Equal(names, servingLoops) {
		t.Fatalf("loops %q, want %q", names, servingLoops)
	}

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- n.serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	testwait.Eventually(t, func() bool {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == http.StatusOK
	}, "the node to serve:\n%s", log)
	cancel()
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("serve after its context ended: %v", err)
		}
	case <-time.After(shutdownGrace + 30*time.Second):
		t.Fatalf("serve still running %v after its context ended:\n%s", shutdownGrace+30*time.Second, log)
	}
	if got := loopLog(log.String(), "loop started"); !slices.Equal(got, []string{"nats-lost watcher", "queue workers", "store collection", "http"}) {
		t.Errorf("loops started: %q", got)
	}
	if got := loopLog(log.String(), "loop stopped"); !slices.Equal(got, servingLoops) {
		t.Errorf("loops stopped in the order %q, want %q:\n%s", got, servingLoops, log)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the node still answers after serve returned")
	}
}

// loopLog is the loops named by the log's lines of msg, in order.
func loopLog(log, msg string) []string {
	var out []string
	re := regexp.MustCompile(`msg="` + msg + `" loop=(?:"([^"]*)"|(\S+))`)
	for _, m := range re.FindAllStringSubmatch(log, -1) {
		out = append(out, m[1]+m[2])
	}
	return out
}

// TestRunLoops: the stop goes down the list one loop at a time, a loop
// that fails stops the others and is runLoops' error, and a loop that
// does not stop holds the rest no longer than the grace.
func TestRunLoops(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var mu sync.Mutex
	var order []string
	stopped := func(name string) {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, name)
	}
	untilStopped := func(name string) func(context.Context) error {
		return func(ctx context.Context) error { <-ctx.Done(); stopped(name); return nil }
	}
	stopOnly := func(name string) func(context.Context) error {
		return func(context.Context) error { stopped(name); return nil }
	}

	t.Run("order", func(t *testing.T) {
		order = nil
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := runLoops(ctx, quiet, time.Minute, []loop{
			{name: "a", run: untilStopped("a")},
			{name: "b", stop: stopOnly("b")},
			{name: "c", run: untilStopped("c"), stop: stopOnly("c's stop")},
		})
		if err != nil || !slices.Equal(order, []string{"a", "b", "c's stop", "c"}) {
			t.Fatalf("runLoops: %v, stopped %q", err, order)
		}
	})

	t.Run("a loop fails", func(t *testing.T) {
		order = nil
		boom := errors.New("boom")
		err := runLoops(context.Background(), quiet, time.Minute, []loop{
			{name: "a", run: untilStopped("a")},
			{name: "failing", run: func(context.Context) error { return boom }},
			{name: "c", stop: stopOnly("c")},
		})
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "failing") || !slices.Equal(order, []string{"a", "c"}) {
			t.Fatalf("runLoops: %v, stopped %q", err, order)
		}
		err = runLoops(context.Background(), quiet, time.Minute, []loop{{name: "short", run: func(context.Context) error { return nil }}})
		if !errors.Is(err, errEnded) {
			t.Fatalf("a loop that ended on its own: %v", err)
		}
	})

	t.Run("a loop does not stop", func(t *testing.T) {
		order = nil
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		const grace = 200 * time.Millisecond
		start := time.Now()
		hold := make(chan struct{})
		defer close(hold)
		err := runLoops(ctx, quiet, grace, []loop{
			{name: "stuck", run: func(context.Context) error { <-hold; return nil }},
			{name: "b", stop: func(ctx context.Context) error { stopped("b"); <-ctx.Done(); return ctx.Err() }},
		})
		// The deadline bounds the whole stop: b still gets its turn, and
		// finds it passed.
		if took := time.Since(start); err != nil || took < grace || took > grace+30*time.Second || !slices.Equal(order, []string{"b"}) {
			t.Fatalf("runLoops: %v after %v, stopped %q", err, took, order)
		}
	})
}

// TestServeDrainsOnSIGTERM: on SIGTERM, ecouter serve takes no new
// request, lets the one in flight finish (its render included) and exits
// 0 with every loop stopped in order, in bounded time.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	asked, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	cms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(asked) })
		<-release
		fmt.Fprint(w, `{"title":"Un article lent","text":"Il arrive pendant l'arrêt du service."}`)
	}))
	t.Cleanup(cms.Close)
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	p := startProc(t, []string{"ECOUTER_ARTICLES=http:" + cms.URL + "/api/{id}.json", "ECOUTER_STORE=" + t.TempDir(),
		"ECOUTER_NATS_DIR=" + t.TempDir(), "ECOUTER_LOG_LEVEL=debug"})

	type answer struct {
		status int
		body   []byte
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		res, err := http.Get(p.base + "/v1/articles/lent/audio.mp3")
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		answered <- answer{res.StatusCode, b, err}
	}()
	select {
	case <-asked:
	case <-time.After(60 * time.Second):
		t.Fatalf("the render never asked the CMS:\n%s", p.log)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	signalled := time.Now()
	// No new request once HTTP drains; the one in flight is still open.
	testwait.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(p.base, "http://"), time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, "new connections refused:\n%s", p.log)
	select {
	case a := <-answered:
		t.Fatalf("the request in flight ended before its render could: %d %v", a.status, a.err)
	default:
	}
	close(release)

	var a answer
	select {
	case a = <-answered:
	case <-time.After(shutdownGrace):
		t.Fatalf("the request in flight not answered %v after its article came:\n%s", shutdownGrace, p.log)
	}
	if a.err != nil || a.status != http.StatusOK || len(a.body) < 1000 {
		t.Fatalf("the request in flight: %d, %d bytes, %v\n%s", a.status, len(a.body), a.err, p.log)
	}
	const bound = shutdownGrace + 30*time.Second
	select {
	case <-p.done:
	case <-time.After(bound):
		t.Fatalf("still running %v after SIGTERM:\n%s", bound, p.log)
	}
	took := time.Since(signalled)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code %d after SIGTERM:\n%s", code, p.log)
	}
	if got := loopLog(p.log.String(), "loop stopped"); !slices.Equal(got, servingLoops) {
		t.Fatalf("loops stopped in the order %q, want %q:\n%s", got, servingLoops, p.log)
	}
	t.Logf("stopped %.1f s after SIGTERM, the request in flight answered 200 with %d bytes", took.Seconds(), len(a.body))
}
