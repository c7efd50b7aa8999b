package pollytest

import (
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The credentials and region a Server's clients use. The secret is fake;
// tests check it never shows in an error.
const (
	AccessKeyID     = "AKIDTEST"
	SecretAccessKey = "secret"
	Region          = "eu-west-3"
)

// Config returns an SDK configuration for this Server alone: static
// credentials, Region and the Server as base endpoint. It reads nothing
// from the environment.
func (s *Server) Config() aws.Config {
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		BaseEndpoint: aws.String(s.URL),
	}
}

// Setenv points the SDK's standard configuration at this Server for the
// rest of the test, through AWS_ENDPOINT_URL_POLLY and the credential
// variables, with shared config files and instance metadata out of the way:
// what polly.LoadConfig then loads exercises the standard override.
func (s *Server) Setenv(t testing.TB) {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_POLLY":      s.URL,
		"AWS_ACCESS_KEY_ID":           AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":       SecretAccessKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  Region,
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             none,
		"AWS_SHARED_CREDENTIALS_FILE": none,
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
}
