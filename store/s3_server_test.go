package store

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"ecouter/store/s3test"
)

// Credentials of the throwaway test server; the tests check that no error
// text ever carries the secret.
const (
	testAccessKey = s3test.AccessKey
	testSecretKey = s3test.SecretKey
	testBucket    = "ecouter-test"
)

// startS3 runs a real S3 server for the test (s3test.Start) and creates
// testBucket.
func startS3(t *testing.T) *s3.Client {
	t.Helper()
	s3test.Start(t)
	client, err := S3Client(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(testBucket)}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	return client
}
