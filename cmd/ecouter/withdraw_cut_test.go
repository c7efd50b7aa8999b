package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// An answer being sent when its article is withdrawn is cut, on the node
// that withdraws it and on the others: a live render's stream and a stored
// MP3 alike. The client reads slowly (a small receive buffer), as a phone
// does, so that most of the MP3 is still to be sent when DELETE lands.
func TestWithdrawalCutsOpenAnswers(t *testing.T) {
	t.Run("OneNode", func(t *testing.T) {
		src := cutArticles(t)
		srv := service(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + src, "ECOUTER_LISTEN_RENDERS_PER_MINUTE": "0"})
		cutWhileSent(t, srv.URL, srv.URL, "long1", false)
		cutWhileSent(t, srv.URL, srv.URL, "long2", true)
	})
	t.Run("ThreeNodes", func(t *testing.T) {
		src := cutArticles(t)
		bases := threeNodes(t, map[string]string{"ECOUTER_ARTICLES": "dir:" + src, "ECOUTER_STORE": t.TempDir(),
			"ECOUTER_LISTEN_RENDERS_PER_MINUTE": "0"})
		cutWhileSent(t, bases[1], bases[0], "long1", false)
		cutWhileSent(t, bases[2], bases[0], "long2", true)
	})
}

// cutArticles writes long1 and long2: about two minutes of speech each,
// 1 MB of MP3.
func cutArticles(t *testing.T) string {
	dir := t.TempDir()
	for _, id := range []string{"long1", "long2"} {
		b, _ := json.Marshal(map[string]string{"title": "Article " + id, "html": sentences(id, 40)})
		if err := os.WriteFile(filepath.Join(dir, id+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// maxAfterCut bounds what reaches the client after DELETE answered: the
// socket buffers' content, not the rest of the MP3.
const maxAfterCut = 256 << 10

// cutWhileSent starts reading the article's audio from listen (its live
// stream, or its stored MP3 once rendered), withdraws it on withdraw, and
// checks that the answer is cut: little more arrives, and the download
// ends broken, not complete.
func cutWhileSent(t *testing.T, listen, withdraw, id string, stored bool) {
	t.Helper()
	auth := []string{"Authorization", "Bearer " + testKey}
	if stored {
		if res, body := do(t, http.MethodPost, listen+"/v1/articles/"+id+"/render?wait=1", auth...); res.StatusCode != http.StatusOK {
			t.Fatalf("POST render %s: %d %s", id, res.StatusCode, body)
		}
	}
	res, err := slowClient().Get(listen + "/v1/articles/" + id + "/audio.mp3")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s audio: %d", id, res.StatusCode)
	}
	if _, err := io.ReadFull(res.Body, make([]byte, 4<<10)); err != nil {
		t.Fatalf("first bytes of %s: %v", id, err)
	}
	if res, body := do(t, http.MethodDelete, withdraw+"/v1/articles/"+id, auth...); res.StatusCode != http.StatusOK {
		t.Fatalf("DELETE %s: %d %s", id, res.StatusCode, body)
	}
	n, err := io.Copy(io.Discard, res.Body)
	what := fmt.Sprintf("%s (stored %t) read from %s, withdrawn on %s", id, stored, listen, withdraw)
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%s: the answer ended complete (%v) after %d more bytes, want it cut", what, err, n)
	}
	if n > maxAfterCut {
		t.Errorf("%s: %d bytes after the withdrawal, want at most %d", what, n, maxAfterCut)
	}
	t.Logf("%s: %d bytes after the withdrawal, then %v", what, n, err)
}

// slowClient reads through a 4 KiB receive buffer, so the server cannot
// push the whole MP3 into the socket at once.
func slowClient() *http.Client {
	d := &net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		if err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4<<10)
		}); err != nil {
			return err
		}
		return serr
	}}
	return &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{DialContext: d.DialContext, DisableCompression: true}}
}
