# Helpers for bench/run.sh: installing tools, starting and stopping the
# servers it measures, running wrk and hyperfine, and recording figures.
# Sourced, not run. Every process started here is tracked by its PID and
# ended by that PID only.

say() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }

# record KEY VALUE: one measurement (one run) for bench/cmd/report.
record() { printf '%s\t%s\n' "$1" "$2" >>"$W/results.tsv"; }

# fact KEY VALUE: something about the run itself (date, CPU, notes).
fact() { printf '%s\t%s\n' "$1" "$2" >>"$W/meta.tsv"; }

# note TEXT: a paragraph for the notes section of BENCHMARKS.md.
note() { printf '%s\n\n' "$*" >>"$W/notes.md"; }

# install_missing PKG...: apt-get when root, sudo otherwise, only what is missing.
install_missing() {
	local missing=() p sudo=""
	for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || sudo=sudo
	say "installing: ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# free_port START: the first port from START that nothing listens on (loopback).
free_port() {
	local p=$1
	while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
	echo "$p"
}

PIDS=()

# stop PID: ends a process this script started, and waits for it (bounded).
stop() {
	local pid=$1 i
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

stop_all() {
	local pid
	for pid in "${PIDS[@]}"; do stop "$pid"; done
	PIDS=()
}

# wait_http URL: until it answers (any status), at most 30 s.
wait_http() {
	local i
	for i in $(seq 300); do
		curl -s -o /dev/null --max-time 1 "$1" && return 0
		sleep 0.1
	done
	say "no answer from $1"
	return 1
}

# start_ecouter PORT STORE [VAR=VALUE...]: runs `ecouter serve` in the
# background on loopback; sets EPID.
start_ecouter() {
	local port=$1 store=$2
	shift 2
	env ECOUTER_ADDR="127.0.0.1:$port" ECOUTER_STORE="$store" ECOUTER_LOG_LEVEL=warn "$@" \
		"$ECOUTER" serve >>"$W/ecouter.log" 2>&1 &
	EPID=$!
	PIDS+=("$EPID")
	wait_http "http://127.0.0.1:$port/healthz"
}

# start_nginx ROOT: nginx from bench/nginx.conf.tmpl serving ROOT; sets NPID.
start_nginx() {
	local dir="$W/nginx" user=""
	mkdir -p "$dir/tmp"
	# Workers would run as nobody, who cannot read ecouter's 0600 files.
	[ "$(id -u)" = 0 ] && user="user root;"
	sed -e "s|@USER@|$user|" -e "s|@DIR@|$dir|g" -e "s|@ROOT@|$1|g" \
		-e "s|@PORT_COPY@|$NG_COPY|" -e "s|@PORT_SENDFILE@|$NG_SENDFILE|" -e "s|@PORT_RANGE@|$NG_RANGE|" \
		"$BENCH/nginx.conf.tmpl" >"$dir/nginx.conf"
	"$NGINX" -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" >>"$dir/stdout.log" 2>&1 &
	NPID=$!
	PIDS+=("$NPID")
	wait_http "http://127.0.0.1:$NG_RANGE/"
}

# start_bare ROOT: the bare net/http server (bench/cmd/bareserve) serving
# ROOT on $BARE, the "net/http ceiling"; sets BPID.
start_bare() {
	"$W/bin/bareserve" -addr "127.0.0.1:$BARE" -root "$1" >>"$W/bareserve.log" 2>&1 &
	BPID=$!
	PIDS+=("$BPID")
	wait_http "http://127.0.0.1:$BARE/"
}

# vm_mb PID FIELD: a /proc/PID/status memory field (VmRSS, VmHWM) in MB.
vm_mb() { awk -v f="$2:" '$1 == f { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"; }

# to_mb VALUE-WITH-UNIT: wrk's 1024-based B/KB/MB/GB figure in MB (MiB).
to_mb() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		f = (u == "GB") ? 1024 : (u == "MB") ? 1 : (u == "KB") ? 1 / 1024 : 1 / 1048576
		printf "%.1f\n", n * f }'
}

# to_ms VALUE-WITH-UNIT: wrk's latency (us, ms, s) in milliseconds.
to_ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
		f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1
		printf "%.3f\n", n * f }'
}

