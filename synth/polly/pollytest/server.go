// Package pollytest runs a local server that speaks Amazon Polly's REST-JSON
// protocol well enough for the real SDK client: SynthesizeSpeech answered
// with real MP3 audio (espeak-ng reading the text, then ecouter's encoder),
// DescribeVoices with Polly's French voices, errors shaped like Polly's. It
// validates requests as Polly does, records them, and injects throttling,
// failures and delays on demand.
package pollytest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"ecouter/synth/espeak"
)

// Options configures a Server. The zero value serves FrenchVoices, knows no
// lexicon and injects nothing.
type Options struct {
	Voices       []Voice       // what DescribeVoices lists; default FrenchVoices()
	Lexicons     []string      // lexicon names that exist; others are LexiconNotFoundException
	ThrottleRate float64       // initial SetThrottleRate
	Seed         uint64        // seeds the throttling draw, so a run is repeatable
	Delay        time.Duration // initial SetDelay
}

// Request is one SynthesizeSpeech request as the server saw it.
type Request struct {
	Text         string // as sent: SSML for TextType "ssml"
	Plain        string // the text spoken, tags stripped and entities decoded
	TextType     string
	Voice        string
	Engine       string
	LanguageCode string
	OutputFormat string
	SampleRate   string
	Lexicons     []string
	Billed       int    // characters billed; 0 unless answered with audio
	Status       int    // HTTP status answered
	ErrorType    string // the error answered, if any
	Received     time.Time
}

// Server is a local Polly. Its knobs and records are safe to use while
// requests run.
type Server struct {
	URL string // base endpoint, e.g. "http://127.0.0.1:34567"

	opt    Options
	speech *espeak.Engine

	mu        sync.Mutex
	rng       *rand.Rand
	throttle  float64
	delay     time.Duration
	failNext  []failure
	failText  func(text string) (status int, errType, msg string)
	requests  []Request
	billed    int64
	inFlight  int
	maxFlight int
}

type failure struct {
	status  int
	errType string
}

// New starts a Server for the length of the test. It runs the real
// espeak-ng and fails the test if it cannot.
func New(t testing.TB, opt Options) *Server {
	t.Helper()
	if opt.Voices == nil {
		opt.Voices = FrenchVoices()
	}
	speech, err := espeak.New(context.Background(), espeak.Options{})
	if err != nil {
		t.Fatalf("pollytest: %v", err)
	}
	s := &Server{opt: opt, speech: speech, rng: rand.New(rand.NewPCG(opt.Seed, 1)),
		throttle: opt.ThrottleRate, delay: opt.Delay}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// ServeHTTP routes Polly's two read paths; anything else is a 404 in
// Polly's error shape.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", requestID())
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/speech":
		s.serveSpeech(w, r)
	case r.Method == http.MethodGet && r.URL.Path == "/v1/voices":
		s.serveVoices(w, r)
	default:
		writeError(w, http.StatusNotFound, "UnknownOperationException",
			"pollytest serves POST /v1/speech and GET /v1/voices only")
	}
}

// SetThrottleRate makes a fraction f of the speech requests that follow
// fail with ThrottlingException (HTTP 400, as Polly does).
func (s *Server) SetThrottleRate(f float64) { s.mu.Lock(); s.throttle = f; s.mu.Unlock() }

// SetDelay makes each speech request wait d before synthesizing.
func (s *Server) SetDelay(d time.Duration) { s.mu.Lock(); s.delay = d; s.mu.Unlock() }

// FailNext answers the next n requests, speech or voices, with status and
// errType (e.g. 503 "ServiceUnavailableException", 429
// "TooManyRequestsException", 403 "UnrecognizedClientException").
func (s *Server) FailNext(n, status int, errType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failNext = append(s.failNext, failure{status, errType})
	}
}

// SetFailText makes speech requests fail whenever fn returns a non-zero
// status for their plain text; nil removes it. An empty message gets
// Polly's usual one for errType.
func (s *Server) SetFailText(fn func(text string) (status int, errType, msg string)) {
	s.mu.Lock()
	s.failText = fn
	s.mu.Unlock()
}

// Requests returns the speech requests received so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// BilledCharacters is the sum of x-amzn-RequestCharacters answered.
func (s *Server) BilledCharacters() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.billed
}

// MaxInFlight is the peak number of speech requests handled at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxFlight
}

// MaxPerSecond is the most speech requests received within any one-second
// window.
func (s *Server) MaxPerSecond() int {
	s.mu.Lock()
	times := make([]time.Time, len(s.requests))
	for i, r := range s.requests {
		times[i] = r.Received
	}
	s.mu.Unlock()
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	peak, lo := 0, 0
	for hi, t := range times {
		for t.Sub(times[lo]) >= time.Second {
			lo++
		}
		peak = max(peak, hi-lo+1)
	}
	return peak
}
