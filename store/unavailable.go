package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ErrUnavailable: the storage itself failed (disk full, permission denied,
// S3 unreachable or answering 5xx), not the request. Retrying later may
// work; the HTTP layer answers 503 with Retry-After.
var ErrUnavailable = errors.New("storage unavailable")

// Pinger is a store that can tell whether it is usable without touching
// any blob.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Ping reports whether st is usable, for a load balancer's readiness
// check: st's own Ping when it has one, else a Stat of a key nothing
// writes.
func Ping(ctx context.Context, st Store) error {
	if p, ok := st.(Pinger); ok {
		return p.Ping(ctx)
	}
	_, err := st.Stat(ctx, "readyz-probe")
	if err == nil || errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// Ping checks that the store's folder is there and its disk not full.
func (d *Dir) Ping(context.Context) error {
	st, err := os.Stat(d.root)
	switch {
	case err != nil:
		return fmt.Errorf("%w: store folder: %w", ErrUnavailable, err)
	case !st.IsDir():
		return fmt.Errorf("%w: store folder %s is not a folder", ErrUnavailable, d.root)
	}
	var fsst syscall.Statfs_t
	if err := syscall.Statfs(d.root, &fsst); err == nil && fsst.Bavail == 0 {
		return fmt.Errorf("%w: no space left on the store's disk", ErrUnavailable)
	}
	return nil
}

// Ping checks that the bucket answers.
func (s *S3) Ping(ctx context.Context) error {
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &s.bucket}); err != nil {
		return fmt.Errorf("s3 bucket %s: %w", s.bucket, s3Err(err))
	}
	return nil
}

// dirErr marks the file-system errors that are the storage's condition
// rather than a bug: full, read-only, denied, failing.
func dirErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT),
		errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EIO), errors.Is(err, syscall.ESTALE),
		errors.Is(err, syscall.ENOTCONN), errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// s3Err marks the S3 failures that are the service's condition: no answer
// at all (down, unreachable, timed out), 5xx, throttling, or refused
// credentials. 404s, version changes, cancelled requests and other 4xx
// (a bug in the request) keep their meaning.
func s3Err(err error) error {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrChanged) ||
		errors.Is(err, context.Canceled) || errors.Is(err, ErrUnavailable) {
		return err
	}
	if st, ok := errors.AsType[interface {
		error
		HTTPStatusCode() int
	}](err); ok {
		switch c := st.HTTPStatusCode(); {
		case c == 0, c >= 500, c == 401, c == 403, c == 408, c == 429: // 0: no answer
		default:
			return err
		}
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}
