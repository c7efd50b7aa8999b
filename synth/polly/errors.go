package polly

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"ecouter/synth"
)

// authCodes are the codes AWS answers a request it will not authenticate
// or authorise with: a configuration problem, not one of this text.
var authCodes = map[string]bool{
	"UnrecognizedClientException":         true,
	"InvalidSignatureException":           true,
	"IncompleteSignatureException":        true,
	"MissingAuthenticationTokenException": true,
	"AccessDeniedException":               true,
	"AccessDenied":                        true,
	"ExpiredTokenException":               true,
	"InvalidClientTokenId":                true,
	"SignatureDoesNotMatch":               true,
}

// classify turns what the SDK returned, after its retries, into ecouter's
// vocabulary: a *synth.EngineError wrapping synth.ErrThrottled (throttling,
// 429 and 5xx: try later), synth.ErrUnavailable (credentials, permissions,
// network: someone must fix something) or synth.ErrEngine (Polly refused
// this input: InvalidSsmlException, TextLengthExceededException...). The
// code and message go into the error; the SDK's raw error does not, because
// AWS's signature errors quote the request they signed.
func classify(err error) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		// No answer from Polly: network, endpoint or credentials chain.
		return &synth.EngineError{Backend: "polly", Stderr: err.Error(),
			Err: fmt.Errorf("no answer from Polly: %w: %w", synth.ErrUnavailable, err)}
	}
	code, msg := ae.ErrorCode(), firstLine(ae.ErrorMessage())
	status, requestID := 0, ""
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status, requestID = re.HTTPStatusCode(), re.ServiceRequestID()
	}
	class := synth.ErrEngine
	_, throttle := retry.DefaultThrottleErrorCodes[code]
	switch {
	case throttle, status == http.StatusTooManyRequests, status >= 500:
		class = synth.ErrThrottled
	case authCodes[code], status == http.StatusUnauthorized, status == http.StatusForbidden:
		class = synth.ErrUnavailable
	}
	return &synth.EngineError{Backend: "polly",
		Stderr: fmt.Sprintf("%s (HTTP %d, request %s): %s", code, status, requestID, msg),
		Err:    fmt.Errorf("%s %q: %w", code, msg, class)}
}

// firstLine keeps the gist of an AWS message: signature errors go on with
// the canonical request over many lines.
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}
