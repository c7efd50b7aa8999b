#!/usr/bin/env bash
# bench/run.sh: every speed and memory figure of ecouter measured against a
# reference in the same run (issue 7), written to BENCHMARKS.md.
#
# Usage: bench/run.sh            (or make bench)
# Environment:
#   BENCH_RUNS=3          runs of each timed benchmark (alternated with the reference)
#   BENCH_WRK_SECONDS=10  length of each wrk run
#   BENCH_ONLY="..."      only these sections: render encode loudness ttfb serve feed memory store gobench profile
#   BENCH_OUT=BENCHMARKS.md
#   BENCH_KEEP=1          keep the work directory (logs, profiles, raw figures)
# Only loopback addresses are used; every loop is bounded; processes started
# here are ended by their PID.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"

RUNS=${BENCH_RUNS:-3}
WRK_SECONDS=${BENCH_WRK_SECONDS:-10}
ONLY=${BENCH_ONLY:-render encode loudness ttfb serve feed memory store gobench profile}
OUT=${BENCH_OUT:-BENCHMARKS.md}
GO=${GO:-go}
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
START=$SECONDS

# The benchmarks choose their own configuration.
for v in $(compgen -e | grep '^ECOUTER_' || true); do unset "$v"; done

W=$(mktemp -d "${TMPDIR:-/tmp}/ecouter-bench.XXXXXX")
chmod 755 "$W"
cleanup() {
	stop_all
	if [ "${BENCH_KEEP:-}" = 1 ]; then say "work directory kept: $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
: >"$W/results.tsv"
: >"$W/meta.tsv"
: >"$W/notes.md"

want() { [[ " $ONLY " == *" $1 "* ]]; }

# --- setup ---------------------------------------------------------------
install_missing wrk nginx hyperfine lame espeak-ng ffmpeg libmp3lame-dev curl time
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"

say "building"
mkdir -p bin "$W/bin"
"$GO" build -o bin/ecouter ./cmd/ecouter
ECOUTER=$ROOT/bin/ecouter
for t in encode loudness slowclients articles report bareserve; do
	"$GO" build -o "$W/bin/$t" "./bench/cmd/$t"
done

PORT=$(free_port 18480)
NG_COPY=$(free_port $((PORT + 1)))
NG_SENDFILE=$(free_port $((NG_COPY + 1)))
NG_RANGE=$(free_port $((NG_SENDFILE + 1)))
BARE=$(free_port $((NG_RANGE + 1)))

fact date "$(date -u '+%Y-%m-%d %H:%M UTC')"
fact commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- . ':!BENCHMARKS.md' 2>/dev/null || echo ' (with local changes)')"
fact cpu "$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
fact cores "$(nproc)"
fact memory "$(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
fact go "$("$GO" version | awk '{ print $3 }')"
fact command "\`BENCH_RUNS=$RUNS BENCH_WRK_SECONDS=$WRK_SECONDS bench/run.sh\`${MAKELEVEL:+ (from make bench)}"
fact runs "$RUNS of each timed figure, ecouter and its reference alternated; wrk ${WRK_SECONDS} s per run; memory figures 1 run"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# The 10,000-character sample, as the sentences ecouter reads.
"$ECOUTER" script tramway-nantes | cut -f2- >"$W/text.txt"
CHARS=$(wc -m <"$W/text.txt")