# load_test KEY URL [LUA]: one wrk run (2 threads, 64 connections,
# $WRK_SECONDS); records KEY.rps, KEY.mbs and KEY.p50ms. Failed or non-2xx
# responses make the run count for nothing and are noted.
load_test() {
	local key=$1 url=$2 lua=${3:-} out rps tr p50 bad
	out=$(wrk -t2 -c64 -d"${WRK_SECONDS}s" --timeout 10s --latency ${lua:+-s "$lua"} "$url")
	echo "$out" >>"$W/wrk.log"
	rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
	tr=$(awk '/^Transfer\/sec:/ { print $2 }' <<<"$out")
	p50=$(awk '$1 == "50%" { print $2; exit }' <<<"$out")
	bad=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
	if [ -z "$rps" ] || [ -n "$bad" ]; then
		note "wrk run for \`$key\` discarded: $(tr '\n' ' ' <<<"${bad:-no output}")"
		say "$key: discarded ($bad)"
		return 0
	fi
	record "$key.rps" "$rps"
	record "$key.mbs" "$(to_mb "$tr")"
	record "$key.p50ms" "$(to_ms "$p50")"
	say "$key: $rps req/s, $tr/s, median $p50"
}

# profile_server PID OUT URL [LUA]: perf profile of a server for 5 s of
# wrk load; OUT gets the cumulative share of the request path's main steps.
profile_server() {
	local pid=$1 out=$2 url=$3 lua=${4:-} rec
	command -v perf >/dev/null || return 0
	rec="$out.perf"
	perf record -q -F 499 -g -p "$pid" -o "$rec" -- sleep 5 >/dev/null 2>&1 &
	local perf_pid=$!
	wrk -t2 -c64 -d5s ${lua:+-s "$lua"} "$url" >/dev/null
	wait "$perf_pid" || true
	perf report -i "$rec" --stdio --children --sort symbol 2>/dev/null |
		grep -E '^ +[0-9.]+%' |
		grep -E '(conn\)\.serve|Echo\)\.ServeHTTP|RequestLoggerConfig\.ToMiddleware\.func1\.1|api\.\(\*[a-zA-Z]+\)\.[a-zA-Z]+|Service\)\.(Listen|Open|Cached|Manifest)|Scheduler\)\.Rendering|api\.sendSection|Dir\)\.Open|os\.OpenFile|http\.serveContent|response\)\.ReadFrom|syscall\.(sendfile|write|read)|http\.readRequest|chunkWriter\)\.flush|sha256.*Write|runtime\.memmove|gcBgMarkWorker|finish_task_switch[.a-z0-9]*) ' |
		sed 's/ *- *- *$//' | head -25 >"$out" || true
	rm -f "$rec"
}

# timed NAME=COMMAND...: runs each command once, in order, under hyperfine
# (shell start-up subtracted); records NAME.wall and NAME.cpu (user+system,
# children included) for each. Extra hyperfine options go in HF_OPTS.
timed() {
	local args=() csv="$W/hyperfine.csv" spec name
	for spec in "$@"; do args+=(-n "${spec%%=*}" "${spec#*=}"); done
	hyperfine --runs 1 --style none --export-csv "$csv" ${HF_OPTS[@]+"${HF_OPTS[@]}"} "${args[@]}" >/dev/null
	# command,mean,stddev,median,user,system,min,max
	while IFS=, read -r name mean _ _ user sys _; do
		[ "$name" = command ] && continue
		record "$name.wall" "$mean"
		record "$name.cpu" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f\n", u + s }')"
		say "$name: $(printf '%.2f' "$mean") s wall, $(printf '%.2f' "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')") s CPU"
	done <"$csv"
}

# last KEY: the latest value recorded for KEY.
last() { awk -F'\t' -v k="$1" '$1 == k { v = $2 } END { print v }' "$W/results.tsv"; }

# duration FILE: an audio file's length in seconds.
duration() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }
