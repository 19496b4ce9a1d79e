#!/bin/sh
# fuzz-replay.t - every fuzz harness (tests/fuzz/fuzz_*.c), built without
# libFuzzer but with ASan+UBSan (build/san/fuzz-replay/), replays its
# regression inputs (tests/fuzz/regress/HARNESS/), the corpus and the
# configurations: each crash, hang or leak fuzzing found stays fixed, and the
# harness invariants hold on the seeds.  Inputs named todo-* are known open
# bugs (tests/fuzz/known-bugs.supp): each runs alone, as a TAP TODO test.
. "${SM_TOP:-.}/tests/fuzz/sanenv.sh"

harnesses=$(cd "$TOP/tests/fuzz" && ls fuzz_*.c 2>/dev/null | sed 's/\.c$//')
if [ ! -d "$SAN/fuzz-replay" ] || [ -z "$harnesses" ]; then
	echo "1..0 # SKIP no sanitizer build (make san-build)"
	exit 0
fi
todos=$(find "$TOP/tests/fuzz/regress" -name 'todo-*' -type f | sort)
n=0
for h in $harnesses; do n=$((n + 1)); done
for t in $todos; do n=$((n + 1)); done
echo "1..$n"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
i=0
timeout_s=${SM_REPLAY_TIMEOUT:-240}
for h in $harnesses; do
	i=$((i + 1))
	san_env "$(san_supp all)"
	seeds=""
	case $h in
	fuzz_config) seeds="$TOP/conf" ;;
	*) seeds=$(corpus_files) ;;
	esac
	reg="$TOP/tests/fuzz/regress/$h"
	[ -d "$reg" ] || reg=""
	start=$(date +%s)
	# shellcheck disable=SC2086
	if SM_TOP="$TOP" timeout "$timeout_s" "$SAN/fuzz-replay/$h" $reg $seeds >"$out" 2>&1; then
		echo "ok $i - $h: $(tail -n 1 "$out") ($(( $(date +%s) - start )) s)"
	else
		echo "not ok $i - $h replay failed"
		sed 's/^/# /' "$out" | head -n 60
	fi
done
for t in $todos; do
	i=$((i + 1))
	h=$(basename "$(dirname "$t")")
	name=$(basename "$t")
	why=$(grep "^# $name:" "$KNOWN" | sed "s/^# $name: //")
	san_env "$(san_supp base)"
	if SM_TOP="$TOP" timeout "$timeout_s" "$SAN/fuzz-replay/$h" "$t" >"$out" 2>&1; then
		echo "ok $i - $h $name # TODO ${why:-known bug}"
	else
		echo "not ok $i - $h $name # TODO ${why:-known bug}"
		grep -E 'ERROR|SUMMARY|runtime error|invariant|#[0-9] .* in (sm_|add_|walk|[a-z_]+ parser/)' "$out" | head -n 12 | sed 's/^/# /'
	fi
done