# --- full render ----------------------------------------------------------
if want render; then
	say "full render of tramway-nantes ($CHARS characters), $RUNS runs"
	HF_OPTS=(--prepare "rm -rf '$W/rstore'; mkdir -p '$W/rstore'")
	for i in $(seq "$RUNS"); do
		timed "render.ecouter=ECOUTER_STORE='$W/rstore' ECOUTER_LOG_LEVEL=warn '$ECOUTER' render -o '$W/render.mp3' tramway-nantes" \
			"render.pipeline=espeak-ng -v fr --stdout < '$W/text.txt' | lame -b 64 --resample 44.1 - '$W/pipeline.mp3'"
		record render.ecouter.xrt "$(awk -v d="$(duration "$W/render.mp3")" -v t="$(last render.ecouter.wall)" 'BEGIN { print d / t }')"
		record render.pipeline.xrt "$(awk -v d="$(duration "$W/pipeline.mp3")" -v t="$(last render.pipeline.wall)" 'BEGIN { print d / t }')"
		for k in ecouter pipeline; do
			record "render.$k.cores" "$(awk -v c="$(last "render.$k.cpu")" -v t="$(last "render.$k.wall")" 'BEGIN { printf "%.2f\n", c / t }')"
		done
	done
	HF_OPTS=()
	# An edit of one sentence, rendered again into the store of a full
	# render, against that full render.
	say "one-sentence edit of tramway-nantes, $RUNS runs"
	mkdir -p "$W/edit"
	cp samples/articles/tramway-nantes.json "$W/edit/tramway-nantes.json"
	for i in $(seq "$RUNS"); do
		rm -rf "$W/estore"
		cp samples/articles/tramway-nantes.json "$W/edit/tramway-nantes.json"
		# A store past its first render: its loudness calibration is
		# measured (a fresh store's first render measures it, and renders
		# levelled before and after it are not mixed).
		cp samples/articles/budget-municipal.json "$W/edit/budget-municipal.json"
		ECOUTER_STORE="$W/estore" ECOUTER_ARTICLES="dir:$W/edit" ECOUTER_LOG_LEVEL=warn "$ECOUTER" render budget-municipal >/dev/null 2>&1
		timed "edit.full=ECOUTER_STORE='$W/estore' ECOUTER_ARTICLES='dir:$W/edit' ECOUTER_LOG_LEVEL=warn '$ECOUTER' render tramway-nantes"
		sed -i "s/Après quatre ans de travaux/Après quatre longues années de travaux (edit $i)/" "$W/edit/tramway-nantes.json"
		timed "edit.rerender=ECOUTER_STORE='$W/estore' ECOUTER_ARTICLES='dir:$W/edit' ECOUTER_LOG_LEVEL=warn '$ECOUTER' render tramway-nantes"
		record edit.reused "$(grep -o '"reused_sentences": [0-9]*' "$W/estore/articles/tramway-nantes/manifest.json" | grep -o '[0-9]*$' || echo 0)"
	done
	note "One-sentence edit: \`ecouter render tramway-nantes\` into a fresh store where only budget-municipal was rendered before, untimed, so that the loudness calibration is measured (the full render), then again after one sentence of its first paragraph is changed (\`sed\` on the article's JSON, read with ECOUTER_ARTICLES=dir:), timed against the full render of the same run. The re-render takes the frames of the runs of sentences the edit left unchanged from the previous MP3 (ECOUTER_SEGMENT_REUSE, on by default): $(last edit.reused) of the article's sentences on the last run."
	note "Full render: \`ecouter render -o out.mp3 tramway-nantes\` with a fresh ECOUTER_STORE each run (no sentence cache) against \`espeak-ng -v fr --stdout < text | lame -b 64 --resample 44.1 - out.mp3\` on the same $CHARS characters (the sentences of \`ecouter script tramway-nantes\`). Audio: ecouter $(printf '%.0f' "$(duration "$W/render.mp3")") s (165 words/min, pauses), pipeline $(printf '%.0f' "$(duration "$W/pipeline.mp3")") s (espeak's default 175 words/min, no pauses), hence x real time is given per side and the goal is on wall time."
fi

# --- a 10-minute WAV, for the encoder and the meter ------------------------
if want encode || want loudness; then
	say "making a 10-minute WAV with espeak-ng"
	cat "$W/text.txt" "$W/text.txt" >"$W/text2.txt"
	espeak-ng -v fr -w "$W/speech.wav" -f "$W/text2.txt"
	ffmpeg -nostdin -v error -y -i "$W/speech.wav" -t 600 -ac 1 -c:a pcm_s16le "$W/ten.wav"
	rm -f "$W/speech.wav"
	WAV_SECONDS=$(duration "$W/ten.wav")
fi

