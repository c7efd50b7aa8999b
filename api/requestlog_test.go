package api

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"ecouter/internal/testwait"
	"ecouter/render"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The request log reports the bytes each response really carried: JSON
// errors and stored audio (whole, ranges) included.
func TestRequestLogBytes(t *testing.T) {
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	svc := render.New(oneArticle{}, &synthtest.Fake{}, st, render.DefaultConfig(), log, nil)
	srv := httptest.NewServer(newFor(svc, Config{APIKey: "k"}, log, nil))
	t.Cleanup(srv.Close)
	req(t, "GET", srv.URL+"/v1/articles/a/download", "") // rendered and stored
	// Log lines already expected, per path and status (what line matches).
	seen := map[string]int{"/v1/articles/a/download 200": 1}
	for _, c := range []struct {
		path string
		hdr  []string
	}{
		{"/v1/articles/bad%20id/audio.mp3", nil},
		{"/v1/articles/a/audio.mp3", nil},
		{"/v1/articles/a/audio.mp3", []string{"Range", "bytes=10-99"}},
		{"/v1/articles/a/download", nil},
		{"/nowhere", nil},
	} {
		res, body := req(t, "GET", srv.URL+c.path, "", c.hdr...)
		uri := regexp.QuoteMeta(c.path)
		line := regexp.MustCompile(`uri=` + uri + ` status=` + strconv.Itoa(res.StatusCode) + ` bytes=(\d+)`)
		// The line is written once the handler returns, which may be just
		// after the client has read the whole answer.
		var m [][]string
		k := c.path + " " + strconv.Itoa(res.StatusCode)
		testwait.Eventually(t, func() bool {
			m = line.FindAllStringSubmatch(logs.String(), -1)
			return len(m) >= 1+seen[k]
		}, "the request line for %s in\n%s", k, &logs)
		seen[k]++
		if len(m) == 0 {
			t.Fatalf("no request line for %s %d in\n%s", c.path, res.StatusCode, logs.String())
		}
		if got := m[len(m)-1][1]; got != strconv.Itoa(len(body)) {
			t.Errorf("GET %s (%d): log says bytes=%s, the body had %d", c.path, res.StatusCode, got, len(body))
		}
	}
}
