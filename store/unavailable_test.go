package store

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The storage's own failures are ErrUnavailable; a missing blob or a bug
// in the request is not.
func TestDirErrorsClassified(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Fatalf("open /dev/full: %v", err)
	}
	defer full.Close()
	_, enospc := full.Write([]byte("x")) // the kernel's own "no space left on device"
	if !errors.Is(enospc, syscall.ENOSPC) {
		t.Fatalf("/dev/full write: %v, want ENOSPC", enospc)
	}
	for _, err := range []error{enospc, &fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES},
		&fs.PathError{Op: "rename", Path: "x", Err: syscall.EROFS}, syscall.EDQUOT} {
		if !errors.Is(dirErr(err), ErrUnavailable) {
			t.Errorf("%v: not ErrUnavailable", err)
		}
	}
	for _, err := range []error{fs.ErrNotExist, syscall.EISDIR, context.Canceled} {
		if errors.Is(dirErr(err), ErrUnavailable) {
			t.Errorf("%v: ErrUnavailable, want it unchanged", err)
		}
	}
}

// A folder store whose folder went away is unavailable; Ping says so.
func TestDirPing(t *testing.T) {
	root := t.TempDir() + "/store"
	st, err := NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := Ping(ctx, st); err != nil {
		t.Fatalf("ping a healthy store: %v", err)
	}
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	if err := Ping(ctx, st); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("ping without its folder: %v, want ErrUnavailable", err)
	}
}

// TestS3Outage stops the real S3 server: every operation fails with
// ErrUnavailable (never ErrNotFound, which would make ecouter re-render),
// Ping too, and all works again once it is back.
func TestS3Outage(t *testing.T) {
	client, srv := startS3Server(t)
	st := newTestS3(t, client, "outage")
	ctx := context.Background()
	mustPut(t, st, "a.mp3", []byte("audio"))
	if err := Ping(ctx, st); err != nil {
		t.Fatalf("ping: %v", err)
	}

	srv.Stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	checks := map[string]error{"ping": Ping(ctx, st)}
	_, checks["stat"] = st.Stat(ctx, "a.mp3")
	_, checks["open"] = st.Open(ctx, "a.mp3")
	checks["put"] = st.Put(ctx, "b.mp3", strings.NewReader("x"))
	_, checks["list"] = st.List(ctx, "")
	checks["delete"] = st.Delete(ctx, "a.mp3")
	for op, err := range checks {
		if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNotFound) {
			t.Errorf("%s while S3 is down: %v, want ErrUnavailable", op, err)
		}
		if err != nil && strings.Contains(err.Error(), testSecretKey) {
			t.Errorf("%s: the error shows the secret", op)
		}
	}

	srv.Start()
	if err := Ping(ctx, st); err != nil {
		t.Fatalf("ping after recovery: %v", err)
	}
	b, err := st.Open(ctx, "a.mp3")
	if err != nil {
		t.Fatalf("open after recovery: %v", err)
	}
	defer b.Close()
	if got, err := io.ReadAll(b); err != nil || string(got) != "audio" {
		t.Fatalf("after recovery: %q, %v", got, err)
	}
}
