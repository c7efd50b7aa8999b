package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ecouter/cluster/natstest"
	"ecouter/internal/testwait"
	"ecouter/jobs"
	"ecouter/synth/polly/pollytest"
)

// The cluster end-to-end test runs three `ecouter serve` processes (this
// test binary, re-run as the command) on one versitygw bucket and one
// three-node NATS cluster, with Polly answered by pollytest.

// childEnv makes the test binary run ecouter's main instead of the tests.
const childEnv = "ECOUTER_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		return
	}
	// No request of these tests may hang the package until go test's
	// limit: a node that never answers fails the test that asked it.
	http.DefaultClient.Timeout = testwait.Scale(3 * time.Minute)
	os.Exit(m.Run())
}

// proc is one `ecouter serve` process.
type proc struct {
	env  []string
	base string
	log  *syncBuffer // every run's log, kept across restarts
	cmd  *exec.Cmd
	done chan struct{}
}

func startProc(t testing.TB, env []string) *proc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := &proc{env: append(env, "ECOUTER_ADDR="+addr), base: "http://" + addr, log: &syncBuffer{}}
	p.start(t)
	t.Cleanup(p.stop)
	return p
}

// start runs the process until it is ready, failing t (the caller's
// test: a subtest may restart a node) otherwise. A node that cannot reach
// NATS at start exits with an error for its supervisor to start it again,
// as systemd does; on a busy machine the NATS servers of this test process
// can be that slow to answer, and start does what the supervisor would.
func (p *proc) start(t testing.TB) {
	t.Helper()
	from := p.launch(t)
	testwait.Eventually(t, func() bool {
		select {
		case <-p.done:
			if !natsAtStart.MatchString(p.log.String()[from:]) {
				t.Fatalf("ecouter exited at start:\n%s", p.log)
			}
			from = p.launch(t)
			return false
		default:
		}
		res, err := http.Get(p.base + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, "ecouter ready:\n%s", p.log)
}

// natsAtStart is the error of a node that gave up on NATS at start.
var natsAtStart = regexp.MustCompile(`(?m)^ecouter: .*NATS`)

// launch starts the process, and says where its log starts in p.log.
func (p *proc) launch(t testing.TB) int {
	t.Helper()
	from := len(p.log.String())
	p.cmd = exec.Command(os.Args[0], "serve")
	p.cmd.Env = append(append(os.Environ(), childEnv+"=1"), p.env...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.done = make(chan struct{})
	go func() { p.cmd.Wait(); close(p.done) }()
	return from
}

// kill is kill -9.
func (p *proc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func (p *proc) stop() {
	if dir := os.Getenv("ECOUTER_E2E_LOGS"); dir != "" { // for figures and post-mortems
		os.WriteFile(fmt.Sprintf("%s/%s.log", dir, strings.ReplaceAll(p.base[7:], ":", "_")), []byte(p.log.String()), 0o644)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(testwait.Scale(40 * time.Second)):
		p.kill()
	}
}

// renders is ecouter_renders_total{outcome="ok"} of this run of p.
func (p *proc) renders(t *testing.T) float64 {
	return metric(t, p.base, `ecouter_renders_total{outcome="ok"}`)
}

// newsroom is the newsroom's JSON API: "broken" answers 500.
type newsroom struct {
	mu    sync.Mutex
	texts map[string]string
}

func (n *newsroom) set(id, html string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.texts[id] = html
}

func articleServer(t testing.TB, n *newsroom) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/articles/")
		if id == "broken" {
			http.Error(w, "database down", http.StatusInternalServerError)
			return
		}
		n.mu.Lock()
		html, ok := n.texts[id]
		n.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"title": "Article " + id, "html": html})
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/articles/{id}"
}

func sentences(id string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "<p>Dans l'article %s, la phrase numéro %d parle du conseil municipal.</p>", id, i+1)
	}
	return b.String()
}

// mp3Frames drops the ID3v2 tag: the live stream's and the stored file's
// tags may differ, their frames may not.
func mp3Frames(b []byte) []byte {
	if len(b) >= 10 && string(b[:3]) == "ID3" {
		size := int(b[6]&0x7f)<<21 | int(b[7]&0x7f)<<14 | int(b[8]&0x7f)<<7 | int(b[9]&0x7f)
		if 10+size <= len(b) {
			return b[10+size:]
		}
	}
	return b
}

// articleTTL is the cluster nodes' ECOUTER_ARTICLE_TTL: longer than any
// wait of the test, so that only events refresh an edited article.
const articleTTL = time.Hour