if want encode; then
	say "MP3 encoding of ${WAV_SECONDS%.*} s, $RUNS runs"
	lame_args="--silent -b 64 --resample 44.1 -m m -q 3"
	for i in $(seq "$RUNS"); do
		timed "encode.ecouter='$W/bin/encode' -in '$W/ten.wav' -o '$W/enc-ecouter.mp3'" \
			"encode.lame_norg=lame $lame_args --noreplaygain '$W/ten.wav' '$W/enc-lame.mp3'" \
			"encode.lame=lame $lame_args '$W/ten.wav' '$W/enc-lame-rg.mp3'"
		for k in ecouter lame_norg lame; do
			record "encode.$k.xrt" "$(awk -v d="$WAV_SECONDS" -v t="$(last "encode.$k.wall")" 'BEGIN { print d / t }')"
		done
	done
	note "MP3 encoding: \`bench/cmd/encode\` (audio.DecodeWAV + audio.EncodeMP3 with default options: 64 kbps CBR, mono, 44.1 kHz, -q 3, ID3 tag, Info header) against \`lame $lame_args [--noreplaygain] in.wav out.mp3\` on the same ${WAV_SECONDS%.*}-second espeak-ng WAV (22,050 Hz); whole processes, reading the WAV and writing the MP3 included. The goal is on \`--noreplaygain\`, which does the same work; plain \`lame\` also runs its ReplayGain analysis."
fi

# --- loudness meter ---------------------------------------------------------
if want loudness; then
	say "loudness measurement, $RUNS runs"
	for i in $(seq "$RUNS"); do
		timed "loudness.ecouter='$W/bin/loudness' '$W/ten.wav'" \
			"loudness.ffmpeg=ffmpeg -nostdin -nostats -hide_banner -i '$W/ten.wav' -af ebur128 -f null -"
	done
	mine=$("$W/bin/loudness" "$W/ten.wav")
	ref=$(ffmpeg -nostdin -nostats -hide_banner -i "$W/ten.wav" -af ebur128 -f null - 2>&1 |
		awk '$1 == "I:" { v = $2 } END { print v }')
	record loudness.ecouter.lufs "$mine"
	record loudness.ffmpeg.lufs "$ref"
	record loudness.diff "$(awk -v a="$mine" -v b="$ref" 'BEGIN { printf "%.2f\n", a - b }')"
	say "loudness: ecouter $mine LUFS, ffmpeg $ref LUFS"
	note "Loudness: \`bench/cmd/loudness\` (audio.DecodeWAV + audio.Loudness) against \`ffmpeg -af ebur128\` on the same WAV: ecouter $mine LUFS, ffmpeg $ref LUFS (ffmpeg prints one decimal)."
fi

# --- first play: time to first audio byte ------------------------------------
# Also leaves a store with the rendered sample for the serving benchmarks.
STORE=$W/store
URL=http://127.0.0.1:$PORT/v1/articles/tramway-nantes/audio.mp3
render_store() {
	rm -rf "$STORE"
	start_ecouter "$PORT" "$STORE"
	curl -sf -o "$W/first.mp3" -w '%{time_starttransfer} %{time_total}\n' "$URL" >"$W/ttfb.txt"
	stop "$EPID"
}
if want ttfb; then
	say "first play of tramway-nantes, $RUNS runs"
	for i in $(seq "$RUNS"); do
		render_store
		read -r first total <"$W/ttfb.txt"
		record ttfb.first "$first"
		record ttfb.total "$total"
		say "first byte ${first} s, complete ${total} s, $(stat -c %s "$W/first.mp3") bytes"
	done
	timings=$(tr -d ' \n' <"$STORE/articles/tramway-nantes/manifest.json" | grep -o '"timings":{[^}]*}' || true)
	note "First play: a fresh store and a fresh \`ecouter serve\` each run, one \`curl -w '%{time_starttransfer} %{time_total}'\` of the article's audio.mp3 (streamed while it renders). The last render's work by stage, in CPU-seconds summed over sentences (they overlap): \`$timings\`."
elif want serve || want memory; then
	render_store
fi

# --- cached serving: ecouter against nginx ------------------------------------
MP3=$(find "$STORE" -path '*/tramway-nantes/*.mp3' 2>/dev/null | head -1 || true)
WWW=$W/www
mkdir -p "$WWW"
[ -n "$MP3" ] && ln -f "$MP3" "$WWW/audio.mp3"

