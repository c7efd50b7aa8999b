package main

import (
	"fmt"
	"strings"
)

// cell escapes the pipes of a table cell ("espeak-ng | lame").
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// row is one line of the table: an ecouter measure, its reference (the
// best of refs when there are several) and the goal on their ratio.
type row struct {
	figure string
	mine   string   // key of ecouter's runs
	refs   []string // keys of the references' runs; the best one is used
	names  []string // how each reference is shown
	higher bool     // a higher value is better (throughput), else lower (time)
	// choose, when set, holds the keys that pick the best reference (one
	// per ref), so MB/s is compared with the nginx that was best in req/s.
	choose []string
	goal   string
	// met tells whether the ratio meets the goal; nil: no goal.
	met func(ratio float64) bool
	// max, when set, is a goal on ecouter's own figure (a memory budget):
	// met when its median is at most max.
	max float64
}

var rows = []row{
	{figure: "full render of tramway-nantes, wall s (fresh store)", mine: "render.ecouter.wall",
		refs: []string{"render.pipeline.wall"}, names: []string{"espeak-ng | lame pipeline"},
		goal: "ratio ≤ 0.50 (issue 15)", met: func(r float64) bool { return r <= 0.5 }},
	{figure: "full render, cores busy (CPU s / wall s)", mine: "render.ecouter.cores",
		refs: []string{"render.pipeline.cores"}, names: []string{"espeak-ng | lame pipeline"}, higher: true},
	{figure: "re-render after a one-sentence edit, wall s", mine: "edit.rerender.wall",
		refs: []string{"edit.full.wall"}, names: []string{"full render (the article new to the store)"},
		goal: "ratio ≤ 0.15 (issue 15)", met: func(r float64) bool { return r <= 0.15 }},
	{figure: "full render, CPU s (user+system, children included)", mine: "render.ecouter.cpu",
		refs: []string{"render.pipeline.cpu"}, names: []string{"espeak-ng | lame pipeline"}},
	{figure: "full render, x real time (each its own audio length)", mine: "render.ecouter.xrt",
		refs: []string{"render.pipeline.xrt"}, names: []string{"espeak-ng | lame pipeline"}, higher: true},
	{figure: "MP3 encoding of a 10-min WAV, s", mine: "encode.ecouter.wall",
		refs: []string{"encode.lame_norg.wall"}, names: []string{"lame --noreplaygain"},
		goal: "ratio ≤ 1.10", met: func(r float64) bool { return r <= 1.10 }},
	{figure: "MP3 encoding of a 10-min WAV, s", mine: "encode.ecouter.wall",
		refs: []string{"encode.lame.wall"}, names: []string{"lame (default: ReplayGain)"},
		goal: "ratio ≤ 1.10", met: func(r float64) bool { return r <= 1.10 }},
	{figure: "MP3 encoding of a 10-min WAV, CPU s", mine: "encode.ecouter.cpu",
		refs: []string{"encode.lame_norg.cpu"}, names: []string{"lame --noreplaygain"},
		goal: "ratio ≤ 1.10", met: func(r float64) bool { return r <= 1.10 }},
	{figure: "MP3 encoding, x real time", mine: "encode.ecouter.xrt",
		refs: []string{"encode.lame_norg.xrt"}, names: []string{"lame --noreplaygain"}, higher: true},
	{figure: "loudness of a 10-min WAV, s", mine: "loudness.ecouter.wall",
		refs: []string{"loudness.ffmpeg.wall"}, names: []string{"ffmpeg -af ebur128"}},
	{figure: "loudness of a 10-min WAV, CPU s", mine: "loudness.ecouter.cpu",
		refs: []string{"loudness.ffmpeg.cpu"}, names: []string{"ffmpeg -af ebur128"}},
	{figure: "integrated loudness, LUFS", mine: "loudness.ecouter.lufs",
		refs: []string{"loudness.ffmpeg.lufs"}, names: []string{"ffmpeg -af ebur128"},
		goal: "agree within 0.2 LU (see difference row)"},
	{figure: "loudness difference ecouter − ffmpeg, LU", mine: "loudness.diff",
		goal: "|diff| ≤ 0.2 LU"},
	{figure: "cached MP3, full file, req/s", mine: "serve.full.ecouter.rps",
		refs:   []string{"serve.full.nginx_copy.rps", "serve.full.nginx_sendfile.rps"},
		names:  []string{"nginx sendfile off", "nginx sendfile on, tcp_nopush on"},
		higher: true, goal: "ratio ≥ 0.80", met: func(r float64) bool { return r >= 0.8 }},
	{figure: "cached MP3, full file, MB/s", mine: "serve.full.ecouter.mbs",
		refs:   []string{"serve.full.nginx_copy.mbs", "serve.full.nginx_sendfile.mbs"},
		names:  []string{"nginx sendfile off", "nginx sendfile on, tcp_nopush on"},
		choose: []string{"serve.full.nginx_copy.rps", "serve.full.nginx_sendfile.rps"},
		higher: true, goal: "ratio ≥ 0.80", met: func(r float64) bool { return r >= 0.8 }},
	{figure: "cached MP3, Range bytes=100000-199999, req/s", mine: "serve.range.ecouter.rps",
		refs: []string{"serve.range.nginx.rps"}, names: []string{"nginx sendfile on, tcp_nopush off"},
		higher: true, goal: "ratio ≥ 0.60 (issue 15: the net/http ceiling)", met: func(r float64) bool { return r >= 0.6 }},
	{figure: "cached MP3, Range, MB/s", mine: "serve.range.ecouter.mbs",
		refs: []string{"serve.range.nginx.mbs"}, names: []string{"nginx sendfile on, tcp_nopush off"},
		higher: true, goal: "ratio ≥ 0.60 (issue 15)", met: func(r float64) bool { return r >= 0.6 }},
	{figure: "cached MP3, Range, req/s, against the net/http ceiling", mine: "serve.range.ecouter.rps",
		refs: []string{"serve.range.nethttp.rps"}, names: []string{"bare net/http, http.ServeContent"}, higher: true},
	{figure: "net/http ceiling: bare net/http, Range, req/s", mine: "serve.range.nethttp.rps",
		refs: []string{"serve.range.nginx.rps"}, names: []string{"nginx sendfile on, tcp_nopush off"}, higher: true},
	{figure: "Range, median latency ms (nginx must be < 1 ms to trust the ratio)", mine: "serve.range.ecouter.p50ms",
		refs: []string{"serve.range.nginx.p50ms"}, names: []string{"nginx sendfile on, tcp_nopush off"}},
	{figure: "first play of tramway-nantes: first audio byte, s", mine: "ttfb.first",
		refs: []string{"ttfb.total"}, names: []string{"complete file, s"},
		goal: "ratio < 0.10", met: func(r float64) bool { return r < 0.10 }},
	{figure: "GET /feed.xml, 100 items, req/s", mine: "feed.ecouter.rps",
		refs: []string{"feed.nginx.rps"}, names: []string{"nginx, same XML as a static file"},
		higher: true, goal: "ratio ≥ 0.80 (the cached-serving goal)", met: func(r float64) bool { return r >= 0.8 }},
	{figure: "GET /feed.xml, 100 items, gzip, req/s", mine: "feed_gz.ecouter.rps",
		refs: []string{"feed_gz.nginx.rps"}, names: []string{"nginx, same gzipped bytes as a static file"},
		higher: true, goal: "ratio ≥ 0.80 (issue 15)", met: func(r float64) bool { return r >= 0.8 }},
	{figure: "GET /feed.xml, req/s, against the net/http ceiling", mine: "feed.ecouter.rps",
		refs: []string{"feed.nethttp.rps"}, names: []string{"bare net/http, http.ServeContent"}, higher: true},
	{figure: "net/http ceiling: bare net/http, feed XML, req/s", mine: "feed.nethttp.rps",
		refs: []string{"feed.nginx.rps"}, names: []string{"nginx, same XML as a static file"}, higher: true},
	{figure: "GET /feed.xml, gzip, req/s, against the net/http ceiling", mine: "feed_gz.ecouter.rps",
		refs: []string{"feed_gz.nethttp.rps"}, names: []string{"bare net/http, http.ServeContent"}, higher: true},
	{figure: "net/http ceiling: bare net/http, gzipped feed, req/s", mine: "feed_gz.nethttp.rps",
		refs: []string{"feed_gz.nginx.rps"}, names: []string{"nginx, same gzipped bytes as a static file"}, higher: true},
	{figure: "peak RSS, 20 concurrent renders of long articles, MB", mine: "mem.renders.hwm"},
	{figure: "peak RSS per concurrent render, MB ((peak − idle) / 20)", mine: "mem.renders.per",
		refs: []string{"mem.pcm"}, names: []string{"PCM of one article (float32)"},
		goal: "ratio ≤ 1.00", met: func(r float64) bool { return r <= 1.0 }},
	{figure: "peak RSS, 500 slow downloads (16 KB/s) of the cached MP3, MB", mine: "mem.slow.hwm"},
	{figure: "peak RSS above idle, `ecouter render` of a long article (fresh store), MB", mine: "mem.one.long.above",
		refs: []string{"mem.one.long.pcm"}, names: []string{"PCM of the article (float32)"},
		goal: "≤ 60 MB (issue 10)", max: 60},
	{figure: "peak RSS above idle, `ecouter render` of one sentence of 12,000 words, MB", mine: "mem.one.sentence.above",
		refs: []string{"mem.one.sentence.pcm"}, names: []string{"PCM of the article (float32)"},
		goal: "≤ 80 MB (issue 10)", max: 80},
	{figure: "peak RSS above idle, `ecouter render` of 3,000 short sentences, MB", mine: "mem.one.short.above",
		refs: []string{"mem.one.short.pcm"}, names: []string{"PCM of the article (float32)"},
		goal: "≤ 80 MB (issue 10)", max: 80},
	{figure: "store after the 5 samples, each edited and rendered again, MB", mine: "store.capped.mb",
		refs: []string{"store.uncapped.mb"}, names: []string{"same, no caps (KEEP_PREVIOUS 1h, no cache cap)"},
		goal: "smaller with the caps", met: func(r float64) bool { return r < 1.0 }},
}

