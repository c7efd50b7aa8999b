package polly

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/polly"
	"github.com/aws/aws-sdk-go-v2/service/polly/types"

	"ecouter/audio"
	"ecouter/script"
	"ecouter/synth"
)

// Polly's limits for one SynthesizeSpeech request: characters billed (the
// text, tags excluded) and characters in all.
const (
	MaxBilled = 3000
	MaxTotal  = 6000
)

// pieceLimit is where an over-long sentence is cut, a margin under
// MaxBilled in case Polly counts a character differently from a rune.
const pieceLimit = 2900

// Synthesize speaks one sentence of plain text and returns mono PCM at the
// configured sample rate. A sentence over Polly's limits is cut at its
// strongest pauses (script.Chunk) and its pieces spoken in order, their PCM
// joined. Text that is empty or only white space gives an empty clip
// without a request.
//
// Errors are *synth.EngineError wrapping synth.ErrThrottled (still
// throttled after MaxAttempts), synth.ErrEngine (Polly refused the input;
// the code and message are in the error) or synth.ErrUnavailable. If ctx
// ends first, the error wraps ctx.Err().
func (e *Engine) Synthesize(ctx context.Context, text string) (audio.Clip, error) {
	pieces, err := split(text)
	if err != nil {
		return audio.Clip{}, &synth.EngineError{Backend: e.Name(), Err: fmt.Errorf("%w: %w", err, synth.ErrEngine)}
	}
	clips := make([]audio.Clip, 0, len(pieces))
	for _, ssml := range pieces {
		c, err := e.speak(ctx, ssml)
		if err != nil {
			return audio.Clip{}, err
		}
		clips = append(clips, c)
	}
	clip, err := audio.Concat(clips...)
	if err != nil {
		return audio.Clip{}, fmt.Errorf("polly: join pieces: %w", err)
	}
	clip.Rate = e.opt.SampleRate // also for the empty clip
	return clip, nil
}

// speak sends one SSML document and decodes the answer.
func (e *Engine) speak(ctx context.Context, ssml string) (audio.Clip, error) {
	// Checked first because select picks at random when ctx is done and a
	// slot is free too.
	if err := ctx.Err(); err != nil {
		return audio.Clip{}, fmt.Errorf("polly: synthesize: %w", err)
	}
	// The slot is held through the SDK's retries and until the audio is
	// read: Polly counts a request as in flight until its stream is done.
	select {
	case e.slots <- struct{}{}:
		defer func() { <-e.slots }()
	case <-ctx.Done():
		return audio.Clip{}, fmt.Errorf("polly: wait for a free request slot: %w", ctx.Err())
	}
	out, err := e.client.SynthesizeSpeech(ctx, &polly.SynthesizeSpeechInput{
		Text:         aws.String(ssml),
		TextType:     types.TextTypeSsml,
		OutputFormat: types.OutputFormatMp3,
		SampleRate:   aws.String(strconv.Itoa(e.opt.SampleRate)),
		Engine:       types.Engine(e.opt.Engine),
		VoiceId:      types.VoiceId(e.opt.Voice),
		LanguageCode: types.LanguageCode(e.opt.LanguageCode),
		LexiconNames: e.opt.Lexicons,
	})
	if err != nil {
		if ctx.Err() != nil {
			return audio.Clip{}, fmt.Errorf("polly: synthesize: %w", ctx.Err())
		}
		return audio.Clip{}, classify(err)
	}
	defer out.AudioStream.Close()
	// Billed as soon as Polly answered, even if reading the audio fails.
	chars := int64(out.RequestCharacters)
	e.characters.Add(chars)
	e.requests.Add(1)
	synth.AddUsage(ctx, chars)

	clip, err := audio.DecodeMP3(out.AudioStream)
	switch {
	case err != nil && ctx.Err() != nil:
		return audio.Clip{}, fmt.Errorf("polly: read audio: %w", ctx.Err())
	case errors.Is(err, audio.ErrEmpty):
		// Polly answers a text of punctuation alone with no frames.
		return audio.Clip{Rate: e.opt.SampleRate}, nil
	case err != nil:
		return audio.Clip{}, &synth.EngineError{Backend: e.Name(),
			Err: fmt.Errorf("decode Polly's MP3: %w: %w", err, synth.ErrEngine)}
	case clip.Rate != e.opt.SampleRate:
		// The Fingerprint promises this rate to the sentence cache.
		return audio.Clip{}, &synth.EngineError{Backend: e.Name(),
			Err: fmt.Errorf("got %d Hz audio from Polly, asked for %d Hz: %w", clip.Rate, e.opt.SampleRate, synth.ErrEngine)}
	}
	return clip, nil
}

// split turns a sentence into SSML documents each within Polly's limits,
// cutting it with script.Chunk when it is too long, and more finely when
// escaping makes a piece exceed MaxTotal (a text full of "&").
func split(text string) ([]string, error) {
	for limit := pieceLimit; limit >= 100; limit /= 2 {
		chunks := script.Chunk(text, limit)
		docs := make([]string, len(chunks))
		fits := true
		for i, c := range chunks {
			docs[i] = SSML(c)
			if n := len([]rune(c)); n > MaxBilled {
				return nil, fmt.Errorf("a word of %d characters cannot be cut under Polly's limit of %d", n, MaxBilled)
			}
			fits = fits && len([]rune(docs[i])) <= MaxTotal
		}
		if fits {
			return docs, nil
		}
	}
	return nil, errors.New("text cannot be cut under Polly's limits once escaped")
}