if want serve; then
	say "cached serving, $RUNS × 5 wrk runs of ${WRK_SECONDS} s"
	printf 'wrk.headers["Range"] = "bytes=100000-199999"\n' >"$W/range.lua"
	start_ecouter "$PORT" "$STORE"
	start_nginx "$WWW"
	start_bare "$WWW"
	for u in "$URL" "http://127.0.0.1:$NG_COPY/audio.mp3" "http://127.0.0.1:$BARE/audio.mp3"; do curl -sf -o /dev/null "$u"; done
	for i in $(seq "$RUNS"); do
		load_test serve.full.ecouter "$URL"
		load_test serve.full.nginx_copy "http://127.0.0.1:$NG_COPY/audio.mp3"
		load_test serve.full.nginx_sendfile "http://127.0.0.1:$NG_SENDFILE/audio.mp3"
		load_test serve.range.ecouter "$URL" "$W/range.lua"
		load_test serve.range.nginx "http://127.0.0.1:$NG_RANGE/audio.mp3" "$W/range.lua"
		load_test serve.range.nethttp "http://127.0.0.1:$BARE/audio.mp3" "$W/range.lua"
	done
	if want profile; then
		say "profiling ecouter under Range load (perf, 5 s)"
		profile_server "$EPID" "$W/serve-profile.txt" "$URL" "$W/range.lua"
	fi
	stop "$BPID"
	stop "$NPID"
	stop "$EPID"
	p50=$(awk -F'\t' '$1 == "serve.range.nginx.p50ms" { print $2 }' "$W/results.tsv" | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }')
	note "Cached serving: wrk -t2 -c64 -d${WRK_SECONDS}s against ecouter's GET /v1/articles/tramway-nantes/audio.mp3 ($(stat -c %s "$MP3") bytes) and $("$NGINX" -v 2>&1 | sed 's|.*: *||') serving the same file (a hard link in its root); Range runs send \`Range: bytes=100000-199999\`. nginx configuration: bench/nginx.conf.tmpl (2 workers, access log off, full files both with \`sendfile off\` and with \`sendfile on; tcp_nopush on\`, the faster one being the reference; ranges with \`sendfile on; tcp_nopush off\`). The net/http ceiling is bench/cmd/bareserve, a bare net/http server (no router or middleware) that opens and stats the same file on each request and hands it to \`http.ServeContent\`, which sends it with \`sendfile\`. ecouter runs with ECOUTER_LOG_LEVEL=warn. wrk runs ${WRK_SECONDS} s rather than 30 s to keep \`make bench\` under 15 minutes. The load generator shares the 2 cores with the server: ratios, not absolute capacity. nginx's median Range response: ${p50:-?} ms$(awk -v p="${p50:-9}" 'BEGIN { if (p < 1) print " (under 1 ms: the Range ratio can be trusted)."; else print " (NOT under 1 ms: the Range ratio is not trustworthy in this run)." }')"
fi

