package delivery

import (
	"os"
	"sync"
	"syscall"
	"time"
)

// OpenFiles keeps the stored MP3s served lately open, by store key, so a
// cached GET neither opens nor stats its file: under Range load, open,
// fstat, close and http.ServeContent's lseeks were about a tenth of
// ecouter's CPU. Requests share one descriptor, each reading it through a
// section (its own offset, sendfile included).
//
// An entry is only served while it is still the file at its path: each
// use checks with fstat that the file has a link left (a withdrawal, a gc
// or a re-render's clean-up that removed it leaves none) and that its size
// and time are those cached, and at most every pathCheck the path itself
// is stat'd again (a file replaced at its path, or removed while linked
// elsewhere). The articles whose audio changed on any node are dropped at
// once (DropArticle), and entries unused for idleOpen are closed, so a
// removed file's disk space is not held.
type OpenFiles struct {
	max int

	mu      sync.Mutex
	files   map[string]*OpenFile
	sweeper *time.Timer // set while entries are cached
}

// OpenFile is one cached descriptor. refs counts the requests serving it
// plus one while it is cached; the last release closes it, so a request
// never sees its descriptor closed or reused under it.
type OpenFile struct {
	id, key string
	f       *os.File
	size    int64
	mod     time.Time
	refs    int
	used    time.Time
	checked time.Time // last stat of the path
}

// DefaultOpenFiles is how many files a cache keeps open: the articles
// listened to at once on a busy site, well under a process's descriptor limit.
const DefaultOpenFiles = 256

const (
	idleOpen  = time.Minute
	pathCheck = time.Second
)

// NewOpenFiles returns a cache keeping at most max files open.
func NewOpenFiles(max int) *OpenFiles {
	return &OpenFiles{max: max, files: map[string]*OpenFile{}}
}

// Get returns the cached file of key, still the one at its path, to
// give back with Done after use; nil if there is none.
func (o *OpenFiles) Get(key string) *OpenFile {
	now := time.Now()
	o.mu.Lock()
	e := o.files[key]
	if e == nil {
		o.mu.Unlock()
		return nil
	}
	e.refs++
	e.used = now
	recheck := now.Sub(e.checked) >= pathCheck
	o.mu.Unlock()
	if e.current(recheck) {
		if recheck {
			o.mu.Lock()
			e.checked = now
			o.mu.Unlock()
		}
		return e
	}
	o.mu.Lock()
	if o.files[key] == e {
		o.removeLocked(e)
	}
	o.release(e)
	o.mu.Unlock()
	return nil
}

// current reports whether e is still the file stored at its path.
func (e *OpenFile) current(statPath bool) bool {
	var st syscall.Stat_t
	rc, err := e.f.SyscallConn()
	if err != nil {
		return false
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.Fstat(int(fd), &st) }); err != nil || serr != nil {
		return false
	}
	if st.Nlink == 0 || st.Size != e.size || !time.Unix(st.Mtim.Unix()).Equal(e.mod) {
		return false
	}
	if !statPath {
		return true
	}
	var pst syscall.Stat_t
	return syscall.Stat(e.f.Name(), &pst) == nil && pst.Dev == st.Dev && pst.Ino == st.Ino
}

// Put caches f (opened for key, of article id) and returns it to give
// back with Done after use; the cache owns f from then on.
func (o *OpenFiles) Put(id, key string, f *os.File, size int64, mod time.Time) *OpenFile {
	now := time.Now()
	e := &OpenFile{id: id, key: key, f: f, size: size, mod: mod, refs: 2, used: now, checked: now}
	o.mu.Lock()
	defer o.mu.Unlock()
	if old := o.files[key]; old != nil {
		o.removeLocked(old)
	}
	for len(o.files) >= o.max {
		o.removeLocked(o.oldestLocked())
	}
	o.files[key] = e
	if o.sweeper == nil {
		o.sweeper = time.AfterFunc(idleOpen, o.sweep)
	}
	return e
}

// Section is a new reader of e's bytes from their start, for one request:
// every request reads the one descriptor at an offset of its own.
func (e *OpenFile) Section() *Section { return NewSection(e.f, e.size) }

// release ends one use of e.
func (o *OpenFiles) release(e *OpenFile) {
	if e.refs--; e.refs == 0 {
		e.f.Close()
	}
}

// Done ends a request's use of e.
func (o *OpenFiles) Done(e *OpenFile) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.release(e)
}

// DropArticle closes the cached files of an article whose audio changed.
func (o *OpenFiles) DropArticle(id string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, e := range o.files {
		if e.id == id {
			o.removeLocked(e)
		}
	}
}

// sweep closes the entries unused for idleOpen, and runs again while any
// is left.
func (o *OpenFiles) sweep() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, e := range o.files {
		if time.Since(e.used) >= idleOpen {
			o.removeLocked(e)
		}
	}
	o.sweeper = nil
	if len(o.files) > 0 {
		o.sweeper = time.AfterFunc(idleOpen, o.sweep)
	}
}

func (o *OpenFiles) removeLocked(e *OpenFile) {
	delete(o.files, e.key)
	o.release(e)
}

func (o *OpenFiles) oldestLocked() *OpenFile {
	var old *OpenFile
	for _, e := range o.files {
		if old == nil || e.used.Before(old.used) {
			old = e
		}
	}
	return old
}
