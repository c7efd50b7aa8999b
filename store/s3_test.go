package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func newTestS3(t *testing.T, client *s3.Client, prefix string) *S3 {
	t.Helper()
	st, err := NewS3(context.Background(), client, testBucket, prefix)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestS3 runs one real S3 server (versitygw) for all the S3 store's tests.
func TestS3(t *testing.T) {
	client := startS3(t)
	ctx := context.Background()

	t.Run("contract", func(t *testing.T) {
		n := 0
		storeContract(t, func(t *testing.T) Store {
			n++ // a fresh prefix per subtest keeps their keys apart
			return newTestS3(t, client, fmt.Sprintf("contract/%d", n))
		})
	})

	t.Run("lazy ranged reads", func(t *testing.T) {
		st := newTestS3(t, client, "lazy")
		data := randomBytes(1 << 20)
		mustPut(t, st, "a.mp3", data)
		calls := &countingS3{s3API: st.client}
		st.client = calls

		b, err := st.Open(ctx, "a.mp3")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		for _, off := range []int64{0, 700000, 12, 1 << 19} {
			b.Seek(off, io.SeekStart)
		}
		calls.want(t, "after Open and seeks", 1, 0)

		req := httptest.NewRequest("GET", "/a.mp3", nil)
		req.Header.Set("Range", "bytes=700000-")
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", "audio/mpeg")
		http.ServeContent(rec, req, "a.mp3", b.Info().ModTime, b)
		if rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), data[700000:]) {
			t.Fatalf("range: status %d, %d bytes", rec.Code, rec.Body.Len())
		}
		calls.want(t, "after a served range", 1, 1)

		b.Seek(0, io.SeekStart)
		var got []byte
		buf := make([]byte, 4096)
		for {
			n, err := b.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(got, data) {
			t.Fatal("sequential read differs from the source")
		}
		calls.want(t, "after a sequential read in 4 KiB reads", 1, 2)
	})

	t.Run("replaced or deleted after open", func(t *testing.T) {
		st := newTestS3(t, client, "changed")
		mustPut(t, st, "k.mp3", []byte("version one"))
		b, err := st.Open(ctx, "k.mp3")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		mustPut(t, st, "k.mp3", []byte("version two"))
		if _, err := io.ReadAll(b); !errors.Is(err, ErrChanged) {
			t.Fatalf("read after replace: %v; want ErrChanged", err)
		}
		b2, err := st.Open(ctx, "k.mp3")
		if err != nil {
			t.Fatal(err)
		}
		defer b2.Close()
		if err := st.Delete(ctx, "k.mp3"); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(b2); !errors.Is(err, ErrChanged) {
			t.Fatalf("read after delete: %v; want ErrChanged", err)
		}
	})

	t.Run("reads end with the open context", func(t *testing.T) {
		st := newTestS3(t, client, "ctx")
		mustPut(t, st, "k.mp3", []byte("data"))
		octx, cancel := context.WithCancel(ctx)
		b, err := st.Open(octx, "k.mp3")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		cancel()
		if _, err := io.ReadAll(b); !errors.Is(err, context.Canceled) {
			t.Fatalf("read after cancel: %v; want context.Canceled", err)
		}
	})

	t.Run("multipart", func(t *testing.T) {
		st := newTestS3(t, client, "multipart")
		st.partSize = 5 << 20 // S3's smallest part
		data := randomBytes(11<<20 + 123)
		mustPut(t, st, "big.mp3", data)
		if info, err := st.Stat(ctx, "big.mp3"); err != nil || info.Size != int64(len(data)) {
			t.Fatalf("Stat = %+v, %v; want %d bytes", info, err, len(data))
		}
		if got := readAll(t, st, "big.mp3"); !bytes.Equal(got, data) {
			t.Fatalf("multipart blob read back differs (%d bytes)", len(got))
		}
		b, err := st.Open(ctx, "big.mp3")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		at := int64(5<<20 - 500) // across the first part boundary
		b.Seek(at, io.SeekStart)
		buf := make([]byte, 1000)
		if _, err := io.ReadFull(b, buf); err != nil || !bytes.Equal(buf, data[at:at+1000]) {
			t.Fatalf("range across parts differs (%v)", err)
		}

		if err := st.Put(ctx, "big.mp3", &failingReader{n: 7 << 20}); err == nil {
			t.Fatal("multipart Put succeeded with a failing reader")
		}
		if got := readAll(t, st, "big.mp3"); !bytes.Equal(got, data) {
			t.Fatal("failed multipart Put changed the blob")
		}
		ups, err := client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(testBucket)})
		if err != nil {
			t.Fatal(err)
		}
		if len(ups.Uploads) != 0 {
			t.Fatalf("failed Put left %d multipart uploads", len(ups.Uploads))
		}
	})

	t.Run("content type", func(t *testing.T) {
		st := newTestS3(t, client, "types")
		for key, want := range map[string]string{
			"a.mp3": "audio/mpeg", "m.json": "application/json", "s/x.wav": "audio/wav", "other.bin": "application/octet-stream",
		} {
			mustPut(t, st, key, []byte("x"))
			out, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testBucket), Key: aws.String("types/" + key)})
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(out.ContentType); got != want {
				t.Errorf("%s stored as %q; want %q", key, got, want)
			}
		}
	})

	t.Run("prefix", func(t *testing.T) {
		st := newTestS3(t, client, "/p/q/")
		mustPut(t, st, "k.json", []byte("{}"))
		// Objects other tools may leave: outside the prefix, hidden, not clean
		// keys, a folder marker (which must be empty).
		for _, raw := range []string{"p/qr/x.json", "p/q/.tmp-1", `p/q/back\slash`, "p/q/dir/"} {
			body := "x"
			if strings.HasSuffix(raw, "/") {
				body = ""
			}
			if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(testBucket), Key: aws.String(raw), Body: strings.NewReader(body)}); err != nil {
				t.Fatalf("raw put %s: %v", raw, err)
			}
		}
		if _, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testBucket), Key: aws.String("p/q/k.json")}); err != nil {
			t.Fatalf("k.json not stored as p/q/k.json: %v", err)
		}
		infos, err := st.List(ctx, "")
		if err != nil || len(infos) != 1 || infos[0].Key != "k.json" {
			t.Fatalf("List under p/q = %+v, %v; want only k.json", infos, err)
		}
		infos, err = newTestS3(t, client, "").List(ctx, "p/")
		var keys []string
		for _, i := range infos {
			keys = append(keys, i.Key)
		}
		if got := strings.Join(keys, " "); err != nil || got != "p/q/k.json p/qr/x.json" {
			t.Fatalf("List(p/) over the whole bucket = %q, %v", got, err)
		}
	})

	t.Run("start-up errors name the bucket, not the credentials", func(t *testing.T) {
		_, err := NewS3(ctx, client, "no-such-bucket", "")
		if err == nil || !strings.Contains(err.Error(), `"no-such-bucket"`) || !strings.Contains(err.Error(), "no such bucket") {
			t.Fatalf("NewS3 of a missing bucket: %v", err)
		}
		t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret-9d1e")
		bad, err := S3Client(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		_, err = NewS3(ctx, bad, testBucket, "")
		if err == nil || !strings.Contains(err.Error(), "access denied") {
			t.Fatalf("NewS3 with a wrong secret: %v", err)
		}
		if msg := err.Error(); strings.Contains(msg, "wrong-secret-9d1e") || strings.Contains(msg, testSecretKey) {
			t.Fatalf("error carries a secret: %s", msg)
		}
	})
}

