package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"ecouter/internal/testwait"
	"ecouter/jobs"
)

// TestServeWithoutNATS: `ecouter serve` with ECOUTER_NATS=off starts no
// NATS server and still queues on its one node, in process: a batch is
// rendered and counted by /v1/jobs, a job whose source fails is kept as
// failed, then rendered once retried with `ecouter jobs -retry`.
// (TestWithdrawalInterleaved/OneNodeNATSOff: withdrawals while renders
// are queued stay withdrawn.)
func TestServeWithoutNATS(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/articles/")
		if strings.HasPrefix(id, "flaky") && down.Load() {
			http.Error(w, "database down", http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"title": "Article " + id, "html": sentences(id, 2)})
	}))
	t.Cleanup(src.Close)
	natsDir := filepath.Join(t.TempDir(), "nats")
	p := startProc(t, []string{"ECOUTER_NATS=off", "ECOUTER_NATS_DIR=" + natsDir, "ECOUTER_API_KEY=" + testKey,
		"ECOUTER_ARTICLES=http:" + src.URL + "/articles/{id}", "ECOUTER_STORE=" + t.TempDir(),
		"ECOUTER_QUEUE_ATTEMPTS=3", "ECOUTER_QUEUE_BACKOFF=100ms"})
	auth := []string{"Authorization", "Bearer " + testKey}

	if _, err := os.Stat(natsDir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the embedded NATS server started (its folder: %v)", err)
	}
	if _, body := get(t, p.base+"/readyz"); bytes.Contains(body, []byte("nats")) {
		t.Errorf("/readyz checks NATS: %s", body)
	}

	batch := []string{"b0", "b1", "b2", "b3", "b4", "b5"}
	body, _ := json.Marshal(map[string][]string{"ids": batch})
	req, _ := http.NewRequest(http.MethodPost, p.base+"/v1/render", bytes.NewReader(body))
	req.Header.Set(auth[0], auth[1])
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("batch: status %d, want 202 (queued)", res.StatusCode)
	}
	var st jobs.Stats
	testwait.Eventually(t, func() bool {
		st = jobStats(t, p, auth)
		return st.Done == len(batch) && st.Queued == 0 && st.Running == 0
	}, "the batch done: %+v", &st)
	if !allReady(t, p, batch) {
		t.Fatal("/v1/jobs counts the batch done, its articles are not ready")
	}
	if _, metrics := get(t, p.base+"/metrics"); !bytes.Contains(metrics, []byte("\necouter_queue_depth 0\n")) {
		t.Errorf("no ecouter_queue_depth gauge at 0 in /metrics")
	}

	if res, body := do(t, http.MethodPost, p.base+"/v1/articles/flaky/render", auth...); res.StatusCode != http.StatusAccepted {
		t.Fatalf("render of an article whose source fails: %d %s, want 202 (queued)", res.StatusCode, body)
	}
	testwait.Eventually(t, func() bool {
		st = jobStats(t, p, auth)
		return slicesIndex(st.Failures, "flaky") >= 0
	}, "flaky listed as failed: %+v", &st)
	if f := st.Failures[slicesIndex(st.Failures, "flaky")]; f.Attempts != 3 || !strings.Contains(f.Error, "500") || st.Failed != 1 {
		t.Fatalf("failure %+v (%d failed): want 3 attempts and the source's 500", f, st.Failed)
	}
	down.Store(false)
	var out, errOut bytes.Buffer
	env := map[string]string{"ECOUTER_API_KEY": testKey}
	if err := run(context.Background(), []string{"jobs", "-url", p.base, "-retry", "flaky"}, func(k string) string { return env[k] }, &out, &errOut); err != nil {
		t.Fatalf("ecouter jobs -retry: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "1 failed jobs queued again") {
		t.Fatalf("ecouter jobs -retry printed:\n%s", out.String())
	}
	testwait.Eventually(t, func() bool {
		st = jobStats(t, p, auth)
		return st.Failed == 0 && st.Done == len(batch)+1 && allReady(t, p, []string{"flaky"})
	}, "flaky rendered once retried: %+v", &st)
	if !strings.Contains(p.log.String(), "NATS off") {
		t.Errorf("the log does not say NATS is off:\n%s", p.log)
	}

	// The queue is in memory: a node stopped with a failed job says what
	// it loses.
	down.Store(true)
	if res, body := do(t, http.MethodPost, p.base+"/v1/articles/flaky2/render", auth...); res.StatusCode != http.StatusAccepted {
		t.Fatalf("render of flaky2: %d %s", res.StatusCode, body)
	}
	testwait.Eventually(t, func() bool { return jobStats(t, p, auth).Failed == 1 }, "flaky2 failed")
	p.stop()
	if !strings.Contains(p.log.String(), `msg="render jobs lost: the queue of a node alone (ECOUTER_NATS=off) is in memory" queued=0 failed=1`) {
		t.Errorf("no warning of the jobs lost at stop:\n%s", p.log)
	}
}