func TestClusterEndToEnd(t *testing.T) {
	polly := pollytest.New(t, pollytest.Options{Delay: 40 * time.Millisecond})
	polly.Setenv(t)
	s3Bucket(t, "ecouter-cluster") // after Polly: the S3 credentials win, Polly ignores them
	ctx := context.Background()
	nats := natstest.Start(t, 3)

	texts := map[string]string{"one": sentences("one", 6), "two": sentences("two", 16)}
	// 30 short articles: enough for every node to take jobs, for one
	// node to be killed with jobs in hand, and for the others to finish
	// them; 100 proved nothing more and took minutes on a busy machine.
	var batch []string
	for i := range 30 {
		id := fmt.Sprintf("b%d", i)
		texts[id], batch = "<p>Brève "+id+".</p>", append(batch, id)
	}
	news := &newsroom{texts: texts}
	src := articleServer(t, news)
	var procs []*proc
	for i := range 3 {
		// Each node first tries its own NATS server.
		urls := append([]string{nats.URLs[i]}, nats.URLs...)
		procs = append(procs, startProc(t, []string{
			"ECOUTER_STORE=s3://ecouter-cluster", "ECOUTER_S3_PATH_STYLE=true",
			"ECOUTER_SYNTH=polly", "ECOUTER_POLLY_MAX_IN_FLIGHT=2",
			"ECOUTER_ARTICLES=http:" + src, "ECOUTER_API_KEY=" + testKey,
			"ECOUTER_NATS_URL=" + strings.Join(urls, ","), "ECOUTER_NATS_REPLICAS=3", "ECOUTER_NATS_LEASE=2s",
			"ECOUTER_QUEUE_ATTEMPTS=3", "ECOUTER_QUEUE_BACKOFF=100ms", "ECOUTER_MAX_RENDERS=4",
			"ECOUTER_ARTICLE_TTL=" + articleTTL.String(),
		}))
	}
	auth := []string{"Authorization", "Bearer " + testKey}

	t.Run("FirstListensRenderOnce", func(t *testing.T) {
		type heard struct {
			node  int
			first time.Duration
			body  []byte
			err   error
		}
		out := make(chan heard, 30)
		start := time.Now()
		for i := range 30 {
			go func() {
				p := procs[i%3]
				res, err := http.Get(p.base + "/v1/articles/one/audio.mp3")
				if err != nil {
					out <- heard{node: i % 3, err: err}
					return
				}
				defer res.Body.Close()
				var first time.Duration
				b := make([]byte, 1)
				if _, err := io.ReadFull(res.Body, b); err == nil {
					first = time.Since(start)
				}
				rest, err := io.ReadAll(res.Body)
				if err == nil && res.StatusCode != http.StatusOK {
					err = fmt.Errorf("status %d: %s", res.StatusCode, rest)
				}
				out <- heard{node: i % 3, first: first, body: append(b, rest...), err: err}
			}()
		}
		var frames []byte
		firsts := map[int][]time.Duration{}
		for range 30 {
			h := <-out
			if h.err != nil {
				t.Fatalf("listener on node %d: %v", h.node, h.err)
			}
			f := mp3Frames(h.body)
			if frames == nil {
				frames = f
			} else if !bytes.Equal(f, frames) {
				t.Fatalf("a listener on node %d got other frames (%d bytes, first had %d)", h.node, len(f), len(frames))
			}
			firsts[h.node] = append(firsts[h.node], h.first)
		}
		var sum float64
		owner := -1
		for i, p := range procs {
			n := p.renders(t)
			sum += n
			if n == 1 {
				owner = i
			}
		}
		if sum != 1 {
			t.Fatalf("30 first listens over 3 nodes: %v renders, want 1", sum)
		}
		_, body := get(t, procs[0].base+"/v1/articles/one")
		var m struct {
			Billed int64 `json:"billed_characters"`
			Size   int64 `json:"size"`
		}
		json.Unmarshal(body, &m)
		if got := polly.BilledCharacters(); got != m.Billed || got == 0 {
			t.Fatalf("Polly billed %d characters, one render is %d", got, m.Billed)
		}
		if len(frames) < 1000 {
			t.Fatalf("the MP3 has %d bytes of frames", len(frames))
		}
		for i := range procs {
			role := "follower"
			if i == owner {
				role = "owner"
			}
			t.Logf("first audio byte, node %d (%s): %v", i, role, firsts[i])
		}
	})

	t.Run("EventsRefreshOtherNodes", func(t *testing.T) {
		// Node 2 checked "one" within its article TTL, and lists the feed.
		res, _ := get(t, procs[2].base+"/v1/articles/one/transcript.vtt")
		old := res.Header.Get("ETag")
		listed := time.Now()
		if _, body := get(t, procs[2].base+"/feed.xml"); bytes.Contains(body, []byte("Article three")) {
			t.Fatal("three in the feed before it was rendered")
		}
		news.set("one", sentences("one", 6)+"<p>Mise à jour : le conseil a voté.</p>")
		news.set("three", sentences("three", 2))
		for _, id := range []string{"one", "three"} {
			r, _ := http.NewRequest(http.MethodPost, procs[0].base+"/v1/articles/"+id+"/render?wait=1", nil)
			r.Header.Set(auth[0], auth[1])
			res, err := http.DefaultClient.Do(r)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("render %s on node 0: %v %v", id, res.Status, err)
			}
			res.Body.Close()
		}
		_, body := get(t, procs[0].base+"/v1/articles/one")
		var m struct{ Key string }
		json.Unmarshal(body, &m)
		// Without the events, node 2 would answer "one" from its cache
		// for the article TTL (an hour here: far beyond any wait, so only
		// an event ends this one, however busy the machine) and list the
		// feed from its cache for 5 s; events arrive within milliseconds.
		if testwait.Scale(testwait.Timeout) >= articleTTL {
			t.Fatalf("the wait (%v) would outlast the article TTL (%v)", testwait.Scale(testwait.Timeout), articleTTL)
		}
		testwait.Eventually(t, func() bool {
			res, _ := get(t, procs[2].base+"/v1/articles/one/transcript.vtt")
			return strings.Contains(res.Header.Get("ETag"), m.Key)
		}, "node 2 to serve the transcript of %s (was %s)", m.Key, old)
		testwait.Eventually(t, func() bool {
			_, feed := get(t, procs[2].base+"/feed.xml")
			return bytes.Contains(feed, []byte("Article three"))
		}, "node 2's feed to list three")
		// The feed's list cache lasts 5 s (not a setting): the same
		// events refresh it, which only a fast enough machine can tell
		// from the cache's expiry.
		if took := time.Since(listed); took < 5*time.Second {
			t.Logf("node 2's feed listed three %v after its list was cached: by the event", took.Round(time.Millisecond))
		}
	})

	t.Run("OwnerKilledMidRender", func(t *testing.T) {
		before := len(polly.Requests())
		waiters := make(chan error, 3)
		owner := procs[0]
		req, _ := http.NewRequest(http.MethodPost, owner.base+"/v1/articles/two/render?wait=1", nil)
		req.Header.Set(auth[0], auth[1])
		go http.DefaultClient.Do(req) // the owner's waiter dies with it
		testwait.Eventually(t, func() bool { return len(polly.Requests()) >= before+3 }, "the owner's first 3 sentences at Polly")
		for _, p := range procs[1:] {
			go func() {
				r, _ := http.NewRequest(http.MethodPost, p.base+"/v1/articles/two/render?wait=1", nil)
				r.Header.Set(auth[0], auth[1])
				res, err := http.DefaultClient.Do(r)
				if err == nil {
					b, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d: %s", res.StatusCode, b)
					}
				}
				waiters <- err
			}()
		}
		// Gives the followers' requests time to arrive before the kill;
		// what follows holds if one arrives later (it waits out the lease).
		time.Sleep(300 * time.Millisecond)
		renders := procs[1].renders(t) + procs[2].renders(t)
		killed := time.Now()
		owner.kill()
		for range 2 {
			if err := <-waiters; err != nil {
				t.Fatalf("a follower's waiter after the owner was killed: %v", err)
			}
		}
		t.Logf("takeover: the followers' waiters answered %v after kill -9 (lease 2s), %s", time.Since(killed), takeoverAfter(procs[1:], killed))
		if n := procs[1].renders(t) + procs[2].renders(t) - renders; n != 1 {
			t.Fatalf("after the owner died the followers ran %v renders, want 1", n)
		}
		// Every sentence the owner had synthesised was in the sentence
		// cache: the new owner bills again only those in flight at the
		// kill, at most the owner's synthesis slots (2).
		sent, again := map[string]bool{}, 0
		for _, r := range polly.Requests()[before:] {
			if sent[r.Plain] {
				again++
			}
			sent[r.Plain] = true
		}
		t.Logf("takeover: %d of %d sentences billed twice (bound: 2 in flight)", again, len(sent))
		if again > 2 {
			t.Fatalf("the takeover billed %d sentences again, want at most the 2 in flight", again)
		}
		owner.start(t)
	})

	t.Run("ListenersDuringTakeover", func(t *testing.T) {
		spoken := func(text string) int {
			n := 0
			for _, r := range polly.Requests() {
				if strings.Contains(r.Plain, text) {
					n++
				}
			}
			return n
		}
		// A slow Polly (0.4 s a sentence, two at a time): the owner is
		// killed well before the end.
		polly.SetDelay(400 * time.Millisecond)
		defer polly.SetDelay(40 * time.Millisecond)
		listenersDuringTakeover(t, procs, news, spoken, auth)
	})

	t.Run("BatchOverThreeNodes", func(t *testing.T) {
		st := jobStats(t, procs[2], auth)
		doneBefore := st.Done
		body, _ := json.Marshal(map[string][]string{"ids": batch})
		r, _ := http.NewRequest(http.MethodPost, procs[0].base+"/v1/render", bytes.NewReader(body))
		r.Header.Set(auth[0], auth[1])
		r.Header.Set("Content-Type", "application/json")
		start := time.Now()
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("batch: status %d", res.StatusCode)
		}
		// Node 1 is killed a fifth of the way in, with jobs in hand.
		testwait.Eventually(t, func() bool { return jobStats(t, procs[2], auth).Done >= doneBefore+len(batch)/5 }, "a fifth of the batch done")
		procs[1].kill()
		procs[1].start(t)
		// Done counts may miss the job of a node killed between its
		// acknowledgement and its count: the manifests say what is done.
		testwait.Eventually(t, func() bool {
			st = jobStats(t, procs[2], auth)
			return st.Queued == 0 && st.Running == 0 && allReady(t, procs[2], batch)
		}, "the batch done: %+v", &st)
		t.Logf("%d-article batch over 3 nodes (one killed and restarted): %v", len(batch), time.Since(start))
		rendered := regexp.MustCompile(`msg=rendered article_id=(b\d+) `)
		count := map[string]int{}
		byNode := map[int]int{}
		for i, p := range procs {
			for _, m := range rendered.FindAllStringSubmatch(p.log.String(), -1) {
				count[m[1]]++
				byNode[i]++
			}
		}
		for _, id := range batch {
			if count[id] != 1 {
				t.Errorf("%s rendered %d times, want once", id, count[id])
			}
		}
		if len(byNode) != 3 {
			t.Errorf("renders by node %v: want all three nodes", byNode)
		}
	})

	t.Run("FailedJobListed", func(t *testing.T) {
		r, _ := http.NewRequest(http.MethodPost, procs[1].base+"/v1/articles/broken/render", nil)
		r.Header.Set(auth[0], auth[1])
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusAccepted {
			t.Fatalf("render of an article whose source fails: status %d, want 202 (queued)", res.StatusCode)
		}
		var st jobs.Stats
		testwait.Eventually(t, func() bool {
			st = jobStats(t, procs[0], auth)
			return slicesIndex(st.Failures, "broken") >= 0
		}, "broken listed as failed: %+v", &st)
		if f := st.Failures[slicesIndex(st.Failures, "broken")]; f.Attempts != 3 || !strings.Contains(f.Error, "500") {
			t.Fatalf("failure %+v: want 3 attempts and the source's 500", f)
		}
		var out, errOut bytes.Buffer
		env := map[string]string{"ECOUTER_API_KEY": testKey}
		if err := run(ctx, []string{"jobs", "-url", procs[2].base}, func(k string) string { return env[k] }, &out, &errOut); err != nil {
			t.Fatalf("ecouter jobs: %v\n%s", err, errOut.String())
		}
		if !strings.Contains(out.String(), "failed broken after 3 attempts") {
			t.Fatalf("ecouter jobs printed:\n%s", out.String())
		}
	})
}

