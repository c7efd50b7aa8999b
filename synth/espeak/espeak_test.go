package espeak

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"ecouter/audio"
	"ecouter/synth"
)

// These tests run the real espeak-ng: the behaviour under test (accents,
// flags, WAV framing) is espeak-ng's. They fail, never skip, without it.

func newEngine(t testing.TB, opt Options) *Engine {
	t.Helper()
	e, err := New(context.Background(), opt)
	if err != nil {
		t.Fatalf("New(%+v): %v", opt, err)
	}
	return e
}

func speak(t testing.TB, e *Engine, text string) audio.Clip {
	t.Helper()
	clip, err := e.Synthesize(context.Background(), text)
	if err != nil {
		t.Fatalf("Synthesize(%q): %v", text, err)
	}
	return clip
}

func TestSynthesizeFrench(t *testing.T) {
	e := newEngine(t, Options{})
	clip := speak(t, e, "Bonjour, ceci est un essai.")
	if clip.Rate != 22050 {
		t.Errorf("rate = %d, want 22050", clip.Rate)
	}
	if d := clip.Duration(); d < time.Second || d > 4*time.Second {
		t.Errorf("duration = %s, want 1s to 4s", d)
	}
	if peak := peak(clip.Samples); peak < 0.05 || peak > 1 {
		t.Errorf("peak = %.3f, want audible speech within [-1, 1]", peak)
	}
}

func peak(s []float32) float32 {
	var p float32
	for _, v := range s {
		p = max(p, v, -v)
	}
	return p
}

func TestSynthesizeAccents(t *testing.T) {
	e := newEngine(t, Options{})
	accented := speak(t, e, "Il a été à la fête, ça va.")
	plain := speak(t, e, "Il a ete a la fete, sa va.")
	// Read as Latin-1, each accented letter becomes two spelled-out symbols
	// and the sentence more than doubles in length; read as UTF-8 it stays
	// close to its unaccented spelling.
	ratio := accented.Seconds() / plain.Seconds()
	if ratio < 0.8 || ratio > 1.25 {
		t.Errorf("accented/plain duration = %.2f (%.2fs/%.2fs), want about 1: accents misread",
			ratio, accented.Seconds(), plain.Seconds())
	}
	if equalSamples(accented.Samples, plain.Samples) {
		t.Error("accented and plain sentences gave identical audio: accents ignored")
	}
}

