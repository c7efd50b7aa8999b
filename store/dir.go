package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// tempPrefix marks files being written. Readers never open them (keys cannot
// start with it) and Sweep removes the ones a crash left behind.
const tempPrefix = ".tmp-"

// Dir keeps blobs as files under a root folder.
type Dir struct {
	root string
}

// NewDir returns a store rooted at root, creating the folder if needed.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("create store folder: %w", err)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("resolve store folder: %w", err)
	}
	return &Dir{root: abs}, nil
}

// String names the store for start-up logs.
func (d *Dir) String() string { return "dir:" + d.root }

// path maps a key to a file, refusing anything that could escape the root.
func (d *Dir) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", fmt.Errorf("invalid store key %q", key)
	}
	return filepath.Join(d.root, filepath.FromSlash(key)), nil
}

// ValidKey reports whether key is a clean relative slash path whose
// segments are not hidden files (so temp files can never be named).
func ValidKey(key string) bool {
	if key == "" || strings.HasPrefix(key, "/") || path.Clean(key) != key {
		return false
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") || strings.ContainsRune(seg, '\\') {
			return false
		}
	}
	return true
}

type fileBlob struct {
	*os.File
	info Info
}

func (b *fileBlob) Info() Info { return b.info }

// OSFile exposes the file so HTTP serving can use sendfile.
func (b *fileBlob) OSFile() *os.File { return b.File }

// Open opens the blob under key.
func (d *Dir) Open(_ context.Context, key string) (Blob, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("open %s: %w", key, ErrNotFound)
		}
		return nil, fmt.Errorf("open %s: %w", key, dirErr(err))
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat %s: %w", key, dirErr(err))
	}
	return &fileBlob{File: f, info: Info{Key: key, Size: st.Size(), ModTime: st.ModTime()}}, nil
}

// Stat describes the blob under key.
func (d *Dir) Stat(_ context.Context, key string) (Info, error) {
	p, err := d.path(key)
	if err != nil {
		return Info{}, err
	}
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Info{}, fmt.Errorf("stat %s: %w", key, ErrNotFound)
		}
		return Info{}, fmt.Errorf("stat %s: %w", key, dirErr(err))
	}
	return Info{Key: key, Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Put writes r to a temporary file beside the target, syncs it and renames
// it into place, so a crash leaves either the old blob or the new one.
func (d *Dir) Put(ctx context.Context, key string, r io.Reader) (err error) {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("put %s: %w", key, dirErr(err))
	}
	tmp, err := createTemp(filepath.Dir(p))
	if err != nil {
		return fmt.Errorf("put %s: %w", key, dirErr(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = io.Copy(tmp, ctxReader{ctx, r}); err != nil {
		return fmt.Errorf("put %s: %w", key, dirErr(err))
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("put %s: sync: %w", key, dirErr(err))
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("put %s: %w", key, dirErr(err))
	}
	if err = commit(tmp, p); err != nil {
		return fmt.Errorf("put %s: %w", key, dirErr(err))
	}
	return nil
}

// Delete removes the blob under key; a missing blob is not an error.
func (d *Dir) Delete(_ context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, dirErr(err))
	}
	return nil
}

// List returns the blobs whose keys start with prefix, in key order;
// files being written are not listed.
func (d *Dir) List(ctx context.Context, prefix string) ([]Info, error) {
	var out []Info
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(d.root, p)
		key := filepath.ToSlash(rel)
		if e.IsDir() {
			// Skip folders that cannot hold a match.
			if key != "." && !strings.HasPrefix(key+"/", prefix) && !strings.HasPrefix(prefix, key+"/") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(key, prefix) || !ValidKey(key) {
			return nil
		}
		st, err := e.Info()
		if err != nil {
			return nil // removed while listing
		}
		out = append(out, Info{Key: key, Size: st.Size(), ModTime: st.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", prefix, dirErr(err))
	}
	// WalkDir goes folder by folder, but "a-b" and "a.mp3" sort before "a/c".
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// Sweep removes the temporary files a crash left behind (kill -9 in the
// middle of a write: an audio file, a record, a cached sentence), and
// none that a live process is writing (see lock_unix.go). It runs when a
// process opens the store.
func (d *Dir) Sweep() (int, error) {
	n := 0
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() || !strings.HasPrefix(e.Name(), tempPrefix) {
			return nil
		}
		left, done := sweepable(p)
		if left && os.Remove(p) == nil {
			n++
		}
		done()
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("sweep store: %w", err)
	}
	return n, nil
}

// ctxReader stops a long copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
