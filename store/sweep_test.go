package store

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ecouter/internal/testwait"
)

// sentenceKey is where the sentence cache keeps a sentence's audio.
const sentenceKey = "sentences/ab/cdef.wav"

// temps lists the temporary files under root.
func temps(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(e.Name(), tempPrefix) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestHelperPutForever is the process killed by TestDirSweepAfterKill: it
// writes a sentence to the store in ECOUTER_TEST_STORE and never finishes.
func TestHelperPutForever(t *testing.T) {
	root := os.Getenv("ECOUTER_TEST_STORE")
	if root == "" {
		return // run as the helper only
	}
	d, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	r, w := io.Pipe()
	go w.Write(make([]byte, 4096)) // then nothing more: the write hangs
	d.Put(context.Background(), sentenceKey, r)
}

// A process killed (kill -9) in the middle of writing a cached sentence
// leaves its temporary file; the next process to open the store removes
// it at once, however recent (it used to keep it for an hour, and a
// restart right after a crash never swept it).
func TestDirSweepAfterKill(t *testing.T) {
	root := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPutForever$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ECOUTER_TEST_STORE="+root)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	testwait.Eventually(t, func() bool { return len(temps(t, root)) == 1 }, "the helper's temporary file")
	cmd.Process.Kill()
	cmd.Wait()

	d, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	n, err := d.Sweep()
	if err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1", n, err)
	}
	if left := temps(t, root); len(left) != 0 {
		t.Fatalf("left after the sweep: %v", left)
	}
}

// A write in progress, here or in another process sharing the folder, is
// not a leftover: Sweep leaves its file alone and the write completes.
func TestDirSweepSparesWritesInProgress(t *testing.T) {
	root := t.TempDir()
	d, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- d.Put(context.Background(), sentenceKey, r) }()
	w.Write([]byte("RIFF"))
	testwait.Eventually(t, func() bool { return len(temps(t, root)) == 1 }, "the write's temporary file")
	if n, err := d.Sweep(); err != nil || n != 0 {
		t.Fatalf("Sweep during a write = %d, %v; want 0", n, err)
	}
	w.Write([]byte("-rest"))
	w.Close()
	if err := <-done; err != nil {
		t.Fatalf("the write swept from under its feet: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(sentenceKey)))
	if err != nil || string(b) != "RIFF-rest" {
		t.Fatalf("stored %q, %v", b, err)
	}
	// A temporary file no one holds is a leftover whatever its age.
	os.WriteFile(filepath.Join(root, tempPrefix+"orphan"), []byte("x"), 0o644)
	if n, err := d.Sweep(); err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1", n, err)
	}
}