func equalSamples(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSynthesizeLeadingDash(t *testing.T) {
	e := newEngine(t, Options{})
	// Were these flags, espeak-ng would print its version or switch to
	// English and the output would not decode, or would not be this voice.
	for _, text := range []string{"--version", "-v en -s 400 Bonjour"} {
		clip := speak(t, e, text)
		if clip.Seconds() < 0.3 {
			t.Errorf("%q: %.2fs of audio, want it spoken", text, clip.Seconds())
		}
	}
}

func TestSynthesizeBlank(t *testing.T) {
	e := newEngine(t, Options{})
	for _, text := range []string{"", "  \n\t "} {
		clip, err := e.Synthesize(context.Background(), text)
		if err != nil {
			t.Fatalf("Synthesize(%q): %v", text, err)
		}
		if len(clip.Samples) != 0 || clip.Rate != 22050 {
			t.Errorf("Synthesize(%q) = %d samples at %d Hz, want empty clip at 22050 Hz",
				text, len(clip.Samples), clip.Rate)
		}
	}
}

func TestNewMissingBinary(t *testing.T) {
	_, err := New(context.Background(), Options{Binary: "/nonexistent/espeak-ng"})
	if !errors.Is(err, synth.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "install the Debian package espeak-ng") {
		t.Errorf("err = %q, want an install hint", err)
	}
}

func TestNewBadVoice(t *testing.T) {
	_, err := New(context.Background(), Options{Voice: "xx-nosuchvoice"})
	if !errors.Is(err, synth.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	var ee *synth.EngineError
	if !errors.As(err, &ee) || !strings.Contains(ee.Stderr, "voice does not exist") {
		t.Errorf("err = %#v, want an EngineError with espeak-ng's complaint in Stderr", err)
	}
}

func TestNewBadOptions(t *testing.T) {
	for _, opt := range []Options{{Speed: 20}, {Pitch: 100}, {Pitch: -1}, {MaxProcs: -2}, {Timeout: -time.Second}} {
		if _, err := New(context.Background(), opt); err == nil {
			t.Errorf("New(%+v) succeeded, want an error", opt)
		}
	}
}

func TestFingerprint(t *testing.T) {
	e := newEngine(t, Options{Voice: "fr-be", Speed: 180, Pitch: 40})
	if !strings.HasPrefix(e.Version(), "espeak-ng 1.") {
		t.Errorf("Version() = %q, want espeak-ng 1.x", e.Version())
	}
	want := e.Version() + "|voice=fr-be|speed=180|pitch=40"
	if got := e.Fingerprint(); got != want {
		t.Errorf("Fingerprint() = %q, want %q", got, want)
	}
	if e.Name() != "espeak" {
		t.Errorf("Name() = %q, want espeak", e.Name())
	}
}

func TestRespellWholeWords(t *testing.T) {
	for in, want := range map[string]string{
		"Joe Biden et Zelensky, l'Uber de Twitter.": "Djo Baïdeune et Zélènnski, l'Oubeur de Twitteur.",
		"Les Teslas, un tesla, Tesla.":              "Les Teslas, un tesla, Tèssla.",
		"« Brexit » (YouTube)":                      "« Brèxite » (Youtioube)",
		"":                                          "",
	} {
		if got := respell(in); got != want {
			t.Errorf("respell(%q) = %q, want %q", in, got, want)
		}
	}
	// Respelling twice changes nothing: the pipeline respells, then
	// Synthesize does.
	for name := range respellings {
		if once := respell(name); respell(once) != once {
			t.Errorf("%s respelled twice gives %q", name, respell(once))
		}
	}
	// Only French voices are respelled.
	if en := newEngine(t, Options{Voice: "en"}); en.Respell("Biden") != "Biden" {
		t.Error("an English voice respelled Biden")
	}
	if fr := newEngine(t, Options{Voice: "fr-be"}); fr.Respell("Biden") != "Baïdeune" {
		t.Error("a French voice did not respell Biden")
	}
}

// Every respelling makes espeak-ng say the name otherwise than it does
// unaided, in French (no switch to its English rules), and a few say what
// French listeners say: baïdeune, zélènnski, brèxite, oubeur.
func TestRespellingsPhonemes(t *testing.T) {
	phonemes := func(text string) string {
		t.Helper()
		cmd := exec.Command("espeak-ng", "-v", "fr", "-q", "-x", "-b", "1")
		cmd.Stdin = strings.NewReader(text)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("espeak-ng -x %q: %v", text, err)
		}
		return strings.TrimSpace(string(out))
	}
	for name, spelled := range respellings {
		before, after := phonemes(name), phonemes(spelled)
		if before == after || strings.Contains(after, "(en)") {
			t.Errorf("%s: espeak-ng says %s unaided and %s respelled %q", name, before, after, spelled)
		}
	}
	for name, want := range map[string]string{"Biden": "baid'Yn", "Zelensky": "zelEnsk'i", "Brexit": "brEks'it", "Uber": "ub'Wr"} {
		if got := phonemes(respellings[name]); got != want {
			t.Errorf("%s respelled: espeak-ng says %s, want %s", name, got, want)
		}
	}
	// And the engine speaks the respelled form.
	e := newEngine(t, Options{})
	if !equalSamples(speak(t, e, "Joe Biden.").Samples, speak(t, e, "Djo Baïdeune.").Samples) {
		t.Error("the engine did not speak Biden respelled")
	}
}

func TestSpeedChangesDuration(t *testing.T) {
	// Proves the options reach the process, not just the Fingerprint.
	text := "Le conseil municipal a voté le budget."
	slow := speak(t, newEngine(t, Options{Speed: 120}), text)
	fast := speak(t, newEngine(t, Options{Speed: 300}), text)
	if fast.Seconds() >= 0.7*slow.Seconds() {
		t.Errorf("speed 300 gave %.2fs, speed 120 %.2fs: want clearly shorter", fast.Seconds(), slow.Seconds())
	}
}

func TestParseVersion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/x86_64-linux-gnu/espeak-ng-data\n", "espeak-ng 1.51"},
		{"eSpeak NG text-to-speech: 1.52-dev  Data at: /x\n", "espeak-ng 1.52-dev"},
		{"something else 2.0\nmore\n", "something else 2.0"},
	}
	for _, tt := range tests {
		if got := parseVersion([]byte(tt.in)); got != tt.want {
			t.Errorf("parseVersion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
