package audio

import "errors"

// Sentinel errors; callers test them with errors.Is, the wrapping error
// carries the details.
var (
	// ErrEmpty reports input with no audio: an empty stream, or a clip
	// without samples where samples are required.
	ErrEmpty = errors.New("audio: empty input")
	// ErrNotWAV reports input that is not a RIFF/WAVE stream.
	ErrNotWAV = errors.New("audio: not a WAV stream")
	// ErrUnsupported reports a valid stream in a format this package does not
	// decode (e.g. 24-bit or float WAV, more than two channels).
	ErrUnsupported = errors.New("audio: unsupported format")
	// ErrRate reports a missing or mismatched sample rate.
	ErrRate = errors.New("audio: bad sample rate")
)
