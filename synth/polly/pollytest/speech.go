package pollytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"ecouter/audio"
)

// Polly's limits for one SynthesizeSpeech request.
const (
	maxBilled   = 3000
	maxTotal    = 6000
	maxLexicons = 5
)

// mp3Rates are the sample rates Polly accepts for MP3.
var mp3Rates = []string{"8000", "16000", "22050", "24000", "44100", "48000"}

// speechInput is SynthesizeSpeech's JSON body.
type speechInput struct {
	Engine          string
	LanguageCode    string
	LexiconNames    []string
	OutputFormat    string
	SampleRate      string
	SpeechMarkTypes []string
	Text            string
	TextType        string
	VoiceID         string `json:"VoiceId"`
}

// apiError is an answer in Polly's error shape.
type apiError struct {
	status       int
	errType, msg string
}

func (s *Server) serveSpeech(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := len(s.requests)
	s.requests = append(s.requests, Request{Received: time.Now()})
	s.inFlight++
	s.maxFlight = max(s.maxFlight, s.inFlight)
	s.mu.Unlock()

	rec, body, fail := s.speak(r)
	// Recorded before answering: a client may look as soon as it has the answer.
	s.mu.Lock()
	rec.Received = s.requests[i].Received
	if fail == nil {
		rec.Status = http.StatusOK
		s.billed += int64(rec.Billed)
	} else {
		rec.Status, rec.ErrorType = fail.status, fail.errType
	}
	s.requests[i] = rec
	s.mu.Unlock()

	if fail != nil {
		writeError(w, fail.status, fail.errType, fail.msg)
	} else {
		w.Header().Set("Content-Type", "audio/mpeg")
		w.Header().Set("x-amzn-RequestCharacters", strconv.Itoa(rec.Billed))
		w.Write(body)
	}
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
}

// speak checks a request as Polly would, in Polly's order (authentication,
// throttling, then the input), and returns the MP3 or the error to answer.
func (s *Server) speak(r *http.Request) (Request, []byte, *apiError) {
	var rec Request
	if fail := checkAuth(r); fail != nil {
		return rec, nil, fail
	}
	var in speechInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return rec, nil, &apiError{400, "SerializationException", err.Error()}
	}
	rec = Request{Text: in.Text, TextType: in.TextType, Voice: in.VoiceID, Engine: in.Engine,
		LanguageCode: in.LanguageCode, OutputFormat: in.OutputFormat, SampleRate: in.SampleRate,
		Lexicons: in.LexiconNames}
	if fail := s.injected(true); fail != nil {
		return rec, nil, fail
	}
	plain, billed, fail := s.validate(&in)
	rec.Plain = plain
	if fail != nil {
		return rec, nil, fail
	}
	s.mu.Lock()
	failText, delay := s.failText, s.delay
	s.mu.Unlock()
	if failText != nil {
		if status, errType, msg := failText(plain); status != 0 {
			return rec, nil, newError(status, errType, msg)
		}
	}
	select {
	case <-time.After(delay):
	case <-r.Context().Done():
		return rec, nil, &apiError{499, "RequestCanceled", "client went away"}
	}
	mp3, err := s.synthesize(r, plain, in.SampleRate)
	if err != nil {
		return rec, nil, &apiError{500, "ServiceFailureException", err.Error()}
	}
	rec.Billed = billed
	return rec, mp3, nil
}

// validate applies Polly's checks to in, filling its defaults, and returns
// the text to speak and the characters to bill.
func (s *Server) validate(in *speechInput) (string, int, *apiError) {
	if in.Engine == "" {
		in.Engine = "standard" // Polly's default
	}
	switch {
	case in.Text == "" || in.VoiceID == "" || in.OutputFormat == "":
		return "", 0, &apiError{400, "ValidationException", "Text, VoiceId and OutputFormat are required"}
	case in.OutputFormat != "mp3":
		return "", 0, &apiError{400, "ValidationException", "pollytest answers OutputFormat mp3 only"}
	case len(in.SpeechMarkTypes) > 0:
		return "", 0, &apiError{400, "MarksNotSupportedForFormatException", "Speech marks are only available in json format"}
	case len(in.LexiconNames) > maxLexicons:
		return "", 0, &apiError{400, "ValidationException",
			"1 validation error detected: Value at 'lexiconNames' failed to satisfy constraint: Member must have length less than or equal to 5"}
	}
	if in.SampleRate == "" {
		in.SampleRate = "24000" // Polly's default, but for the standard engine
		if in.Engine == "standard" {
			in.SampleRate = "22050"
		}
	}
	if !slices.Contains(mp3Rates, in.SampleRate) {
		return "", 0, &apiError{400, "InvalidSampleRateException", "Invalid sample rate: " + in.SampleRate}
	}
	v, ok := s.voice(in.VoiceID)
	switch {
	case !ok:
		return "", 0, &apiError{400, "ValidationException", fmt.Sprintf(
			"1 validation error detected: Value '%s' at 'voiceId' failed to satisfy constraint: Member must satisfy enum value set", in.VoiceID)}
	case !slices.Contains(v.SupportedEngines, in.Engine):
		return "", 0, &apiError{400, "EngineNotSupportedException",
			"This voice does not support the selected engine: " + in.Engine}
	case in.LanguageCode != "" && in.LanguageCode != v.LanguageCode && !slices.Contains(v.AdditionalLanguageCodes, in.LanguageCode):
		return "", 0, &apiError{400, "LanguageNotSupportedException",
			fmt.Sprintf("Voice %s does not speak %s", v.ID, in.LanguageCode)}
	}
	for _, name := range in.LexiconNames {
		if !slices.Contains(s.opt.Lexicons, name) {
			return "", 0, &apiError{400, "LexiconNotFoundException", "Lexicon not found: " + name}
		}
	}
	plain := in.Text
	switch in.TextType {
	case "ssml":
		var err error
		if plain, err = parseSSML(in.Text); err != nil {
			return "", 0, &apiError{400, "InvalidSsmlException", "Invalid SSML request: " + err.Error()}
		}
	case "", "text":
	default:
		return "", 0, &apiError{400, "ValidationException", "TextType must be text or ssml"}
	}
	billed := utf8.RuneCountInString(plain)
	if billed > maxBilled || utf8.RuneCountInString(in.Text) > maxTotal {
		return "", 0, &apiError{400, "TextLengthExceededException", fmt.Sprintf(
			"Maximum text length has been exceeded: %d billed characters (max %d), %d in all (max %d)",
			billed, maxBilled, utf8.RuneCountInString(in.Text), maxTotal)}
	}
	return plain, billed, nil
}

// synthesize speaks plain with espeak-ng and encodes it as Polly would
// send it: MP3 at the requested rate.
func (s *Server) synthesize(r *http.Request, plain, rate string) ([]byte, error) {
	clip, err := s.speech.Synthesize(r.Context(), plain)
	if err != nil {
		return nil, err
	}
	if len(clip.Samples) == 0 {
		clip = audio.Silence(22050, 200*time.Millisecond)
	}
	hz, _ := strconv.Atoi(rate)
	var buf bytes.Buffer
	if _, err := audio.EncodeMP3(&buf, clip, audio.EncodeOptions{Bitrate: 48, SampleRate: hz}, audio.Tags{}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
