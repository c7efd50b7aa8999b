package render

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"ecouter/internal/testwait"
)

// streamWriter feeds a Stream as the encoder does: frames to a spool.
type streamWriter struct {
	t  *testing.T
	s  *Stream
	sp *spool
}

func newStreamWriter(t *testing.T, head string) *streamWriter {
	t.Helper()
	sp, err := newSpool()
	if err != nil {
		t.Fatal(err)
	}
	s := newStream()
	w := &streamWriter{t: t, s: s, sp: sp}
	t.Cleanup(sp.release)
	s.attach([]byte(head), sp)
	return w
}

func (w *streamWriter) write(p string) {
	if _, err := w.sp.Write([]byte(p)); err != nil {
		w.t.Fatal(err)
	}
	w.s.wrote(w.sp.written())
}

func TestStreamReadersGetEverythingFromTheStart(t *testing.T) {
	w := newStreamWriter(t, "ID3")
	s := w.s
	w.write("abc")
	var wg sync.WaitGroup
	got := make([][]byte, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := io.ReadAll(s.Reader(context.Background()))
			if err != nil {
				t.Error(err)
			}
			got[i] = b
		}()
	}
	for _, p := range []string{"def", "", "ghi"} {
		time.Sleep(time.Millisecond) // a render's frames come in over time
		w.write(p)
	}
	s.finish(nil)
	wg.Wait()
	for _, b := range got {
		if !bytes.Equal(b, []byte("ID3abcdefghi")) {
			t.Fatalf("reader got %q", b)
		}
	}
	// A late reader still gets the whole stream.
	if b, _ := io.ReadAll(s.Reader(context.Background())); string(b) != "ID3abcdefghi" {
		t.Fatalf("late reader got %q", b)
	}
}

func TestStreamErrorAndCancel(t *testing.T) {
	w := newStreamWriter(t, "")
	s := w.s
	ctx, cancel := context.WithCancel(context.Background())
	r := s.Reader(ctx)
	go func() { time.Sleep(5 * time.Millisecond); cancel() }() // mostly while Read waits; before is fine too
	if _, err := r.Read(make([]byte, 8)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled read: %v", err)
	}
	boom := errors.New("engine died")
	w.write("x")
	s.finish(boom)
	b, err := io.ReadAll(s.Reader(context.Background()))
	if string(b) != "x" || !errors.Is(err, boom) {
		t.Fatalf("failed stream: %q, %v", b, err)
	}
}

// The render's frames live in one file on disk, closed once the render,
// its listeners and the grace period are done with it.
func TestSpoolClosedWhenEveryoneIsDone(t *testing.T) {
	grace := streamGrace
	streamGrace = time.Millisecond
	t.Cleanup(func() { streamGrace = grace })
	f := newFixture(t)
	ctx := context.Background()
	_, st, err := f.svc.Listen(ctx, "a1")
	if err != nil || st == nil {
		t.Fatalf("listen: %v", err)
	}
	r := st.Reader(ctx)
	if n, err := r.Read(make([]byte, 16)); n == 0 || err != nil {
		t.Fatalf("first read: %d, %v", n, err)
	}
	if err := f.svc.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	sp := st.sp
	st.mu.Unlock()
	time.Sleep(10 * streamGrace) // the grace period over: only the listener keeps the spool
	if sp.closed() {
		t.Fatal("spool closed while a listener was still reading it")
	}
	rest, err := io.ReadAll(r)
	if err != nil || len(rest) == 0 {
		t.Fatalf("rest of the stream: %d bytes, %v", len(rest), err)
	}
	testwait.Eventually(t, sp.closed, "the spool closed after the render, its listener and the grace period")
}

// A listener handed a stream once its grace period is over (a takeover
// that outlasted it on a busy machine) gets the render's own end, or is
// sent to the stored file: never errSpoolGone alone, a 500 (issue 20).
func TestStreamReaderAfterGrace(t *testing.T) {
	grace := streamGrace
	streamGrace = time.Millisecond
	t.Cleanup(func() { streamGrace = grace })
	boom := errors.New("engine died")
	for _, tt := range []struct {
		name     string
		end, got error
	}{
		{"taken over", ErrNoLiveStream, ErrNoLiveStream},
		{"failed", boom, boom},
		{"stored", nil, ErrNoLiveStream}, // the api then serves the stored file
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newStreamWriter(t, "ID3")
			w.write("abc")
			w.sp.release() // the encoder is done with it
			w.s.finish(tt.end)
			testwait.Eventually(t, w.sp.closed, "the spool released after the grace period")
			if _, err := io.ReadAll(w.s.Reader(context.Background())); !errors.Is(err, tt.got) {
				t.Fatalf("read after the grace period: %v, want %v", err, tt.got)
			}
		})
	}
}
