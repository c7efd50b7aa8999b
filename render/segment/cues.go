package segment

import "math"

// Cue is one sentence of the previous render as its manifest times it.
type Cue struct {
	Text       string
	Start, End float64 // seconds
}

// sentenceSpan is one sentence of a run: its text and length in samples,
// pieces and the breaths between them.
type sentenceSpan struct {
	text    string
	samples int
}

// sentences lists the sentences of the run from unit i as rec has them.
func (r Rules) sentences(i int, rec *Run) []sentenceSpan {
	var out []sentenceSpan
	for k, ur := range rec.Units {
		u := r.us[i+k]
		if u.First {
			out = append(out, sentenceSpan{text: u.Text, samples: ur.Len})
			continue
		}
		out[len(out)-1].samples += ur.Pause + ur.Len
	}
	return out
}

// cueIndex finds runs of sentences in the previous render's cues.
type cueIndex struct {
	cues   []Cue
	rate   int
	byText map[string][]int
}

func newCueIndex(cues []Cue, rate int) cueIndex {
	x := cueIndex{cues: cues, rate: rate, byText: map[string][]int{}}
	for k, c := range cues {
		x.byText[c.Text] = append(x.byText[c.Text], k)
	}
	return x
}

// has reports whether the cues hold these sentences in a row, each as
// long (to a sample) as said.
func (x cueIndex) has(ss []sentenceSpan) bool {
	if len(ss) == 0 {
		return false
	}
next:
	for _, at := range x.byText[ss[0].text] {
		if at+len(ss) > len(x.cues) {
			continue
		}
		for k, s := range ss {
			c := x.cues[at+k]
			if c.Text != s.text || math.Abs((c.End-c.Start)*float64(x.rate)-float64(s.samples)) > 1 {
				continue next
			}
		}
		return true
	}
	return false
}
