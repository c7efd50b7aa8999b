package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"ecouter/render"
	"ecouter/store"
	"ecouter/synth/synthtest"
)

// takenOver is a scheduler whose renders go on without a live stream, as
// a render taken over from a node that died: the job's stream ends at
// once with render.ErrNoLiveStream (what the cluster's relay says), the
// render itself succeeds.
type takenOver struct{ *render.Local }

func (s takenOver) Start(ctx context.Context, req render.Request) (*render.Job, error) {
	r := req
	r.Render = func(ctx context.Context, st *render.Stream) (*render.Manifest, error) {
		st.Relay(failingReader{fmt.Errorf("relayed stream: %w", render.ErrNoLiveStream)})
		return req.Render(ctx, nil)
	}
	return s.Local.Start(ctx, r)
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// TestTakeoverServesStoredFile is issue 19's 500 "the render was taken
// over: no live stream": a first listen of a render with no live stream
// waits for the stored file and gets it whole (200, with its length and
// ETag), and the article is not held back as failed.
func TestTakeoverServesStoredFile(t *testing.T) {
	st, err := store.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := render.New(oneArticle{}, &synthtest.Fake{}, st, render.DefaultConfig(), log, nil,
		render.WithScheduler(takenOver{render.NewLocal(2, log)}))
	srv := httptest.NewServer(newFor(svc, Config{ListenRendersPerMinute: 10}, log, nil))
	t.Cleanup(func() { srv.Close(); svc.Wait(context.Background()) })

	for _, method := range []string{"GET", "HEAD"} {
		id := "taken-" + method
		res, body := hcall(t, method, srv.URL+"/v1/articles/"+id+"/audio.mp3")
		if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == "" || res.ContentLength <= 0 {
			t.Fatalf("%s first listen of a render taken over: %d %v %.200s", method, res.StatusCode, res.Header, body)
		}
		if method == "GET" && int64(len(body)) != res.ContentLength {
			t.Fatalf("got %d bytes of %d", len(body), res.ContentLength)
		}
		// Not a failure: the next listener is not held back.
		if res, body := hcall(t, "GET", srv.URL+"/v1/articles/"+id+"/audio.mp3"); res.StatusCode != http.StatusOK {
			t.Fatalf("second listen: %d %.200s", res.StatusCode, body)
		}
	}
}
