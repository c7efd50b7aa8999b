package polly

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/polly"
	"github.com/aws/aws-sdk-go-v2/service/polly/types"

	"ecouter/synth"
)

// Voice is one Polly voice as DescribeVoices lists it.
type Voice struct {
	ID       string   // what requests name: "Lea"
	Name     string   // what people read: "Léa"
	Gender   string   // "Female" or "Male"
	Language string   // the voice's own language code, e.g. "fr-FR"
	Engines  []string // e.g. ["standard", "neural", "generative"]
}

func (v Voice) String() string {
	return fmt.Sprintf("%s (%s)", v.ID, strings.Join(v.Engines, ", "))
}

// Voices lists the voices that speak the Engine's language, bilingual
// voices included, sorted by ID.
func (e *Engine) Voices(ctx context.Context) ([]Voice, error) {
	return describeVoices(ctx, e.client, e.opt.LanguageCode)
}

// ListVoices is Voices without an Engine, for a command that lists voices
// when the configured one is wrong. An empty languageCode lists them all.
func ListVoices(ctx context.Context, cfg aws.Config, languageCode string) ([]Voice, error) {
	client := polly.NewFromConfig(cfg, func(o *polly.Options) { o.RetryMaxAttempts = startAttempts })
	return describeVoices(ctx, client, languageCode)
}

func describeVoices(ctx context.Context, client api, languageCode string, optFns ...func(*polly.Options)) ([]Voice, error) {
	in := &polly.DescribeVoicesInput{
		LanguageCode:                   types.LanguageCode(languageCode),
		IncludeAdditionalLanguageCodes: languageCode != "",
	}
	var voices []Voice
	for {
		out, err := client.DescribeVoices(ctx, in, optFns...)
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("polly: describe voices: %w", ctx.Err())
			}
			return nil, fmt.Errorf("describe voices: %w", classify(err))
		}
		for _, v := range out.Voices {
			voices = append(voices, toVoice(v))
		}
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	slices.SortFunc(voices, func(a, b Voice) int { return strings.Compare(a.ID, b.ID) })
	return voices, nil
}

func toVoice(v types.Voice) Voice {
	out := Voice{ID: string(v.Id), Name: aws.ToString(v.Name), Gender: string(v.Gender),
		Language: string(v.LanguageCode)}
	for _, en := range v.SupportedEngines {
		out.Engines = append(out.Engines, string(en))
	}
	return out
}

// checkVoice finds the configured voice by ID or name, in any case, and
// records Polly's spelling of its ID, which requests and the Fingerprint use.
func (e *Engine) checkVoice(ctx context.Context) error {
	voices, err := describeVoices(ctx, e.client, e.opt.LanguageCode, func(o *polly.Options) {
		o.RetryMaxAttempts = startAttempts
	})
	if err != nil {
		return err
	}
	i := slices.IndexFunc(voices, func(v Voice) bool {
		return strings.EqualFold(v.ID, e.opt.Voice) || strings.EqualFold(v.Name, e.opt.Voice)
	})
	if i < 0 {
		return fmt.Errorf("polly: no voice %q for %s; %s: %w",
			e.opt.Voice, e.opt.LanguageCode, listing(e.opt.LanguageCode, voices), synth.ErrUnavailable)
	}
	v := voices[i]
	if !slices.Contains(v.Engines, e.opt.Engine) {
		return fmt.Errorf("polly: voice %s does not support engine %s; %s: %w",
			v.ID, e.opt.Engine, listing(e.opt.LanguageCode, voices), synth.ErrUnavailable)
	}
	e.opt.Voice = v.ID
	return nil
}

// listing reads "voices for fr-FR: Celine (standard), Lea (standard, neural)".
func listing(languageCode string, voices []Voice) string {
	if len(voices) == 0 {
		return "Polly lists no voice for " + languageCode
	}
	names := make([]string, len(voices))
	for i, v := range voices {
		names[i] = v.String()
	}
	return "voices for " + languageCode + ": " + strings.Join(names, ", ")
}
