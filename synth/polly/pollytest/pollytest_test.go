package pollytest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/polly"
	"github.com/aws/aws-sdk-go-v2/service/polly/types"
	"github.com/aws/smithy-go"

	"ecouter/audio"
)

// client is the real SDK client, without retries so each call is one request.
func client(srv *Server) *polly.Client {
	return polly.NewFromConfig(srv.Config(), func(o *polly.Options) { o.RetryMaxAttempts = 1 })
}

func input(text string, edit func(*polly.SynthesizeSpeechInput)) *polly.SynthesizeSpeechInput {
	in := &polly.SynthesizeSpeechInput{Text: aws.String(text), TextType: types.TextTypeSsml,
		OutputFormat: types.OutputFormatMp3, VoiceId: "Lea", Engine: types.EngineNeural,
		SampleRate: aws.String("24000"), LanguageCode: "fr-FR"}
	if edit != nil {
		edit(in)
	}
	return in
}

func TestSpeechValidation(t *testing.T) {
	srv := New(t, Options{Lexicons: []string{"sigles"}})
	long := strings.Repeat("a ", 1500) + "b" // 3,001 characters
	for _, c := range []struct {
		name string
		in   *polly.SynthesizeSpeechInput
		want string // error code; "" for success
	}{
		{"ssml", input(`<speak>Tom &amp; Jerry <break time="300ms"/>&lt;3</speak>`, nil), ""},
		{"plain text", input("Bonjour & bienvenue.", func(in *polly.SynthesizeSpeechInput) { in.TextType = types.TextTypeText }), ""},
		{"lexicon", input("<speak>SNCF</speak>", func(in *polly.SynthesizeSpeechInput) { in.LexiconNames = []string{"sigles"} }), ""},
		{"bare ampersand", input("<speak>Tom & Jerry</speak>", nil), "InvalidSsmlException"},
		{"no speak root", input("<p>Bonjour</p>", nil), "InvalidSsmlException"},
		{"unknown element", input("<speak><blink>Bonjour</blink></speak>", nil), "InvalidSsmlException"},
		{"not xml", input("Bonjour.", nil), "InvalidSsmlException"},
		{"billed over 3000", input("<speak>"+long+"</speak>", nil), "TextLengthExceededException"},
		{"total over 6000", input("<speak>"+strings.Repeat(`<break time="1ms"/>a`, 300)+"</speak>", nil), "TextLengthExceededException"},
		{"engine", input("<speak>Bonjour</speak>", func(in *polly.SynthesizeSpeechInput) { in.VoiceId = "Celine" }), "EngineNotSupportedException"},
		{"default engine", input("<speak>Bonjour</speak>", func(in *polly.SynthesizeSpeechInput) { in.VoiceId, in.Engine = "Remi", "" }), "EngineNotSupportedException"},
		{"voice", input("<speak>Bonjour</speak>", func(in *polly.SynthesizeSpeechInput) { in.VoiceId = "Zoe" }), "ValidationException"},
		{"sample rate", input("<speak>Bonjour</speak>", func(in *polly.SynthesizeSpeechInput) { in.SampleRate = aws.String("11025") }), "InvalidSampleRateException"},
		{"missing lexicon", input("<speak>Bonjour</speak>", func(in *polly.SynthesizeSpeechInput) { in.LexiconNames = []string{"noms"} }), "LexiconNotFoundException"},
		{"language", input("<speak>Hello</speak>", func(in *polly.SynthesizeSpeechInput) { in.LanguageCode = "en-US" }), "LanguageNotSupportedException"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := client(srv).SynthesizeSpeech(context.Background(), c.in)
			if c.want != "" {
				var ae smithy.APIError
				if !errors.As(err, &ae) || ae.ErrorCode() != c.want {
					t.Fatalf("err = %v, want %s", err, c.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer out.AudioStream.Close()
			clip, err := audio.DecodeMP3(out.AudioStream)
			if err != nil || clip.Rate != 24000 || clip.Seconds() < 0.3 {
				t.Errorf("audio: %.2fs at %d Hz, %v; want speech at 24000 Hz", clip.Seconds(), clip.Rate, err)
			}
			if aws.ToString(out.ContentType) != "audio/mpeg" {
				t.Errorf("Content-Type = %q", aws.ToString(out.ContentType))
			}
		})
	}
	reqs := srv.Requests()
	if reqs[0].Plain != "Tom & Jerry <3" || reqs[0].Billed != len("Tom & Jerry <3") {
		t.Errorf("ssml request read %q, billed %d", reqs[0].Plain, reqs[0].Billed)
	}
	if reqs[1].Billed != len("Bonjour & bienvenue.") {
		t.Errorf("plain request billed %d", reqs[1].Billed)
	}
	if want := int64(reqs[0].Billed + reqs[1].Billed + reqs[2].Billed); srv.BilledCharacters() != want {
		t.Errorf("billed %d, want %d: only answered audio is billed", srv.BilledCharacters(), want)
	}
}

func TestUnsignedRequest(t *testing.T) {
	srv := New(t, Options{})
	resp, err := http.Post(srv.URL+"/v1/speech", "application/json", strings.NewReader(`{"Text":"a"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw map[string]string
	json.NewDecoder(resp.Body).Decode(&raw)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Amzn-ErrorType") != "MissingAuthenticationTokenException" ||
		raw["__type"] != "MissingAuthenticationTokenException" || raw["message"] == "" {
		t.Errorf("got %d %q %v, want 403 MissingAuthenticationTokenException", resp.StatusCode,
			resp.Header.Get("X-Amzn-ErrorType"), raw)
	}
}

func TestDescribeVoices(t *testing.T) {
	srv := New(t, Options{})
	for _, c := range []struct {
		in   *polly.DescribeVoicesInput
		want string
	}{
		{&polly.DescribeVoicesInput{LanguageCode: "fr-FR"}, "Celine Lea Mathieu Remi"},
		{&polly.DescribeVoicesInput{LanguageCode: "fr-FR", Engine: types.EngineNeural, IncludeAdditionalLanguageCodes: true}, "Lea Remi"},
		{&polly.DescribeVoicesInput{LanguageCode: "en-US"}, ""},
	} {
		out, err := client(srv).DescribeVoices(context.Background(), c.in)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, v := range out.Voices {
			ids = append(ids, string(v.Id))
		}
		if got := strings.Join(ids, " "); got != c.want {
			t.Errorf("DescribeVoices(%s, %s) = %q, want %q", c.in.LanguageCode, c.in.Engine, got, c.want)
		}
	}
}

func TestInjection(t *testing.T) {
	srv := New(t, Options{ThrottleRate: 1})
	in := input("<speak>Bonjour</speak>", nil)
	_, err := client(srv).SynthesizeSpeech(context.Background(), in)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ThrottlingException" {
		t.Errorf("err = %v, want ThrottlingException", err)
	}
	srv.SetThrottleRate(0)
	srv.FailNext(1, http.StatusServiceUnavailable, "ServiceUnavailableException")
	if _, err := client(srv).SynthesizeSpeech(context.Background(), in); !errors.As(err, &ae) || ae.ErrorCode() != "ServiceUnavailableException" {
		t.Errorf("err = %v, want ServiceUnavailableException", err)
	}
	if _, err := client(srv).SynthesizeSpeech(context.Background(), in); err != nil {
		t.Errorf("after the injected failures: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 || reqs[0].Status != 400 || reqs[1].Status != 503 || reqs[2].Status != 200 {
		t.Errorf("requests = %+v", reqs)
	}
}
