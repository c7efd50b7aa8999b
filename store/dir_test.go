package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestDirPutOpen(t *testing.T) {
	ctx := context.Background()
	d, err := NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "articles/a/x.mp3", strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	b, err := d.Open(ctx, "articles/a/x.mp3")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got, _ := io.ReadAll(b)
	if string(got) != "hello" || b.Info().Size != 5 {
		t.Fatalf("got %q size %d", got, b.Info().Size)
	}
	if _, err := d.Open(ctx, "articles/a/missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: got %v, want ErrNotFound", err)
	}
	if _, err := d.Stat(ctx, "articles/a/missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("stat missing: got %v, want ErrNotFound", err)
	}
	if err := d.Delete(ctx, "articles/a/x.mp3"); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, "articles/a/x.mp3"); err != nil {
		t.Fatalf("second delete: %v", err)
	}
}

func TestValidKey(t *testing.T) {
	for key, want := range map[string]bool{
		"a/b.mp3": true, "articles/x-1/k.json": true,
		"": false, "/etc/passwd": false, "../x": false, "a/../../x": false,
		"a//b": false, "a/./b": false, ".tmp-123": false, "a/.hidden": false, `a\b`: false,
	} {
		if got := ValidKey(key); got != want {
			t.Errorf("ValidKey(%q) = %v, want %v", key, got, want)
		}
	}
	d, _ := NewDir(t.TempDir())
	if err := d.Put(context.Background(), "../escape", strings.NewReader("x")); err == nil {
		t.Fatal("Put accepted a key escaping the root")
	}
}

// failingReader fails after some bytes, like a synthesis dying mid-stream.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("boom")
	}
	n := min(len(p), f.n)
	f.n -= n
	return n, nil
}

func TestDirPutFailureKeepsOldBlob(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d, _ := NewDir(root)
	if err := d.Put(ctx, "k", strings.NewReader("old")); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "k", &failingReader{n: 10}); err == nil {
		t.Fatal("Put succeeded with a failing reader")
	}
	b, err := d.Open(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(b)
	b.Close()
	if string(got) != "old" {
		t.Fatalf("blob after failed put = %q, want old", got)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Fatalf("leftover files after failed put: %v", entries)
	}
}

func TestDirConcurrentPutsNeverTorn(t *testing.T) {
	ctx := context.Background()
	d, _ := NewDir(t.TempDir())
	big := func(c byte) []byte { return bytes.Repeat([]byte{c}, 1<<20) }
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() { defer wg.Done(); _ = d.Put(ctx, "k", bytes.NewReader(big(byte('a'+i)))) }()
		go func() {
			defer wg.Done()
			b, err := d.Open(ctx, "k")
			if err != nil {
				return
			}
			defer b.Close()
			got, _ := io.ReadAll(b)
			if len(got) != 1<<20 || !bytes.Equal(got, bytes.Repeat(got[:1], len(got))) {
				t.Errorf("torn read: %d bytes", len(got))
			}
		}()
	}
	wg.Wait()
}

func TestDirList(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d, _ := NewDir(root)
	for _, k := range []string{"articles/b/manifest.json", "articles/a/manifest.json", "articles/a/x.mp3", "sentences/ab/cd.wav"} {
		if err := d.Put(ctx, k, strings.NewReader(k)); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "articles", "a", tempPrefix+"1"), []byte("x"), 0o644)
	got, err := d.List(ctx, "articles/")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, i := range got {
		keys = append(keys, i.Key)
	}
	want := "articles/a/manifest.json articles/a/x.mp3 articles/b/manifest.json"
	if strings.Join(keys, " ") != want {
		t.Fatalf("List = %v, want %s", keys, want)
	}
	if got, _ := d.List(ctx, "nothing/"); len(got) != 0 {
		t.Fatalf("List(nothing/) = %v", got)
	}
}
