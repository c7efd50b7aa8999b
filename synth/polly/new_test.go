package polly

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"ecouter/synth"
	"ecouter/synth/polly/pollytest"
)

func TestNewChecksVoice(t *testing.T) {
	srv := newServer(t, pollytest.Options{})
	for _, c := range []struct {
		name string
		opt  Options
		want []string // in the error; none means success
	}{
		{"default", Options{}, nil},
		{"by name", Options{Voice: "rémi", Engine: "Generative"}, nil},
		{"engine mismatch", Options{Voice: "Remi", Engine: "standard"}, []string{
			"voice Remi does not support engine standard",
			"voices for fr-FR: Celine (standard), Lea (standard, neural, generative), Mathieu (standard), Remi (neural, generative)",
		}},
		{"unknown voice", Options{Voice: "Zoe"}, []string{`no voice "Zoe" for fr-FR`, "Mathieu (standard)"}},
		{"unknown engine", Options{Engine: "turbo"}, []string{`unknown engine "turbo"`}},
		{"six lexicons", Options{Lexicons: []string{"a", "b", "c", "d", "e", "f"}}, []string{"6 lexicons", "at most 5"}},
		{"bad lexicon name", Options{Lexicons: []string{"mes-sigles"}}, []string{`invalid lexicon name "mes-sigles"`}},
		{"sample rate", Options{SampleRate: 11025}, []string{"sample rate 11025"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, err := New(context.Background(), c.opt, srv.Config())
			if len(c.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("New(%+v) = %s, want an error", c.opt, e.Fingerprint())
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %q\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestNewUnavailable(t *testing.T) {
	for _, c := range []struct {
		status int
		code   string
	}{
		{http.StatusForbidden, "UnrecognizedClientException"},
		{http.StatusForbidden, "AccessDeniedException"},
		{http.StatusForbidden, "InvalidSignatureException"},
	} {
		t.Run(c.code, func(t *testing.T) {
			srv := newServer(t, pollytest.Options{})
			srv.FailNext(1, c.status, c.code)
			_, err := New(context.Background(), Options{}, srv.Config())
			if !errors.Is(err, synth.ErrUnavailable) || !strings.Contains(err.Error(), c.code) {
				t.Errorf("err = %v, want ErrUnavailable naming %s", err, c.code)
			}
			if err != nil && strings.Contains(err.Error(), pollytest.SecretAccessKey) {
				t.Errorf("err = %v: shows the secret key", err)
			}
		})
	}
	t.Run("no endpoint", func(t *testing.T) {
		srv := newServer(t, pollytest.Options{})
		cfg := srv.Config()
		cfg.BaseEndpoint = aws.String("http://127.0.0.1:1") // nothing listens on port 1
		_, err := New(context.Background(), Options{}, cfg)
		if !errors.Is(err, synth.ErrUnavailable) {
			t.Errorf("err = %v, want ErrUnavailable", err)
		}
	})
}

func TestFingerprint(t *testing.T) {
	srv := newServer(t, pollytest.Options{})
	e := newEngine(t, srv, Options{Voice: "léa", Lexicons: []string{"a", "b"}})
	const want = "polly|voice=Lea|engine=neural|lang=fr-FR|rate=24000|lexicons=a,b"
	if got := e.Fingerprint(); got != want {
		t.Errorf("Fingerprint = %q, want %q", got, want)
	}
	if e.Name() != "polly" {
		t.Errorf("Name = %q", e.Name())
	}
}

func TestVoices(t *testing.T) {
	srv := newServer(t, pollytest.Options{})
	e := newEngine(t, srv, Options{})
	voices, err := e.Voices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	listed, err := ListVoices(context.Background(), srv.Config(), "fr-FR")
	if err != nil {
		t.Fatal(err)
	}
	if len(voices) != 4 || len(listed) != 4 {
		t.Fatalf("%d and %d voices, want the 4 French ones", len(voices), len(listed))
	}
	lea := voices[1]
	if lea.ID != "Lea" || lea.Name != "Léa" || lea.Gender != "Female" || lea.Language != "fr-FR" ||
		strings.Join(lea.Engines, ",") != "standard,neural,generative" {
		t.Errorf("voices[1] = %+v, want Léa", lea)
	}
}
