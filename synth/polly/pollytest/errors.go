package pollytest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
)

// messages are Polly's usual messages for the errors tests inject.
var messages = map[string]string{
	"ThrottlingException":                 "Rate exceeded",
	"TooManyRequestsException":            "Too many requests",
	"ServiceFailureException":             "An unknown condition has caused a service failure.",
	"ServiceUnavailableException":         "Service unavailable",
	"InvalidSsmlException":                "Invalid SSML request",
	"TextLengthExceededException":         "Maximum text length has been exceeded",
	"UnrecognizedClientException":         "The security token included in the request is invalid.",
	"AccessDeniedException":               "User is not authorized to perform: polly:SynthesizeSpeech",
	"MissingAuthenticationTokenException": "Missing Authentication Token",
}

func newError(status int, errType, msg string) *apiError {
	if msg == "" {
		msg = messages[errType]
	}
	return &apiError{status, errType, msg}
}

// writeError answers as AWS's REST-JSON services do: the code in the
// X-Amzn-ErrorType header and again, with the message, in the body.
func writeError(w http.ResponseWriter, status int, errType, msg string) {
	h := w.Header()
	h.Set("X-Amzn-ErrorType", errType)
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": errType, "message": msg})
}

// checkAuth wants a SigV4 Authorization header scoped to Polly. It does not
// verify the signature: the SDK computes it, and the point is that
// requests are signed at all.
func checkAuth(r *http.Request) *apiError {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return newError(http.StatusForbidden, "MissingAuthenticationTokenException", "")
	}
	scheme, rest, _ := strings.Cut(auth, " ")
	var credential, signedHeaders, signature string
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			signedHeaders = v
		case "Signature":
			signature = v
		}
	}
	scope := strings.Split(credential, "/") // AKID/20240101/eu-west-3/polly/aws4_request
	switch {
	case scheme != "AWS4-HMAC-SHA256" || signedHeaders == "" || signature == "" || len(scope) != 5 ||
		r.Header.Get("X-Amz-Date") == "":
		return newError(http.StatusForbidden, "IncompleteSignatureException", "Authorization header requires SigV4")
	case scope[3] != "polly":
		return newError(http.StatusForbidden, "InvalidSignatureException",
			"Credential should be scoped to correct service: 'polly'.")
	}
	return nil
}

// injected returns the error the test asked for, if any: FailNext, then
// (for speech) a throttling draw.
func (s *Server) injected(speech bool) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failNext) > 0 {
		f := s.failNext[0]
		s.failNext = s.failNext[1:]
		return newError(f.status, f.errType, "")
	}
	if speech && s.throttle > 0 && s.rng.Float64() < s.throttle {
		return newError(http.StatusBadRequest, "ThrottlingException", "")
	}
	return nil
}

func requestID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
