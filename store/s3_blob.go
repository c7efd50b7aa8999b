package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3Blob reads one version of an object with ranged GETs. Seek only moves
// the offset; Read opens "bytes=off-" when no body is open at that offset
// and keeps it for the sequential reads that follow, so http.ServeContent's
// seeks cost nothing and a range costs one GET. Every GET carries If-Match
// with the ETag seen at Open: a blob replaced mid-read fails with ErrChanged
// instead of splicing two versions. Not safe for concurrent use.
type s3Blob struct {
	// ctx is the Open call's: io.Reader has no context, and the blob lives
	// only as long as the request that opened it, so its GETs end with it.
	ctx    context.Context
	client s3API
	bucket string
	object string
	etag   string
	info   Info

	off     int64         // where the next Read starts
	body    io.ReadCloser // open GET, positioned at bodyOff
	bodyOff int64
	closed  bool
}

func (b *s3Blob) Info() Info { return b.info }

func (b *s3Blob) Seek(offset int64, whence int) (int64, error) {
	if b.closed {
		return 0, os.ErrClosed
	}
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += b.off
	case io.SeekEnd:
		offset += b.info.Size
	default:
		return 0, fmt.Errorf("seek %s: invalid whence %d", b.info.Key, whence)
	}
	if offset < 0 {
		return 0, fmt.Errorf("seek %s: negative position %d", b.info.Key, offset)
	}
	b.off = offset
	return offset, nil
}

func (b *s3Blob) Read(p []byte) (int, error) {
	if b.closed {
		return 0, os.ErrClosed
	}
	if b.off >= b.info.Size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if b.body != nil && b.bodyOff != b.off {
		b.closeBody()
	}
	if b.body == nil {
		if err := b.openBody(); err != nil {
			return 0, err
		}
	}
	n, err := b.body.Read(p)
	b.off += int64(n)
	b.bodyOff = b.off
	if errors.Is(err, io.EOF) {
		b.closeBody()
		if b.off < b.info.Size {
			return n, fmt.Errorf("read %s at %d: %w", b.info.Key, b.off, io.ErrUnexpectedEOF)
		}
		return n, io.EOF
	}
	if err != nil {
		b.closeBody()
		return n, fmt.Errorf("read %s at %d: %w", b.info.Key, b.off, s3Err(err))
	}
	return n, nil
}

// openBody starts a GET from b.off to the end, pinned to the opened version.
func (b *s3Blob) openBody() error {
	in := &s3.GetObjectInput{
		Bucket: &b.bucket,
		Key:    &b.object,
		Range:  aws.String("bytes=" + strconv.FormatInt(b.off, 10) + "-"),
	}
	if b.etag != "" {
		in.IfMatch = aws.String(b.etag)
	}
	out, err := b.client.GetObject(b.ctx, in)
	if err != nil {
		if isPreconditionFailed(err) || isNotFound(err) {
			return fmt.Errorf("read %s: %w (%w)", b.info.Key, ErrChanged, err)
		}
		return fmt.Errorf("read %s at %d: %w", b.info.Key, b.off, s3Err(err))
	}
	// A server that ignores If-Match still names the version it sent.
	if etag := aws.ToString(out.ETag); etag != "" && etag != b.etag {
		out.Body.Close()
		return fmt.Errorf("read %s: %w (etag %s, opened %s)", b.info.Key, ErrChanged, etag, b.etag)
	}
	b.body, b.bodyOff = out.Body, b.off
	return nil
}

func (b *s3Blob) closeBody() {
	if b.body != nil {
		b.body.Close()
		b.body = nil
	}
}

func (b *s3Blob) Close() error {
	if b.closed {
		return os.ErrClosed
	}
	b.closed = true
	b.closeBody()
	return nil
}