func slicesIndex(fs []jobs.Failure, id string) int {
	for i, f := range fs {
		if f.ID == id {
			return i
		}
	}
	return -1
}

func jobStats(t *testing.T, p *proc, auth []string) jobs.Stats {
	t.Helper()
	res, body := get(t, p.base+"/v1/jobs", auth...)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/jobs: %d %s", res.StatusCode, body)
	}
	var st jobs.Stats
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// takeoverAfter says when a node took the render over, from its log.
func takeoverAfter(ps []*proc, killed time.Time) string {
	re := regexp.MustCompile(`time=(\S+) level=INFO msg="render owner gone, taking over"`)
	for _, p := range ps {
		if m := re.FindStringSubmatch(p.log.String()); m != nil {
			if at, err := time.Parse(time.RFC3339Nano, m[1]); err == nil {
				return fmt.Sprintf("a follower took over %v after the kill", at.Sub(killed).Round(time.Millisecond))
			}
		}
	}
	return "no takeover logged"
}

func allReady(t *testing.T, p *proc, ids []string) bool {
	for _, id := range ids {
		var m struct{ Status string }
		if res, body := get(t, p.base+"/v1/articles/"+id); res.StatusCode != http.StatusOK || json.Unmarshal(body, &m) != nil || m.Status != "ready" {
			return false
		}
	}
	return true
}
