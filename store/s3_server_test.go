package store

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"ecouter/store/s3test"
)

const (
	testSecretKey = s3test.SecretKey
	testBucket    = "ecouter-test"
)

// startS3 runs versitygw (a real S3 server over a POSIX folder) on a free
// loopback port for the test, points the AWS environment at it so clients
// are built exactly as in production (S3Client), and creates testBucket.
func startS3(t *testing.T) *s3.Client {
	t.Helper()
	client, _ := startS3Server(t)
	return client
}

func startS3Server(t *testing.T) (*s3.Client, *s3test.Server) {
	t.Helper()
	srv := s3test.Start(t)
	srv.SetEnv(t)
	client, err := S3Client(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(testBucket)}); err != nil {
		t.Fatalf("create bucket: %v\n%s", err, srv.Output())
	}
	return client, srv
}
