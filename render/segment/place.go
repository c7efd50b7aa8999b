package segment

import "ecouter/audio"

// padToGrid lengthens the pause being added so that the position falls on
// the frame grid: the start of a run (see runs.go), encoded the same
// wherever in the article it lands. A cut still waiting for its context is
// dropped: the run's cut, a little later, replaces it.
func (e *Encoder) padToGrid() {
	e.cut = 0
	if r := (e.gridIn - (e.total+e.delayIn)%e.gridIn) % e.gridIn; r > 0 {
		e.Add(make([]float32, r))
	}
	e.cut = 0
}

// cutRun cuts at the position (on the grid: padToGrid) for the run rec
// that starts there, and starts measuring its loudness on its own.
func (e *Encoder) cutRun(rec *Run) {
	f := (e.total + e.delayIn) / e.gridIn * e.gridFrames
	if f <= e.segStart || e.at(f) != e.total+e.delayIn {
		return // not a run: the record gets no mark and is never reused
	}
	e.cut = f
	e.beginRun(rec, f)
}

// beginRun starts the run rec at frame f, the current position.
func (e *Encoder) beginRun(rec *Run, f int) {
	e.meter.Restart()
	rec.firstStep, rec.at, rec.frame = e.meter.StepCount(), e.total, f
	e.marks = append(e.marks, rec)
}

// markAt returns (and forgets) the run that starts at frame f, if any.
func (e *Encoder) markAt(f int) *Run {
	if len(e.marks) == 0 || e.marks[0].frame != f {
		return nil
	}
	rec := e.marks[0]
	e.marks = e.marks[1:]
	return rec
}

// reuse puts the frames of a run of the previous render (old) in place of
// its audio, right after cutRun(rec): the silence that starts the run is
// what the segment before is encoded with after its end; then the run's
// frames go to the joiner (load, or redo), its loudness steps are counted,
// and the position moves to its end, a cut on the grid. It reports false,
// having changed nothing, if the run cannot be placed here.
func (e *Encoder) reuse(rec, old *Run, load, redo func() (audio.SegmentMP3, error)) bool {
	if len(old.Units) == 0 || len(e.marks) == 0 || e.marks[len(e.marks)-1] != rec || old.Samples%e.gridIn != 0 {
		return false
	}
	cut := e.cut == rec.frame && e.total+old.Units[0].Pause >= e.at(e.cut+e.context)
	follows := e.cut == 0 && e.segStart == rec.frame // another reused run before
	if !cut && !follows {
		return false
	}
	e.feed(make([]float32, old.Units[0].Pause), false)
	if e.cut != 0 || e.segStart != rec.frame || e.markAt(rec.frame) != rec {
		return false // cannot happen: the segment before was dispatched by the feed
	}
	res := make(chan segmentResult, 1)
	res <- segmentResult{load: load, redo: redo, mark: rec}
	e.results <- res
	e.segments++
	e.total = rec.at + old.Samples
	e.segStart = rec.frame + old.Samples/e.gridIn*e.gridFrames
	e.base = e.at(max(0, e.segStart-e.context))
	e.pcm = make([]float32, e.total-e.base) // the silence before the next run
	e.meter.AddSteps(old.Steps)
	e.gap = true
	return true
}

// redo returns what encodes a reused run (old) again from its units'
// samples (unit k of the run: clip(k)), in one segment without the
// reservoir, as it would have sounded: for when its frames cannot be read
// or joined. It runs on the joiner's goroutine, once e has started.
func (e *Encoder) redo(old *Run, clip func(k int) ([]float32, error)) func() (audio.SegmentMP3, error) {
	return func() (audio.SegmentMP3, error) {
		pre := e.at(e.context) - e.delayIn
		post := e.delayIn + e.at(e.context)
		pcm := make([]float32, pre, pre+old.Samples+post)
		for k, ur := range old.Units {
			pcm = append(pcm, make([]float32, ur.Pause)...)
			samples, err := clip(k)
			if err != nil {
				return audio.SegmentMP3{}, err
			}
			// The same length as before whatever the engine gave this
			// time, so the cues and frames stay where they were placed.
			s := samples[:min(len(samples), ur.Len)]
			pcm = append(pcm, s...)
			pcm = append(pcm, make([]float32, ur.Len-len(s))...)
		}
		pcm = append(pcm, make([]float32, old.Tail+post)...)
		seg := audio.Segment{Rate: e.rate, PCM: pcm, Lead: e.context, Keep: old.Frames, NoReservoir: true}
		return audio.EncodeSegment(seg, e.opt)
	}
}
