package delivery

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// blob is a store blob backed by a local file, as store.Dir's are.
type blob struct{ *os.File }

func (b blob) OSFile() *os.File { return b.File }

// noSeek is a body whose length cannot be found.
type noSeek struct{ io.ReadSeeker }

func (noSeek) Seek(int64, int) (int64, error) { return 0, errors.New("no seek") }

func tempFile(t *testing.T, data []byte) *os.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "a.mp3")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestMeasure: a local blob is served as its *os.File (for sendfile),
// with its length; a body that cannot seek has an unknown length.
func TestMeasure(t *testing.T) {
	f := tempFile(t, []byte("0123456789"))
	if _, err := f.Seek(4, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	c := Measure(blob{f})
	if c.R != io.ReadSeeker(f) || c.Size != 10 {
		t.Fatalf("Measure(local blob) = %T, %d; want the *os.File, 10", c.R, c.Size)
	}
	if off, _ := f.Seek(0, io.SeekCurrent); off != 0 {
		t.Fatalf("left at %d, not rewound", off)
	}
	if c := Measure(noSeek{bytes.NewReader(nil)}); c.Size != -1 {
		t.Fatalf("Measure(no seek).Size = %d, want -1", c.Size)
	}
}

// TestServeRanges: what a client asks with Range is answered from the
// bytes, never amplified: one range is 206 with its bytes, too many or
// overlapping ones the whole file (200), and none satisfiable a 416 even
// for "bytes=-0".
func TestServeRanges(t *testing.T) {
	data := []byte(strings.Repeat("0123456789", 100))
	cases := []struct {
		rng  string
		code int
		body []byte
	}{
		{"", 200, data},
		{"bytes=10-19", 206, data[10:20]},
		{"bytes=-5", 206, data[995:]},
		{"bytes=0-10,5-20", 200, data},
		{"bytes=" + strings.Repeat("1-1,", 17) + "1-1", 200, data},
		{"items=0-5", 200, data},
		{"bytes=-0", 416, nil},
		{"bytes=5000-", 416, nil},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/a.mp3", nil)
		if c.rng != "" {
			r.Header.Set("Range", c.rng)
		}
		w := httptest.NewRecorder()
		Measure(bytes.NewReader(data)).Serve(w, r, time.Time{})
		if w.Code != c.code || (c.body != nil && !bytes.Equal(w.Body.Bytes(), c.body)) {
			t.Errorf("Range %q: %d, %d bytes; want %d, %d bytes", c.rng, w.Code, w.Body.Len(), c.code, len(c.body))
		}
	}
}

// TestReadFromSendsSections: a section handed to a connection as
// http.ServeContent hands it (in an io.LimitedReader) goes out with
// sendfile from the section's own offset, leaving the descriptor's shared
// offset alone; any other reader is copied.
func TestReadFromSendsSections(t *testing.T) {
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 13 / 7)
	}
	f := tempFile(t, data)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, r := range []struct {
		name  string
		body  func() io.Reader
		first int
	}{
		{"section", func() io.Reader {
			s := NewSection(f, int64(len(data)))
			s.Seek(1000, io.SeekStart)
			return &io.LimitedReader{R: s, N: 300_000}
		}, 1000},
		{"bytes", func() io.Reader { return &io.LimitedReader{R: bytes.NewReader(data[7:]), N: 300_000} }, 7},
	} {
		server, client := tcpPair(t, ln)
		sent := make(chan error, 1)
		go func() {
			n, err := ReadFrom(server, r.body())
			if err == nil && n != 300_000 {
				err = io.ErrShortWrite
			}
			sent <- err
		}()
		got := make([]byte, 300_000)
		client.SetReadDeadline(time.Now().Add(30 * time.Second)) // a hang, not a speed check
		if _, err := io.ReadFull(client, got); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		if err := <-sent; err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		if !bytes.Equal(got, data[r.first:r.first+300_000]) {
			t.Fatalf("%s: other bytes than the file's", r.name)
		}
	}
	if off, _ := f.Seek(0, io.SeekCurrent); off != 0 {
		t.Fatalf("the shared offset moved to %d", off)
	}
}

// TestOpenFileSections: each request's section of a cached file starts at
// the beginning, whatever another request read.
func TestOpenFileSections(t *testing.T) {
	o := NewOpenFiles(DefaultOpenFiles)
	e, _ := cacheFile(t, o, "a1", t.TempDir(), "a1.mp3", "un deux trois")
	a, b := e.Section(), e.Section()
	head := make([]byte, 3)
	if _, err := io.ReadFull(a, head); err != nil || string(head) != "un " {
		t.Fatalf("first section: %q %v", head, err)
	}
	all, err := io.ReadAll(b)
	if err != nil || string(all) != "un deux trois" {
		t.Fatalf("second section: %q %v", all, err)
	}
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/a1.mp3", nil)
	r.Header.Set("Range", "bytes=3-6")
	Measure(e.Section()).Serve(w, r, time.Time{})
	if w.Code != http.StatusPartialContent || w.Body.String() != "deux" {
		t.Fatalf("range of a cached file: %d %q", w.Code, w.Body.String())
	}
}
