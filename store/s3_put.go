package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// maxParts is S3's limit on the parts of one multipart upload.
const maxParts = 10000

// Put stores r under key. S3 makes an object visible only when its upload
// completes, so readers see the old blob or the new one, and a failed Put
// leaves the old one. A blob up to the part size goes in one PutObject; a
// bigger one streams as a multipart upload holding one part in memory at a
// time, aborted if anything fails.
func (s *S3) Put(ctx context.Context, key string, r io.Reader) error {
	obj, err := s.object(key)
	if err != nil {
		return err
	}
	r = ctxReader{ctx, r}
	first, err := readPart(r, s.partSize)
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	var second []byte
	if len(first) == s.partSize {
		if second, err = readPart(r, s.partSize); err != nil {
			return fmt.Errorf("put %s: %w", key, err)
		}
	}
	if len(second) == 0 {
		_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket:        &s.bucket,
			Key:           &obj,
			Body:          bytes.NewReader(first),
			ContentLength: aws.Int64(int64(len(first))),
			ContentType:   aws.String(contentType(key)),
		})
		if err != nil {
			return fmt.Errorf("put %s: %w", key, s3Err(err))
		}
		return nil
	}
	return s.putMultipart(ctx, key, obj, r, first, second)
}

// readPart reads up to size bytes; fewer means r is exhausted. It grows its
// buffer as data comes, so a small manifest does not cost a whole part.
func readPart(r io.Reader, size int) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(io.LimitReader(r, int64(size)))
	return buf.Bytes(), err
}

func (s *S3) putMultipart(ctx context.Context, key, obj string, r io.Reader, first, second []byte) (err error) {
	up, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket:      &s.bucket,
		Key:         &obj,
		ContentType: aws.String(contentType(key)),
	})
	if err != nil {
		return fmt.Errorf("put %s: start upload: %w", key, s3Err(err))
	}
	defer func() {
		if err == nil {
			return
		}
		// Parts of an unfinished upload stay stored (and billed) until
		// aborted; abort even when ctx is what ended the upload.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, aerr := s.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{
			Bucket: &s.bucket, Key: &obj, UploadId: up.UploadId,
		}); aerr != nil {
			err = errors.Join(err, fmt.Errorf("put %s: abort upload: %w", key, aerr))
		}
	}()

	var done []types.CompletedPart
	part := first
	for n := int32(1); len(part) > 0; n++ {
		if n > maxParts {
			return fmt.Errorf("put %s: more than %d parts of %d bytes", key, maxParts, s.partSize)
		}
		cp, err := s.uploadPart(ctx, obj, up, n, part)
		if err != nil {
			return fmt.Errorf("put %s: part %d: %w", key, n, s3Err(err))
		}
		done = append(done, cp)
		if second != nil {
			part, second = second, nil
		} else if part, err = readPart(r, s.partSize); err != nil {
			return fmt.Errorf("put %s: %w", key, err)
		}
	}
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket:          &s.bucket,
		Key:             &obj,
		UploadId:        up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done},
	})
	if err != nil {
		return fmt.Errorf("put %s: complete upload: %w", key, s3Err(err))
	}
	return nil
}

// uploadPart sends part number n of the upload up, and returns what
// completing the upload lists of it.
func (s *S3) uploadPart(ctx context.Context, obj string, up *s3.CreateMultipartUploadOutput, n int32, part []byte) (types.CompletedPart, error) {
	out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{
		Bucket:        &s.bucket,
		Key:           &obj,
		UploadId:      up.UploadId,
		PartNumber:    aws.Int32(n),
		Body:          bytes.NewReader(part),
		ContentLength: aws.Int64(int64(len(part))),
	})
	if err != nil {
		return types.CompletedPart{}, err
	}
	cp := types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n)}
	// An upload created with a checksum algorithm must list each part's.
	if up.ChecksumAlgorithm != "" {
		cp.ChecksumCRC32, cp.ChecksumCRC32C, cp.ChecksumCRC64NVME = out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME
		cp.ChecksumSHA1, cp.ChecksumSHA256 = out.ChecksumSHA1, out.ChecksumSHA256
	}
	return cp, nil
}
