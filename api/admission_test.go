package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ecouter/render"
	"ecouter/store"
	"ecouter/synth"
	"ecouter/synth/synthtest"
)

// runCounter is a scheduler that counts the renders it runs.
type runCounter struct {
	*render.Local
	runs atomic.Int64
}

func (s *runCounter) Start(ctx context.Context, req render.Request) (*render.Job, error) {
	r := req
	r.Render = func(ctx context.Context, st *render.Stream) (*render.Manifest, error) {
		s.runs.Add(1)
		return req.Render(ctx, st)
	}
	return s.Local.Start(ctx, r)
}

// admissionServer is the API over a real pipeline (fake engine taking
// delay per sentence) whose renders are counted.
func admissionServer(t *testing.T, cfg Config, syn *synthtest.Fake) (*httptest.Server, *runCounter) {
	t.Helper()
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sched := &runCounter{Local: render.NewLocal(4, log)}
	svc := render.New(oneArticle{}, syn, st, render.DefaultConfig(), log, nil, render.WithScheduler(sched))
	srv := httptest.NewServer(newFor(svc, cfg, log, nil))
	t.Cleanup(func() { srv.Close(); svc.Wait(context.Background()) })
	return srv, sched
}

// TestJoiningIsFree is issue 19's 44 of 200: simultaneous first listens
// of one article from one address start one render, and every one of
// them is served, whatever the budget: joining costs nothing.
func TestJoiningIsFree(t *testing.T) {
	srv, sched := admissionServer(t, Config{ListenRendersPerMinute: 1, ListenRendersGlobalPerMinute: 1},
		&synthtest.Fake{Delay: 50 * time.Millisecond})
	const n = 200
	codes := make(chan int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := http.Get(srv.URL + "/v1/articles/a1/audio.mp3")
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			if _, err := io.Copy(io.Discard, res.Body); err != nil {
				t.Error(err)
			}
			codes <- res.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	close(codes)
	by := map[int]int{}
	for c := range codes {
		by[c]++
	}
	t.Logf("figure: %d simultaneous first listens of one article from one address (budget 1): %v, %d render(s)", n, by, sched.runs.Load())
	if by[http.StatusOK] != n || sched.runs.Load() != 1 {
		t.Fatalf("statuses %v, %d renders; want %d × 200 and one render", by, sched.runs.Load(), n)
	}
	// The budget paid for that one render: another article is refused.
	if res, _ := hcall(t, "GET", srv.URL+"/v1/articles/a2/audio.mp3"); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("second article over budget: %d", res.StatusCode)
	}
}

// TestChaptersAdmitted: chapters.json, whose URL is in every feed item,
// goes through the listeners' admission like audio, download and
// transcript: the client's budget, ECOUTER_RENDER_ON_LISTEN=false, the
// spending cap and the failed-render back-off.
func TestChaptersAdmitted(t *testing.T) {
	chapters := func(srv *httptest.Server, id string) (*http.Response, errorBody) {
		res, body := hcall(t, "GET", srv.URL+"/v1/articles/"+id+"/chapters.json")
		if res.StatusCode == http.StatusOK {
			return res, errorBody{}
		}
		return res, jsonError(t, "chapters "+id, res, body)
	}
	t.Run("budget", func(t *testing.T) {
		srv, sched := admissionServer(t, Config{ListenRendersPerMinute: 2}, &synthtest.Fake{})
		for i := range 5 {
			chapters(srv, fmt.Sprintf("walk%d", i))
		}
		res, e := chapters(srv, "walk9")
		if sched.runs.Load() != 2 || res.StatusCode != http.StatusTooManyRequests || e.Code != "rate_limited" || res.Header.Get("Retry-After") == "" {
			t.Fatalf("%d renders; then %d %q", sched.runs.Load(), res.StatusCode, e.Code)
		}
		if res, _ := chapters(srv, "walk0"); res.StatusCode != http.StatusOK {
			t.Fatalf("rendered chapters over budget: %d", res.StatusCode)
		}
	})
	t.Run("render on listen off", func(t *testing.T) {
		srv, sched := admissionServer(t, Config{NoListenRenders: true}, &synthtest.Fake{})
		if res, e := chapters(srv, "a1"); res.StatusCode != http.StatusNotFound || e.Code != "not_rendered" || sched.runs.Load() != 0 {
			t.Fatalf("%d %q, %d renders", res.StatusCode, e.Code, sched.runs.Load())
		}
	})
	t.Run("spending cap", func(t *testing.T) {
		srv, sched := admissionServer(t, Config{Budget: spent{time.Now().Add(time.Hour)}}, &synthtest.Fake{})
		if res, e := chapters(srv, "a1"); res.StatusCode != http.StatusServiceUnavailable || e.Code != "spending_cap" || sched.runs.Load() != 0 {
			t.Fatalf("%d %q, %d renders", res.StatusCode, e.Code, sched.runs.Load())
		}
	})
	t.Run("back-off", func(t *testing.T) {
		syn := &synthtest.Fake{Fail: func(string) error { return &synth.EngineError{Backend: "fake", Err: synth.ErrEngine} }}
		srv, sched := admissionServer(t, Config{}, syn)
		if res, e := chapters(srv, "a1"); res.StatusCode != http.StatusServiceUnavailable || e.Code != "engine_failed" {
			t.Fatalf("failing engine: %d %q", res.StatusCode, e.Code)
		}
		if res, e := chapters(srv, "a1"); res.StatusCode != http.StatusServiceUnavailable || e.Code != "render_failed" || sched.runs.Load() != 1 {
			t.Fatalf("right after the failure: %d %q, %d renders", res.StatusCode, e.Code, sched.runs.Load())
		}
	})
}