func (r row) line(runs map[string][]float64) (string, bool) {
	mine, ok := summarise(runs[r.mine])
	if !ok {
		return "", false
	}
	ref, name, found := stat{}, "—", false
	best := stat{}
	for i, k := range r.refs {
		s, ok := summarise(runs[k])
		if !ok {
			continue
		}
		by := s
		if r.choose != nil {
			if by, ok = summarise(runs[r.choose[i]]); !ok {
				continue
			}
		}
		better := by.med < best.med
		if r.higher {
			better = by.med > best.med
		}
		if !found || better {
			ref, best, name, found = s, by, r.names[i], true
		}
	}
	refText, ratio, verdict := "—", "—", "—"
	if found {
		refText = ref.String()
		if ref.med != 0 {
			q := mine.med / ref.med
			ratio = fmt.Sprintf("%.2f", q)
			if r.met != nil {
				verdict = "**no**"
				if r.met(q) {
					verdict = "yes"
				}
			}
		}
	}
	if r.max > 0 {
		verdict = "**no**"
		if mine.med <= r.max {
			verdict = "yes"
		}
	}
	if r.mine == "loudness.diff" {
		verdict = "**no**"
		if mine.lo >= -0.2 && mine.hi <= 0.2 {
			verdict = "yes"
		}
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |", cell(r.figure), mine, cell(name), refText, ratio, cell(r.goalText()), verdict), true
}

func (r row) goalText() string {
	if r.goal == "" {
		return "—"
	}
	return r.goal
}
