package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"ecouter/store"
	"ecouter/store/s3test"
)

// `ecouter render` on an S3 store says where the MP3 is: its s3:// URL,
// not a local path that does not exist.
// s3Bucket starts a real S3 server (versitygw) for the test, points the AWS
// environment at it, and creates bucket there. It returns the server, for
// tests that stop and restart it.
func s3Bucket(t *testing.T, bucket string) *s3test.Server {
	t.Helper()
	srv := s3test.Start(t)
	srv.SetEnv(t)
	client, err := store.S3Client(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("create bucket %s: %v\n%s", bucket, err, srv.Output())
	}
	return srv
}

func TestRenderPrintsS3Location(t *testing.T) {
	s3Bucket(t, "renders")
	ctx := context.Background()
	env := map[string]string{
		"ECOUTER_ARTICLES": "dir:" + articleDir(t), "ECOUTER_STORE": "s3://renders/site",
		"ECOUTER_S3_PATH_STYLE": "true",
	}
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"render", "autre"}, func(k string) string { return env[k] }, &out, &errOut); err != nil {
		t.Fatalf("render: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), " s3://renders/site/articles/autre/") || strings.Contains(out.String(), "s3:/renders") {
		t.Fatalf("render printed %q, want the object's s3:// URL", out.String())
	}
	if got := storeLocation("./data", "articles/a/k.mp3"); got != "data/articles/a/k.mp3" {
		t.Fatalf("folder store location %q", got)
	}
}