# --- feed -----------------------------------------------------------------------
if want feed; then
	say "feed of 100 items"
	"$W/bin/articles" -kind tiny -n 100 -o "$W/tiny"
	FSTORE=$W/feedstore
	start_ecouter "$PORT" "$FSTORE" ECOUTER_ARTICLES="dir:$W/tiny" ECOUTER_FEED_LIMIT=100
	code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/feed.xml")
	stop "$EPID"
	if [ "$code" = 404 ]; then
		fact skipped "Feed serving: not available (GET /feed.xml answers 404 in this build); skipped."
		say "feed: /feed.xml answers 404, skipped"
	else
		ids=$(seq -f 'breve-%03g' 1 100)
		# shellcheck disable=SC2086 # one argument per ID
		ECOUTER_STORE=$FSTORE ECOUTER_ARTICLES="dir:$W/tiny" ECOUTER_LOG_LEVEL=warn "$ECOUTER" render $ids >/dev/null 2>>"$W/ecouter.log"
		start_ecouter "$PORT" "$FSTORE" ECOUTER_ARTICLES="dir:$W/tiny" ECOUTER_FEED_LIMIT=100
		curl -sf -o "$WWW/feed.xml" "http://127.0.0.1:$PORT/feed.xml"
		items=$(grep -o '<item>' "$WWW/feed.xml" | wc -l)
		start_nginx "$WWW"
		start_bare "$WWW"
		# The gzip copy, as podcast apps ask for it, against nginx serving
		# the same gzipped bytes as a static file.
		curl -sf -H 'Accept-Encoding: gzip' -o "$WWW/feed.xml.gz" "http://127.0.0.1:$PORT/feed.xml"
		printf 'wrk.headers["Accept-Encoding"] = "gzip"\n' >"$W/gzip.lua"
		for i in $(seq "$RUNS"); do
			load_test feed.ecouter "http://127.0.0.1:$PORT/feed.xml"
			load_test feed.nginx "http://127.0.0.1:$NG_RANGE/feed.xml"
			load_test feed_gz.ecouter "http://127.0.0.1:$PORT/feed.xml" "$W/gzip.lua"
			load_test feed_gz.nginx "http://127.0.0.1:$NG_RANGE/feed.xml.gz"
			load_test feed.nethttp "http://127.0.0.1:$BARE/feed.xml"
			load_test feed_gz.nethttp "http://127.0.0.1:$BARE/feed.xml.gz"
		done
		if want profile; then
			say "profiling ecouter serving the feed (perf, 5 s)"
			profile_server "$EPID" "$W/feed-profile.txt" "http://127.0.0.1:$PORT/feed.xml"
		fi
		stop "$BPID"
		stop "$NPID"
		stop "$EPID"
		note "Feed: 100 one-paragraph articles (bench/cmd/articles -kind tiny) rendered with \`ecouter render\`, then GET /feed.xml ($(stat -c %s "$WWW/feed.xml") bytes, $items items) against nginx serving that XML as a static file (\`sendfile on; tcp_nopush off\`), wrk -t2 -c64 -d${WRK_SECONDS}s; the gzip copy ($(stat -c %s "$WWW/feed.xml.gz") bytes, \`Accept-Encoding: gzip\`) against nginx serving those gzipped bytes as a static file. The net/http ceiling (bench/cmd/bareserve) serves the same two files through \`http.ServeContent\`: the XML opened on each request (\`sendfile\`), the gzipped copy, under 16 KB, from memory (faster than open, stat and \`sendfile\` for so small a body)."
	fi
fi

# --- peak memory -------------------------------------------------------------------
if want memory; then
	say "peak memory: 20 concurrent renders of long articles"
	"$W/bin/articles" -kind long -n 20 -o "$W/long"
	# The renders share the sentence cache of the sample they shuffle, as
	# they would in production; PCM, levelling and encoding are per render.
	rm -rf "$W/memstore"
	cp -a "$STORE" "$W/memstore"
	# Twenty at once on purpose: above the default render cap (twice the cores),
	# and above the per-client budget of listen renders (one client here).
	start_ecouter "$PORT" "$W/memstore" ECOUTER_ARTICLES="dir:$W/long" ECOUTER_MAX_RENDERS=20 ECOUTER_LISTEN_RENDERS_PER_MINUTE=0
	idle=$(vm_mb "$EPID" VmRSS)
	cpids=()
	for i in $(seq -f '%02g' 1 20); do
		curl -sf --max-time 600 -o /dev/null "http://127.0.0.1:$PORT/v1/articles/long-$i/audio.mp3" &
		cpids+=($!)
	done
	failed=0
	for p in "${cpids[@]}"; do wait "$p" || failed=$((failed + 1)); done
	hwm=$(vm_mb "$EPID" VmHWM)
	stop "$EPID"
	record mem.renders.hwm "$hwm"
	record mem.renders.per "$(awk -v h="$hwm" -v i="$idle" 'BEGIN { printf "%.1f\n", (h - i) / 20 }')"
	secs=$(awk -F'"duration":' 'NF > 1 { split($2, a, ","); print a[1] + 0; exit }' "$STORE/articles/tramway-nantes/manifest.json")
	# espeak-ng speaks at 22,050 Hz; ecouter holds float32 samples.
	record mem.pcm "$(awk -v s="$secs" 'BEGIN { printf "%.1f\n", s * 22050 * 4 / 1e6 }')"
	[ "$failed" = 0 ] || note "Memory: $failed of the 20 concurrent renders failed."
	say "20 renders: peak ${hwm} MB, idle ${idle} MB"

	say "peak memory: 500 slow downloads"
	start_ecouter "$PORT" "$STORE"
	curl -sf -o /dev/null "$URL"
	idle2=$(vm_mb "$EPID" VmRSS)
	slow=$("$W/bin/slowclients" -c 500 -rate 16384 -d 15s "$URL" || true)
	hwm2=$(vm_mb "$EPID" VmHWM)
	stop "$EPID"
	record mem.slow.hwm "$hwm2"
	say "500 slow downloads: peak ${hwm2} MB ($slow)"
	note "Memory: VmHWM of the \`ecouter serve\` process (/proc/PID/status), one run each. 20 concurrent first plays of 20 different long articles (bench/cmd/articles -kind long: the blocks of tramway-nantes shuffled, ~$CHARS characters each; the sentence cache holds the sample's sentences, so synthesis is mostly cache reads): idle ${idle} MB before, ${hwm} MB peak; per render = (peak − idle) / 20, compared with the float32 PCM of one such article (${secs%.*} s at 22,050 Hz). 500 slow downloads (bench/cmd/slowclients: 500 connections reading the cached 4.4 MB MP3 at 16 KB/s through a 32 KB receive buffer for 15 s): idle ${idle2} MB before, ${hwm2} MB peak; client report: ${slow:-none}."
