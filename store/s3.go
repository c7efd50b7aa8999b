package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// ErrChanged: the blob was replaced or removed while it was being read.
// S3 cannot keep an old version open the way a file descriptor does, so a
// reader fails with this rather than mixing bytes of two versions.
var ErrChanged = errors.New("blob changed while reading")

// S3 keeps blobs as objects in a bucket, under an optional key prefix.
type S3 struct {
	client   s3API
	bucket   string
	prefix   string // "" or ending in "/"
	partSize int    // Put buffers this much; larger blobs go multipart
}

// s3API is the part of *s3.Client the store calls.
type s3API interface {
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	DeleteObject(context.Context, *s3.DeleteObjectInput, ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
	CreateMultipartUpload(context.Context, *s3.CreateMultipartUploadInput, ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	UploadPart(context.Context, *s3.UploadPartInput, ...func(*s3.Options)) (*s3.UploadPartOutput, error)
	CompleteMultipartUpload(context.Context, *s3.CompleteMultipartUploadInput, ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
	s3.ListObjectsV2APIClient
}

// defaultPartSize bounds the memory one Put holds: MP3s of a long article
// fit in one PutObject, anything bigger is streamed as a multipart upload.
const defaultPartSize = 8 << 20

// NewS3 returns a store over bucket, keeping keys under prefix, after
// checking that the bucket is reachable with the client's credentials.
func NewS3(ctx context.Context, client *s3.Client, bucket, prefix string) (*S3, error) {
	if bucket == "" {
		return nil, errors.New("s3 store: empty bucket name")
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		if !ValidKey(prefix) {
			return nil, fmt.Errorf("s3 store: invalid key prefix %q", prefix)
		}
		prefix += "/"
	}
	if _, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return nil, fmt.Errorf("s3 bucket %q: %s: %w", bucket, bucketProblem(err), err)
	}
	return &S3{client: client, bucket: bucket, prefix: prefix, partSize: defaultPartSize}, nil
}

// bucketProblem names the usual HeadBucket failures in words; the SDK's own
// text (kept in the wrapped error) has the status and request ID.
func bucketProblem(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NotFound", "NoSuchBucket":
			return "no such bucket"
		case "Forbidden", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch":
			return "access denied (check the credentials and the bucket policy)"
		case "PermanentRedirect", "AuthorizationHeaderMalformed":
			return "wrong region for this bucket"
		}
	}
	return "not reachable"
}

// ParseS3URL splits "s3://bucket/some/prefix" into its bucket and key
// prefix ("some/prefix", or "" for the whole bucket).
func ParseS3URL(raw string) (bucket, prefix string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL, which may hold a password.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", "", fmt.Errorf("parse s3 url: %w", err)
	}
	if u.User != nil {
		return "", "", fmt.Errorf("parse s3 url %s: credentials do not belong in the url", u.Redacted())
	}
	if u.Scheme != "s3" || u.Host == "" || u.Opaque != "" {
		return "", "", fmt.Errorf("parse s3 url %q: want s3://bucket[/prefix]", raw)
	}
	if u.Port() != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", "", fmt.Errorf("parse s3 url %q: only a bucket and a key prefix are allowed", raw)
	}
	prefix = strings.Trim(u.Path, "/")
	if prefix != "" && !ValidKey(prefix) {
		return "", "", fmt.Errorf("parse s3 url %q: invalid key prefix %q", raw, prefix)
	}
	return u.Host, prefix, nil
}

// S3Client builds a client from the standard AWS configuration: the
// credential chain, AWS_REGION (us-east-1 when unset, as S3-compatible
// servers expect) and AWS_ENDPOINT_URL_S3 for another endpoint. pathStyle
// puts the bucket in the path, which most S3-compatible servers need.
func S3Client(ctx context.Context, pathStyle bool) (*s3.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load aws config: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = pathStyle
		// Ranged GETs carry no whole-object checksum; the SDK would warn on each.
		o.DisableLogOutputChecksumValidationSkipped = true
	}), nil
}

// String names the store for start-up logs.
func (s *S3) String() string { return "s3://" + s.bucket + "/" + s.prefix }

// object maps a key to its object name in the bucket.
func (s *S3) object(key string) (string, error) {
	if !ValidKey(key) {
		return "", fmt.Errorf("invalid store key %q", key)
	}
	return s.prefix + key, nil
}

// Stat describes the blob under key.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	obj, err := s.object(key)
	if err != nil {
		return Info{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &obj})
	if err != nil {
		return Info{}, fmt.Errorf("stat %s: %w", key, s3Err(notFound(err)))
	}
	return Info{Key: key, Size: aws.ToInt64(out.ContentLength), ModTime: aws.ToTime(out.LastModified), ETag: aws.ToString(out.ETag)}, nil
}

// Open returns a lazy reader over the blob's current version: no bytes are
// fetched until the first Read, and Seek only moves the offset.
func (s *S3) Open(ctx context.Context, key string) (Blob, error) {
	obj, err := s.object(key)
	if err != nil {
		return nil, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &obj})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, s3Err(notFound(err)))
	}
	return &s3Blob{
		ctx:    ctx,
		client: s.client,
		bucket: s.bucket,
		object: obj,
		etag:   aws.ToString(out.ETag),
		info:   Info{Key: key, Size: aws.ToInt64(out.ContentLength), ModTime: aws.ToTime(out.LastModified), ETag: aws.ToString(out.ETag)},
	}, nil
}

// Delete removes the blob under key; a missing blob is not an error
// (S3 answers a delete of a missing object with success).
func (s *S3) Delete(ctx context.Context, key string) error {
	obj, err := s.object(key)
	if err != nil {
		return err
	}
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &obj}); err != nil && !isNotFound(err) {
		return fmt.Errorf("delete %s: %w", key, s3Err(err))
	}
	return nil
}

// List returns the blobs whose keys start with prefix, in key order.
// Objects that are not valid keys (written by other tools) are skipped.
func (s *S3) List(ctx context.Context, prefix string) ([]Info, error) {
	var out []Info
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: &s.bucket,
		Prefix: aws.String(s.prefix + prefix),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, s3Err(err))
		}
		for _, o := range page.Contents {
			key := strings.TrimPrefix(aws.ToString(o.Key), s.prefix)
			if !ValidKey(key) {
				continue
			}
			out = append(out, Info{Key: key, Size: aws.ToInt64(o.Size), ModTime: aws.ToTime(o.LastModified), ETag: aws.ToString(o.ETag)})
		}
	}
	return out, nil
}

// contentTypes is kept here rather than taken from mime.TypeByExtension,
// whose answers depend on the host's mime tables.
var contentTypes = map[string]string{
	".mp3":  "audio/mpeg",
	".json": "application/json",
	".wav":  "audio/wav",
}

func contentType(key string) string {
	if t, ok := contentTypes[path.Ext(key)]; ok {
		return t
	}
	return "application/octet-stream"
}

// notFound turns S3's 404s into ErrNotFound, keeping the SDK error for logs.
func notFound(err error) error {
	if isNotFound(err) {
		return fmt.Errorf("%w (%w)", ErrNotFound, err)
	}
	return err
}

func isNotFound(err error) bool {
	var nf *types.NotFound
	var nsk *types.NoSuchKey
	if errors.As(err, &nf) || errors.As(err, &nsk) {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "NotFound" || ae.ErrorCode() == "NoSuchKey")
}

func isPreconditionFailed(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "PreconditionFailed"
}
