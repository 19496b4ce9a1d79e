#!/bin/sh
# run.sh - `make fuzz`: run each libFuzzer harness named on the command line
# for FUZZ_SECONDS from a seed corpus assembled at run time under
# build/fuzz/ (never in the repository): tests/corpus, ../shared/corpus
# (public and vectors), the hostile messages under 1 MB when
# build/hostile exists, the harness's regression inputs, conf/*.conf for the
# configuration harness.  New coverage accumulates in build/fuzz/corpus/NAME
# across runs.  A crash, leak, timeout or violated invariant leaves its input
# in build/fuzz/artifacts/NAME/; the script then exits 1 and says how to turn
# it into a regression test.
#
# Environment: FUZZ_SECONDS (default 60), FUZZ_MAXLEN (default 65536 for the
# message harness, 16384 otherwise), FUZZ_RSS_MB (2048), FUZZ_TIMEOUT (20 s
# per input), FUZZ_FAST=1 (no leak detection, fast stack unwinding: about 4x
# the executions per second of the message harness; leak stacks need the slow
# unwinder because GLib has no frame pointers), SM_TOP, SM_BUILD, SM_SHARED.
set -u
. "${SM_TOP:-.}/tests/fuzz/sanenv.sh"
FB="$BUILD/fuzz"
secs=${FUZZ_SECONDS:-60}
failed=""

seed_dir() { # $1 harness -> prints the seed directory, filled afresh
	d="$FB/seeds/$1"
	rm -rf "$d" && mkdir -p "$d"
	if [ "$1" = fuzz_config ]; then
		cp "$TOP"/conf/*.conf "$d"/ 2>/dev/null
	else
		corpus_files | while read -r f; do cp "$f" "$d/"; done
		[ -d "$BUILD/hostile" ] && find "$BUILD/hostile" -name '*.eml' -size -1024k \
			-exec cp {} "$d/" \;
	fi
	[ -d "$TOP/tests/fuzz/regress/$1" ] && cp "$TOP/tests/fuzz/regress/$1"/* "$d/" 2>/dev/null
	echo "$d"
}

dict_for() { # $1 harness -> prints a dictionary path or nothing
	case $1 in
	fuzz_config)
		sed -n 's/^[[:space:]#]*\([a-z_]*\)[[:space:]]*[=:].*/"\1"/p' "$TOP"/conf/*.conf |
			sort -u > "$FB/config.dict"
		echo "$FB/config.dict" ;;
	*) [ -f "$TOP/tests/fuzz/mime.dict" ] && echo "$TOP/tests/fuzz/mime.dict" ;;
	esac
}

san_env "$(san_supp all)"
[ "${FUZZ_FAST:-0}" = 1 ] && ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0:fast_unwind_on_malloc=1"
for h in "$@"; do
	bin="$FB/bin/$h"
	[ -x "$bin" ] || { echo "fuzz: $bin missing (make fuzz builds it)"; exit 2; }
	seeds=$(seed_dir "$h")
	mkdir -p "$FB/corpus/$h" "$FB/artifacts/$h"
	case $h in fuzz_message) maxlen=${FUZZ_MAXLEN:-65536} ;; *) maxlen=${FUZZ_MAXLEN:-16384} ;; esac
	dict=$(dict_for "$h")
	echo "fuzz: $h for $secs s (seeds: $(ls "$seeds" | wc -l), max_len $maxlen)"
	# shellcheck disable=SC2086
	SM_TOP="$TOP" "$bin" -max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-20}" \
		-rss_limit_mb="${FUZZ_RSS_MB:-2048}" -max_len="$maxlen" -print_final_stats=1 \
		-artifact_prefix="$FB/artifacts/$h/" ${dict:+-dict=$dict} \
		"$FB/corpus/$h" "$seeds" > "$FB/$h.log" 2>&1
	rc=$?
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+.*DONE)' "$FB/$h.log" |
		sed "s/^/fuzz: $h: /"
	if [ $rc -ne 0 ]; then
		failed="$failed $h"
		echo "fuzz: $h FAILED (exit $rc); log $FB/$h.log; inputs:"
		ls "$FB/artifacts/$h/"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: failures in:$failed"
	echo "fuzz: keep each input as tests/fuzz/regress/HARNESS/NAME (todo-NAME plus an"
	echo "fuzz: entry in tests/fuzz/known-bugs.supp while the bug is open)."
	exit 1
fi
echo "fuzz: no failures"
