// Package store keeps ecouter's blobs (MP3s, manifests, cached sentences)
// under slash-separated keys. Writes are atomic: a reader sees the whole
// previous blob or the whole new one, never a half-written file.
package store

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound: no blob under that key.
var ErrNotFound = errors.New("blob not found")

// Info describes a stored blob.
type Info struct {
	Key     string
	Size    int64
	ModTime time.Time
	// ETag changes whenever the content does, where the store has one
	// (S3); empty for the folder store, whose ModTime is precise enough.
	ETag string
}

// Blob is an open stored blob, seekable so HTTP ranges can be served from it.
type Blob interface {
	io.ReadSeekCloser
	Info() Info
}

// Store is where blobs live: a local folder or an S3 bucket.
type Store interface {
	Open(ctx context.Context, key string) (Blob, error)
	Stat(ctx context.Context, key string) (Info, error)
	// Put stores r under key atomically.
	Put(ctx context.Context, key string, r io.Reader) error
	Delete(ctx context.Context, key string) error
	// List returns the blobs whose keys start with prefix, in key order.
	List(ctx context.Context, prefix string) ([]Info, error)
}
