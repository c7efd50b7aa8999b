package delivery

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// cacheFile writes data at dir/name and caches it open in o, for article id.
func cacheFile(t *testing.T, o *OpenFiles, id, dir, name, data string) (*OpenFile, string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	e := o.Put(id, name, f, st.Size(), st.ModTime())
	o.Done(e)
	return e, p
}

// closed reports whether the cache closed the entry's descriptor.
func closed(e *OpenFile) bool {
	_, err := e.f.Stat()
	return errors.Is(err, os.ErrClosed)
}

// TestOpenFilesServeOnlyWhatIsStored: a cached descriptor is served only
// while it is the file at its path with the size and time cached; once a
// gc, a withdrawal or anything else removes or replaces the file, the
// entry is dropped and closed (after the requests that hold it).
func TestOpenFilesServeOnlyWhatIsStored(t *testing.T) {
	dir := t.TempDir()
	o := NewOpenFiles(8)

	e, p := cacheFile(t, o, "a1", dir, "removed.mp3", "un")
	if got := o.Get("removed.mp3"); got != e {
		t.Fatalf("get of a cached file: %v", got)
	}
	o.Done(e)
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if got := o.Get("removed.mp3"); got != nil {
		t.Fatal("a removed file is still served")
	}
	if !closed(e) {
		t.Fatal("a removed file is kept open")
	}

	// Replaced at its path (a new file renamed over it, as the store writes).
	e, p = cacheFile(t, o, "a1", dir, "replaced.mp3", "deux")
	if err := os.WriteFile(p+".tmp", []byte("autre"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		t.Fatal(err)
	}
	if o.Get("replaced.mp3") != nil || !closed(e) {
		t.Fatal("a replaced file is still served")
	}

	// Touched: another time than the one cached.
	e, p = cacheFile(t, o, "a1", dir, "touched.mp3", "trois")
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	if o.Get("touched.mp3") != nil || !closed(e) {
		t.Fatal("a file with another time is still served")
	}

	// Removed while linked elsewhere: it keeps a link, so only the stat of
	// its path, at most every pathCheck, finds it gone.
	e, p = cacheFile(t, o, "a1", dir, "linked.mp3", "quatre")
	if err := os.Link(p, filepath.Join(dir, "elsewhere")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	o.mu.Lock()
	e.checked = time.Now().Add(-pathCheck)
	o.mu.Unlock()
	if o.Get("linked.mp3") != nil || !closed(e) {
		t.Fatal("a file removed from its path is still served")
	}
}

// TestOpenFilesDropAndEvict: an article whose audio changed loses its
// entries at once; a request holding one keeps a working descriptor until
// it is done; the cache holds at most its size, the least used going first.
func TestOpenFilesDropAndEvict(t *testing.T) {
	dir := t.TempDir()
	o := NewOpenFiles(2)
	e1, _ := cacheFile(t, o, "a1", dir, "a1.mp3", "un")
	e2, _ := cacheFile(t, o, "a2", dir, "a2.mp3", "deux")

	held := o.Get("a1.mp3")
	o.DropArticle("a1")
	if o.Get("a1.mp3") != nil {
		t.Fatal("a dropped article is still served")
	}
	if closed(e1) {
		t.Fatal("a descriptor was closed under the request holding it")
	}
	buf := make([]byte, 2)
	if _, err := held.f.ReadAt(buf, 0); err != nil || string(buf) != "un" {
		t.Fatalf("held descriptor: %q %v", buf, err)
	}
	o.Done(held)
	if !closed(e1) {
		t.Fatal("a dropped entry is kept open once no request holds it")
	}

	if got := o.Get("a2.mp3"); got != e2 {
		t.Fatal("a2 lost")
	} else {
		o.Done(got)
	}
	time.Sleep(time.Millisecond) // a2 used before a3, a4
	e3, _ := cacheFile(t, o, "a3", dir, "a3.mp3", "trois")
	e4, _ := cacheFile(t, o, "a4", dir, "a4.mp3", "quatre")
	if !closed(e2) || closed(e3) || closed(e4) || len(o.files) != 2 {
		t.Fatalf("eviction: a2 closed %v, a3 %v, a4 %v, %d cached", closed(e2), closed(e3), closed(e4), len(o.files))
	}
}
