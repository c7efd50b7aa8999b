package delivery

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// A built feed is served from a file (so sendfile can send it), each
// request with its own offset, and leaves nothing in the temporary folder.
func TestBytesServedFromAFile(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	data := bytes.Repeat([]byte("<item>un article</item>\n"), 1000)
	ff := NewBytes(data)
	a, b := ff.Content(), ff.Content()
	if s, ok := a.(*Section); !ok || s.f == nil {
		t.Fatalf("served from %T, not a file", a)
	}
	half := make([]byte, len(data)/2)
	if _, err := io.ReadFull(a, half); err != nil {
		t.Fatal(err)
	}
	// The second reader starts at the beginning whatever the first did.
	all, err := io.ReadAll(b)
	if err != nil || !bytes.Equal(all, data) {
		t.Fatalf("second reader got %d bytes (%v), want the whole feed", len(all), err)
	}
	rest, err := io.ReadAll(a)
	if err != nil || !bytes.Equal(append(half, rest...), data) {
		t.Fatal("first reader lost its place")
	}
	if left, _ := filepath.Glob(filepath.Join(os.Getenv("TMPDIR"), "*")); len(left) != 0 {
		t.Fatalf("left on disk: %v", left)
	}
}