// TestGlobalListenCap: ECOUTER_LISTEN_RENDERS_GLOBAL_PER_MINUTE bounds the
// renders listeners start over all clients: a walk spread over many
// addresses, each within its own budget, is refused past it (429 with
// Retry-After); stored audio is still served.
func TestGlobalListenCap(t *testing.T) {
	_, local, _ := net.ParseCIDR("127.0.0.0/8")
	srv, sched := admissionServer(t, Config{ListenRendersPerMinute: 10, ListenRendersGlobalPerMinute: 3,
		TrustedProxies: []*net.IPNet{local}}, &synthtest.Fake{})
	by := map[int]int{}
	for i := range 8 {
		res, body := hcall(t, "GET", fmt.Sprintf("%s/v1/articles/g%d/audio.mp3", srv.URL, i),
			"X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1))
		by[res.StatusCode]++
		if res.StatusCode == http.StatusTooManyRequests {
			if e := jsonError(t, "over the global cap", res, body); e.Code != "rate_limited" || res.Header.Get("Retry-After") == "" {
				t.Fatalf("over the global cap: %q %v", e.Code, res.Header)
			}
		}
	}
	if by[http.StatusOK] != 3 || by[http.StatusTooManyRequests] != 5 || sched.runs.Load() != 3 {
		t.Fatalf("8 addresses, cap 3: %v, %d renders", by, sched.runs.Load())
	}
	if res, _ := hcall(t, "GET", srv.URL+"/v1/articles/g0/audio.mp3", "X-Forwarded-For", "198.51.100.1"); res.StatusCode != http.StatusOK {
		t.Fatalf("stored audio over the cap: %d", res.StatusCode)
	}
}

// TestIPv6Per48 is the figure of issue 19: 30 /64s of one /48 walking
// articles for a minute. Keyed by /64 alone they started 30 budgets' worth
// of renders; now a /48 with DefaultNetsPer48 /64 budgets in use counts its
// other /64s as one client.
func TestIPv6Per48(t *testing.T) {
	walk := func(l *listenLimit) int {
		now := time.Unix(1_700_000_000, 0)
		started := 0
		for s := range 60 { // a request every second from each /64
			at := now.Add(time.Duration(s) * time.Second)
			for n := range 30 {
				ip := fmt.Sprintf("2001:db8:42:%x::%x", n+1, s+1)
				if _, wait, _ := l.take(ip, at); wait == 0 {
					started++
				}
			}
		}
		return started
	}
	before := newListenLimit(10, 0)
	before.per48 = 1 << 30 // every /64 its own budget, as before
	after := newListenLimit(10, 0)
	withGlobal := newListenLimit(10, 60)
	b, a, g := walk(before), walk(after), walk(withGlobal)
	t.Logf("figure: 30 /64s of one /48, a request a second each for a minute, budget 10/min: "+
		"%d renders started keyed by /64, %d keyed by /48 past %d /64s, %d with the default global cap of 60", b, a, DefaultNetsPer48, g)
	// A budget of 10 a minute gives 10 at once and 9 more over the minute.
	if b < 30*19 || a > (DefaultNetsPer48+1)*19 || g > min(a, 60+59) {
		t.Fatalf("before %d, after %d, with the global cap %d", b, a, g)
	}
	// Addresses of one /64 share a budget; other /48s are not affected.
	l := newListenLimit(2, 0)
	now := time.Now()
	for i := range 3 {
		_, wait, _ := l.take(fmt.Sprintf("2001:db8:1:1::%d", i+1), now)
		if (wait == 0) != (i < 2) {
			t.Fatalf("address %d of one /64: wait %v", i, wait)
		}
	}
	if _, wait, _ := l.take("2001:db8:2:1::1", now); wait != 0 {
		t.Fatalf("another /48 refused: %v", wait)
	}
}

// TestNetsPer48Setting: Config.NetsPer48 (ECOUTER_LISTEN_IPV6_NETS_PER_48)
// decides how many /64s of a /48 keep budgets of their own.
func TestNetsPer48Setting(t *testing.T) {
	_, local, _ := net.ParseCIDR("127.0.0.0/8")
	for _, tc := range []struct {
		per48, renders int
	}{{2, 3}, {-1, 6}, {0, DefaultNetsPer48 + 1}} {
		srv, sched := admissionServer(t, Config{ListenRendersPerMinute: 1, ListenRendersGlobalPerMinute: 0,
			NetsPer48: tc.per48, TrustedProxies: []*net.IPNet{local}}, &synthtest.Fake{})
		for n := range 6 {
			hcall(t, "GET", fmt.Sprintf("%s/v1/articles/n%d/audio.mp3", srv.URL, n),
				"X-Forwarded-For", fmt.Sprintf("2001:db8:42:%x::1", n+1))
		}
		if got := int(sched.runs.Load()); got != tc.renders {
			t.Errorf("NetsPer48 %d: six /64s of one /48 with a budget of 1 started %d renders, want %d", tc.per48, got, tc.renders)
		}
	}
}
