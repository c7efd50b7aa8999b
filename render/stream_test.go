package render

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"
)

func TestStreamReadersGetEverythingFromTheStart(t *testing.T) {
	s := newStream()
	s.write([]byte("abc"))
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
		time.Sleep(time.Millisecond)
		s.write([]byte(p))
	}
	s.finish(nil)
	wg.Wait()
	for _, b := range got {
		if !bytes.Equal(b, []byte("abcdefghi")) {
			t.Fatalf("reader got %q", b)
		}
	}
	// A late reader still gets the whole stream.
	if b, _ := io.ReadAll(s.Reader(context.Background())); string(b) != "abcdefghi" {
		t.Fatalf("late reader got %q", b)
	}
}

func TestStreamErrorAndCancel(t *testing.T) {
	s := newStream()
	ctx, cancel := context.WithCancel(context.Background())
	r := s.Reader(ctx)
	go func() { time.Sleep(5 * time.Millisecond); cancel() }()
	if _, err := r.Read(make([]byte, 8)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled read: %v", err)
	}
	boom := errors.New("engine died")
	s.write([]byte("x"))
	s.finish(boom)
	b, err := io.ReadAll(s.Reader(context.Background()))
	if string(b) != "x" || !errors.Is(err, boom) {
		t.Fatalf("failed stream: %q, %v", b, err)
	}
}
