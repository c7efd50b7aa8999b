package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// storeContract checks what every Store must do, so Dir and S3 are proven
// to behave alike. newStore returns an empty store for each subtest.
func storeContract(t *testing.T, newStore func(t *testing.T) Store) {
	ctx := context.Background()
	data := randomBytes(20000)

	t.Run("put open read", func(t *testing.T) {
		st := newStore(t)
		mustPut(t, st, "articles/a/x.mp3", data)
		b, err := st.Open(ctx, "articles/a/x.mp3")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		info := b.Info()
		if info.Key != "articles/a/x.mp3" || info.Size != int64(len(data)) || time.Since(info.ModTime).Abs() > time.Minute {
			t.Fatalf("Info = %+v", info)
		}
		got, err := io.ReadAll(b)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("ReadAll = %d bytes, %v; want the %d put", len(got), err, len(data))
		}
		if st, err := st.Stat(ctx, "articles/a/x.mp3"); err != nil || st.Size != info.Size || st.Key != info.Key {
			t.Fatalf("Stat = %+v, %v", st, err)
		}
	})

	t.Run("empty blob", func(t *testing.T) {
		st := newStore(t)
		mustPut(t, st, "empty.json", nil)
		if got := readAll(t, st, "empty.json"); len(got) != 0 {
			t.Fatalf("read %d bytes from an empty blob", len(got))
		}
	})

	t.Run("seek and read", func(t *testing.T) {
		st := newStore(t)
		mustPut(t, st, "a.mp3", data)
		b, err := st.Open(ctx, "a.mp3")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		buf := make([]byte, 1000)
		for _, c := range []struct {
			offset int64
			whence int
			want   int64
		}{
			{5000, io.SeekStart, 5000},
			{-1000, io.SeekEnd, 19000},
			{-3000, io.SeekCurrent, 17000},
			{0, io.SeekStart, 0},
		} {
			pos, err := b.Seek(c.offset, c.whence)
			if err != nil || pos != c.want {
				t.Fatalf("Seek(%d, %d) = %d, %v; want %d", c.offset, c.whence, pos, err, c.want)
			}
			if _, err := io.ReadFull(b, buf); err != nil || !bytes.Equal(buf, data[pos:pos+1000]) {
				t.Fatalf("1000 bytes at %d differ from the source (%v)", pos, err)
			}
		}
		if _, err := b.Seek(0, io.SeekEnd); err != nil {
			t.Fatal(err)
		}
		if n, err := b.Read(buf); n != 0 || err != io.EOF {
			t.Fatalf("Read at end = %d, %v; want 0, EOF", n, err)
		}
		if _, err := b.Seek(100, io.SeekEnd); err != nil {
			t.Fatal(err)
		}
		if n, err := b.Read(buf); n != 0 || err != io.EOF {
			t.Fatalf("Read past end = %d, %v; want 0, EOF", n, err)
		}
		if _, err := b.Seek(-1, io.SeekStart); err == nil {
			t.Fatal("Seek to a negative position succeeded")
		}
	})

	t.Run("http range", func(t *testing.T) {
		st := newStore(t)
		mustPut(t, st, "a.mp3", data)
		for _, typed := range []bool{true, false} { // untyped: ServeContent sniffs, then seeks back
			b, err := st.Open(ctx, "a.mp3")
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("GET", "/a.mp3", nil)
			req.Header.Set("Range", "bytes=5000-5999")
			rec := httptest.NewRecorder()
			if typed {
				rec.Header().Set("Content-Type", "audio/mpeg")
			}
			http.ServeContent(rec, req, "a.mp3", b.Info().ModTime, b)
			b.Close()
			if rec.Code != http.StatusPartialContent || rec.Header().Get("Content-Range") != "bytes 5000-5999/20000" {
				t.Fatalf("status %d, Content-Range %q", rec.Code, rec.Header().Get("Content-Range"))
			}
			if !bytes.Equal(rec.Body.Bytes(), data[5000:6000]) {
				t.Fatalf("range body differs from source bytes 5000-5999 (%d bytes)", rec.Body.Len())
			}
		}
	})

	t.Run("missing", func(t *testing.T) {
		st := newStore(t)
		if _, err := st.Stat(ctx, "nope/x.mp3"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Stat of a missing key: %v; want ErrNotFound", err)
		}
		if _, err := st.Open(ctx, "nope/x.mp3"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Open of a missing key: %v; want ErrNotFound", err)
		}
	})

	t.Run("overwrite while reading", func(t *testing.T) {
		st := newStore(t)
		old := bytes.Repeat([]byte{'a'}, 256<<10)
		mustPut(t, st, "k.mp3", old)
		b, err := st.Open(ctx, "k.mp3")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		head := make([]byte, 1000)
		if _, err := io.ReadFull(b, head); err != nil {
			t.Fatal(err)
		}
		mustPut(t, st, "k.mp3", bytes.Repeat([]byte{'b'}, 300<<10))
		rest, err := io.ReadAll(b) // the open stream
		checkOldOrFailed(t, append(head, rest...), err, old)
		if _, err := b.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		again, err := io.ReadAll(b) // a new request after the seek
		checkOldOrFailed(t, again, err, old)
	})

	t.Run("delete", func(t *testing.T) {
		st := newStore(t)
		mustPut(t, st, "d/x.json", []byte("{}"))
		for range 2 {
			if err := st.Delete(ctx, "d/x.json"); err != nil {
				t.Fatalf("Delete: %v", err)
			}
		}
		if _, err := st.Stat(ctx, "d/x.json"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Stat after Delete: %v; want ErrNotFound", err)
		}
	})

	t.Run("list", func(t *testing.T) {
		st := newStore(t)
		// "a-b" and "a.mp3" sort before "a/c": key order, not folder order.
		for _, k := range []string{"list/b/manifest.json", "list/a/c.mp3", "list/a.mp3", "list/a-b.json", "other/x.json"} {
			mustPut(t, st, k, []byte(k))
		}
		for _, c := range []struct{ prefix, want string }{
			{"list/", "list/a-b.json list/a.mp3 list/a/c.mp3 list/b/manifest.json"},
			{"list/a", "list/a-b.json list/a.mp3 list/a/c.mp3"},
			{"list/a/", "list/a/c.mp3"},
			{"", "list/a-b.json list/a.mp3 list/a/c.mp3 list/b/manifest.json other/x.json"},
			{"nothing/", ""},
		} {
			infos, err := st.List(ctx, c.prefix)
			if err != nil {
				t.Fatalf("List(%q): %v", c.prefix, err)
			}
			var keys []string
			for _, i := range infos {
				keys = append(keys, i.Key)
				if i.Size != int64(len(i.Key)) || i.ModTime.IsZero() {
					t.Errorf("List(%q): %+v", c.prefix, i)
				}
			}
			if got := strings.Join(keys, " "); got != c.want {
				t.Errorf("List(%q) = %q; want %q", c.prefix, got, c.want)
			}
		}
	})

	t.Run("invalid keys", func(t *testing.T) {
		st := newStore(t)
		for _, k := range []string{"", "/abs", "../up", "a/../../b", "a//b", "a/", ".hidden", "a/.tmp-1", "a/./b", `a\b`} {
			if err := st.Put(ctx, k, strings.NewReader("x")); err == nil {
				t.Errorf("Put(%q) accepted", k)
			}
			if _, err := st.Open(ctx, k); err == nil || errors.Is(err, ErrNotFound) {
				t.Errorf("Open(%q) = %v; want an invalid key error", k, err)
			}
			if _, err := st.Stat(ctx, k); err == nil || errors.Is(err, ErrNotFound) {
				t.Errorf("Stat(%q) = %v; want an invalid key error", k, err)
			}
			if err := st.Delete(ctx, k); err == nil {
				t.Errorf("Delete(%q) accepted", k)
			}
		}
		if infos, _ := st.List(ctx, ""); len(infos) != 0 {
			t.Fatalf("invalid keys left blobs: %+v", infos)
		}
	})

	t.Run("failed put keeps old blob", func(t *testing.T) {
		st := newStore(t)
		mustPut(t, st, "k.json", []byte("old"))
		if err := st.Put(ctx, "k.json", &failingReader{n: 10}); err == nil {
			t.Fatal("Put succeeded with a failing reader")
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := st.Put(cctx, "k.json", strings.NewReader("new")); err == nil {
			t.Fatal("Put succeeded with a cancelled context")
		}
		if got := readAll(t, st, "k.json"); string(got) != "old" {
			t.Fatalf("blob after failed puts = %q; want old", got)
		}
	})

	t.Run("concurrent puts and opens", func(t *testing.T) {
		st := newStore(t)
		const size = 128 << 10
		mustPut(t, st, "c.mp3", bytes.Repeat([]byte{'0'}, size))
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := range 4 {
					if err := st.Put(ctx, "c.mp3", bytes.NewReader(bytes.Repeat([]byte{byte('a' + 4*w + i)}, size))); err != nil {
						t.Errorf("Put: %v", err)
					}
				}
			})
			wg.Go(func() {
				for range 8 {
					got, err := tryReadAll(ctx, st, "c.mp3")
					if err != nil {
						if !errors.Is(err, ErrChanged) {
							t.Errorf("concurrent read: %v", err)
						}
						continue
					}
					if len(got) != size || !bytes.Equal(got, bytes.Repeat(got[:1], size)) {
						t.Errorf("torn read: %d bytes starting %q", len(got), got[:min(len(got), 1)])
					}
				}
			})
		}
		wg.Wait()
		if got := readAll(t, st, "c.mp3"); len(got) != size || !bytes.Equal(got, bytes.Repeat(got[:1], size)) {
			t.Fatalf("final blob torn: %d bytes", len(got))
		}
	})
}

// checkOldOrFailed accepts a read that returned the old version entirely,
// or failed with ErrChanged after returning only old bytes.
func checkOldOrFailed(t *testing.T, got []byte, err error, old []byte) {
	t.Helper()
	if !bytes.HasPrefix(old, got) {
		t.Fatalf("read mixed versions: %d bytes, not a prefix of the old blob", len(got))
	}
	if err != nil && !errors.Is(err, ErrChanged) {
		t.Fatalf("read during overwrite: %v; want the old blob or ErrChanged", err)
	}
	if err == nil && len(got) != len(old) {
		t.Fatalf("read during overwrite: %d bytes without error; want %d", len(got), len(old))
	}
}

func mustPut(t *testing.T, st Store, key string, data []byte) {
	t.Helper()
	if err := st.Put(context.Background(), key, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, st Store, key string) []byte {
	t.Helper()
	got, err := tryReadAll(context.Background(), st, key)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func tryReadAll(ctx context.Context, st Store, key string) ([]byte, error) {
	b, err := st.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	return io.ReadAll(b)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{1}).Read(b)
	return b
}

func TestDirContract(t *testing.T) {
	storeContract(t, func(t *testing.T) Store {
		d, err := NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}