// countingS3 counts the calls that reading a blob makes.
type countingS3 struct {
	s3API
	mu          sync.Mutex
	heads, gets int
}

func (c *countingS3) HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	c.mu.Lock()
	c.heads++
	c.mu.Unlock()
	return c.s3API.HeadObject(ctx, in, opts...)
}

func (c *countingS3) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	c.mu.Lock()
	c.gets++
	c.mu.Unlock()
	return c.s3API.GetObject(ctx, in, opts...)
}

func (c *countingS3) want(t *testing.T, when string, heads, gets int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.heads != heads || c.gets != gets {
		t.Fatalf("%s: %d HeadObject, %d GetObject; want %d, %d", when, c.heads, c.gets, heads, gets)
	}
}

func TestParseS3URL(t *testing.T) {
	for _, c := range []struct {
		raw, bucket, prefix string
		ok                  bool
	}{
		{"s3://audio/some/prefix", "audio", "some/prefix", true},
		{"s3://audio/some/prefix/", "audio", "some/prefix", true},
		{"s3://audio", "audio", "", true},
		{"s3://audio/", "audio", "", true},
		{"s3://my.bucket-1/ecouter", "my.bucket-1", "ecouter", true},
		{"http://audio/p", "", "", false},
		{"s3:///p", "", "", false},
		{"audio/p", "", "", false},
		{"s3:audio", "", "", false},
		{"s3://key:secret@audio/p", "", "", false},
		{"s3://audio:9000/p", "", "", false},
		{"s3://audio/p?region=x", "", "", false},
		{"s3://audio/p#x", "", "", false},
		{"s3://audio/a//b", "", "", false},
		{"s3://audio/a/../b", "", "", false},
		{"s3://audio/.hidden", "", "", false},
	} {
		bucket, prefix, err := ParseS3URL(c.raw)
		if (err == nil) != c.ok || bucket != c.bucket || prefix != c.prefix {
			t.Errorf("ParseS3URL(%q) = %q, %q, %v", c.raw, bucket, prefix, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseS3URL(%q) error shows the password: %v", c.raw, err)
		}
	}
}
