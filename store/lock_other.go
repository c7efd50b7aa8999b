//go:build !unix

package store

import (
	"fmt"
	"os"
	"time"
)

// Without flock, a temporary file is a leftover once it is older than any
// write takes (see lock_unix.go).
const leftoverAge = time.Hour

func createTemp(dir string) (*os.File, error) { return os.CreateTemp(dir, tempPrefix+"*") }

func commit(f *os.File, p string) error {
	if err := f.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return fmt.Errorf("rename: %w", err)
	}
	return nil
}

func sweepable(p string) (bool, func()) {
	st, err := os.Stat(p)
	return err == nil && st.ModTime().Before(time.Now().Add(-leftoverAge)), func() {}
}
