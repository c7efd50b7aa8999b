//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// A temporary file is locked (flock) by the process writing it, from its
// creation until it is renamed into place; the kernel drops the lock when
// that process dies, kill -9 included. Sweep removes exactly the temporary
// files no one holds, whatever their age, so a restart right after a crash
// leaves nothing behind, and a write in progress in another process
// sharing the folder is never taken for a leftover.

// createTemp creates a temporary file in dir and locks it.
func createTemp(dir string) (*os.File, error) {
	for range 3 {
		f, err := os.CreateTemp(dir, tempPrefix+"*")
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, fmt.Errorf("lock temporary file: %w", err)
		}
		// A sweep between the creation and the lock removed it: its name
		// is gone, start again.
		if samePath(f) {
			return f, nil
		}
		f.Close()
	}
	return nil, errors.New("temporary file removed as it was created")
}

// commit renames the (locked) temporary file to p, then closes it: the
// lock is held until the file has its final name.
func commit(f *os.File, p string) error {
	if err := os.Rename(f.Name(), p); err != nil {
		return fmt.Errorf("rename: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// sweepable opens the temporary file at p and tells whether it is a
// leftover, that is, whether no process holds its lock; the lock is then
// ours until close, so no writer can be mid-way.
func sweepable(p string) (bool, func()) {
	f, err := os.Open(p)
	if err != nil {
		return false, func() {}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return false, func() {}
	}
	// Renamed into place meanwhile: the name is now another file's, or
	// none.
	return samePath(f), func() { f.Close() }
}

// samePath reports whether f's name still names f.
func samePath(f *os.File) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(f.Name())
	return err == nil && os.SameFile(a, b)
}