fi

# --- memory of one render, whatever the article ---------------------------------
# peak_kb ID STORE [VAR=VALUE...]: VmHWM of one `ecouter render ID`, in KB.
peak_kb() {
	local id=$1 store=$2
	shift 2
	env "$@" ECOUTER_STORE="$store" ECOUTER_LOG_LEVEL=warn /usr/bin/time -f '%M' -o "$W/time.txt" \
		"$ECOUTER" render "$id" >/dev/null 2>>"$W/ecouter.log"
	cat "$W/time.txt"
}
# pcm_mb STORE ID: the float32 PCM of a render at 22,050 Hz, in MB.
pcm_mb() {
	awk -F'"duration":' 'NF > 1 { split($2, a, ","); printf "%.1f\n", a[1] * 22050 * 4 / 1e6; exit }' \
		"$1/articles/$2/manifest.json"
}
if want memory; then
	say "peak memory of one render: a long article, one 12,000-word sentence, 3,000 short sentences"
	P=$W/patho
	"$W/bin/articles" -kind long -n 1 -o "$P"
	"$W/bin/articles" -kind onesentence -n 1 -words 12000 -o "$P"
	"$W/bin/articles" -kind short -n 1 -sentences 3000 -o "$P"
	# Idle: the same command with everything built and nothing to render
	# (an article rendered already and unchanged).
	rm -rf "$W/idlestore"
	peak_kb long-01 "$W/idlestore" ECOUTER_ARTICLES="dir:$P" >/dev/null
	idle=$(peak_kb long-01 "$W/idlestore" ECOUTER_ARTICLES="dir:$P")
	for spec in long:long-01 sentence:phrase-01 short:courtes-01; do
		name=${spec%%:*} id=${spec#*:}
		rm -rf "$W/pstore"
		kb=$(peak_kb "$id" "$W/pstore" ECOUTER_ARTICLES="dir:$P")
		record "mem.one.$name.peak" "$(awk -v k="$kb" 'BEGIN { printf "%.1f\n", k / 1024 }')"
		record "mem.one.$name.above" "$(awk -v k="$kb" -v i="$idle" 'BEGIN { printf "%.1f\n", (k - i) / 1024 }')"
		record "mem.one.$name.pcm" "$(pcm_mb "$W/pstore" "$id")"
		say "$id: peak $((kb / 1024)) MB, idle $((idle / 1024)) MB"
	done
	rm -rf "$W/pstore" "$W/idlestore"
	note "Memory of one render: \`/usr/bin/time -f %M ecouter render ID\` (peak RSS of the process, espeak-ng's own processes not included) into a fresh store, one run each: a long article (bench/cmd/articles -kind long, ~$CHARS characters), an article that is one sentence of 12,000 words (\`-kind onesentence\`: commas every 8 words, no full stop; espeak-ng reads it in pieces of at most ECOUTER_ESPEAK_MAX_SENTENCE characters), and one of 3,000 short sentences (\`-kind short\`). Idle is the same command on an article already rendered and unchanged: $((idle / 1024)) MB. The reference is the float32 PCM of the whole article at 22,050 Hz, what holding its audio would cost."
fi

# --- store size, with and without the caps ---------------------------------------
if want store; then
	say "store size: the 5 samples rendered, edited, rendered again"
	"$W/bin/articles" -kind samples -o "$W/samples"
	"$W/bin/articles" -kind edited -o "$W/edited"
	ids="breve budget-municipal festival-jazz meteo-bretagne tramway-nantes"
	for spec in uncapped:ECOUTER_SENTENCE_CACHE_MAX=0 capped:ECOUTER_KEEP_PREVIOUS=0s:ECOUTER_SENTENCE_CACHE_MAX=20MB; do
		name=${spec%%:*}
		IFS=: read -r -a vars <<<"${spec#*:}"
		S=$W/store-$name
		rm -rf "$S"
		# shellcheck disable=SC2086 # one argument per ID
		for src in samples edited; do
			env "${vars[@]}" ECOUTER_STORE="$S" ECOUTER_ARTICLES="dir:$W/$src" ECOUTER_LOG_LEVEL=warn \
				"$ECOUTER" render $ids >/dev/null 2>>"$W/ecouter.log"
		done
		record "store.$name.mb" "$(du -sb "$S" | awk '{ printf "%.2f\n", $1 / 1e6 }')"
		record "store.$name.audio_mb" "$(du -sbc "$S"/articles/*/*.mp3 | awk 'END { printf "%.2f\n", $1 / 1e6 }')"
		record "store.$name.sentences_mb" "$(du -sb "$S/sentences" | awk '{ printf "%.2f\n", $1 / 1e6 }')"
		say "$name: $(du -sh "$S" | cut -f1)"
	done
	note "Store size: \`ecouter render\` of the five samples into a fresh folder store, then of the same five each with one paragraph added (bench/cmd/articles -kind samples, -kind edited), \`du -sb\` of the store. Uncapped: ECOUTER_SENTENCE_CACHE_MAX=0 and the default ECOUTER_KEEP_PREVIOUS (1h: the previous MP3s are all kept); audio $(last store.uncapped.audio_mb) MB, sentence cache $(last store.uncapped.sentences_mb) MB. Capped: ECOUTER_KEEP_PREVIOUS=0s and ECOUTER_SENTENCE_CACHE_MAX=20MB, collected after each render; audio $(last store.capped.audio_mb) MB, sentence cache $(last store.capped.sentences_mb) MB."
fi

# --- Go micro-benchmarks ---------------------------------------------------------------
if want gobench; then
	say "Go micro-benchmarks (-count 3)"
	if [ ! -d ../shared/corpora ]; then
		# A fresh clone has no corpora: the script benchmarks skip themselves.
		say "../shared/corpora is missing: the script benchmarks are skipped"
		note "The sentence-splitting and spoken-form benchmarks were skipped: \`../shared/corpora\` is missing in this checkout."
	fi
	"$GO" test -run '^$' -bench . -count 3 ./audio/ ./synth/espeak/ ./script/ >"$W/gobench.txt" 2>&1
	if ! (cd "$W" && timeout 300 "$GO" run "$BENCHSTAT" gobench.txt >benchstat.txt 2>/dev/null); then
		# No benchstat (offline): the median of each benchmark's metrics.
		awk '/^Benchmark/ { for (i = 3; i < NF; i += 2) printf "%s %s\t%s\n", $1, $(i + 1), $i }' "$W/gobench.txt" |
			sort -t "$(printf '\t')" -k1,1 -k2,2g |
			awk -F '\t' '$1 != k { if (n) print k, a[int((n + 1) / 2)], "(median of " n ")"; k = $1; n = 0 }
				{ a[++n] = $2 } END { if (n) print k, a[int((n + 1) / 2)], "(median of " n ")" }' >"$W/benchstat.txt"
	fi
fi

# --- profiles ---------------------------------------------------------------------------
if want profile; then
	say "CPU profile of the audio inner loops (go test -cpuprofile)"
	"$GO" test -run '^$' -bench 'BenchmarkNormalize$|BenchmarkEncodeMP3$|BenchmarkLoudness$' -benchtime 10x \
		-cpuprofile "$W/audio.prof" -o "$W/audio.test" ./audio/ >"$W/audio-prof-bench.txt" 2>&1
	"$GO" tool pprof -top -nodecount 20 "$W/audio.test" "$W/audio.prof" 2>/dev/null | sed -n '/flat%/,$p' >"$W/audio-profile.txt" || true
	if want render && command -v perf >/dev/null; then
		say "profiling a full render (perf, espeak-ng children included)"
		rm -rf "$W/pstore"
		ECOUTER_STORE=$W/pstore ECOUTER_LOG_LEVEL=warn perf record -q -F 499 -g -o "$W/render.perf" -- \
			"$ECOUTER" render tramway-nantes >/dev/null 2>&1 || true
		perf report -i "$W/render.perf" --stdio --no-children --sort comm,dso 2>/dev/null |
			grep -E '^ +[0-9.]+%' | sed 's/ *$//' | head -12 >"$W/render-by-process.txt" || true
		perf report -i "$W/render.perf" --stdio --no-children --sort dso,symbol 2>/dev/null |
			grep -E '^ +[0-9.]+%' | sed 's/ *- *- *$//' | head -25 >"$W/render-profile.txt" || true
	fi
fi

# --- BENCHMARKS.md -------------------------------------------------------------------------
fact total "$(((SECONDS - START) / 60)) min $(((SECONDS - START) % 60)) s (load average $LOAD_START at start, $(cut -d' ' -f1-3 /proc/loadavg) at end)"
{
	"$W/bin/report" -results "$W/results.tsv" -meta "$W/meta.tsv"
	printf '\n## How each figure is measured\n\n'
	cat "$W/notes.md"
	section() { # TITLE FILE INTRO
		[ -s "$2" ] || return 0
		printf '\n## %s\n\n%s\n\n```\n' "$1" "$3"
		cat "$2"
		printf '```\n'
	}
	section "Go micro-benchmarks" "$W/benchstat.txt" \
		"\`go test -run '^\$' -bench . -count 3 ./audio/ ./synth/espeak/ ./script/\`, summarised by benchstat (or medians when it cannot be fetched)."
	section "Profile: audio inner loops" "$W/audio-profile.txt" \
		"\`go test -run '^\$' -bench 'BenchmarkNormalize\$|BenchmarkEncodeMP3\$|BenchmarkLoudness\$' -benchtime 10x -cpuprofile\`, then \`go tool pprof -top\`."
	section "Profile: full render by process" "$W/render-by-process.txt" \
		"\`perf record -g -- ecouter render tramway-nantes\` (fresh store), \`perf report --sort comm,dso\`."
	section "Profile: full render by function" "$W/render-profile.txt" "Same recording, \`--sort dso,symbol\` (libmp3lame has no symbols)."
	section "Profile: ecouter serving Range requests" "$W/serve-profile.txt" \
		"\`perf record -g -p PID\` for 5 s of wrk Range load; \`perf report --children\`, the request path's main steps (cumulative %)."
	section "Profile: ecouter serving /feed.xml" "$W/feed-profile.txt" \
		"\`perf record -g -p PID\` for 5 s of wrk load on /feed.xml; \`perf report --children\`, the request path's main steps (cumulative %)."
	[ -s "$BENCH/FINDINGS.md" ] && { printf '\n'; cat "$BENCH/FINDINGS.md"; }
	printf '\n<details><summary>Raw measurements (one line per run)</summary>\n\n```\n'
	cat "$W/results.tsv"
	printf '```\n\n</details>\n'
} >"$OUT"
say "wrote $OUT in $(((SECONDS - START) / 60)) min $(((SECONDS - START) % 60)) s"
