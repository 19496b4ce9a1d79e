#!/bin/sh
# count.sh - instructions per scan of each message in process, by callgrind
# (not run by `make bench`; docs/performance.md, "Instructions per message").
#
#   sh tests/bench/count.sh [FILE.eml...]
#
# Without files: the three end-to-end messages (gen_e2e.py) dated 2024-12-01,
# the day bench_count and bench_policy scan at, so the SR is 20 days old as
# in the daemon.  For each file: build/bench/bench_count under
# valgrind --tool=callgrind with N=1 and N=11; instructions per scan =
# (Ir(11) - Ir(1)) / 10 (policy load and one-time set-up cancel out).  The
# N=11 profile stays in build/bench/count/NAME.cg for callgrind_annotate.
# Environment: SM_TOP, SM_BUILD, COUNT_CONF (conf/support-milter.conf).
set -u
TOP=${SM_TOP:-$(pwd)}
BUILD=${SM_BUILD:-$TOP/build}
CONF=${COUNT_CONF:-$TOP/conf/support-milter.conf}
OUT=$BUILD/bench/count
mkdir -p "$OUT"
if [ $# -eq 0 ]; then
	python3 "$TOP/tests/bench/gen_e2e.py" "$OUT/e2e" 20000 2024-12-01 || exit 1
	set -- "$OUT/e2e/support.eml" "$OUT/e2e/card.eml" "$OUT/e2e/other.eml"
fi
ir() { # FILE N PROFILE: total instructions
	valgrind --tool=callgrind --callgrind-out-file="$3" "$BUILD/bench/bench_count" "$CONF" "$2" "$1" \
		> /dev/null 2>&1 || { echo "count: bench_count failed on $1" >&2; exit 1; }
	sed -n 's/^summary: *//p; s/^totals: *//p' "$3" | head -n 1
}
for f in "$@"; do
	name=$(basename "$f" .eml)
	one=$(ir "$f" 1 "$OUT/$name.cg1")
	eleven=$(ir "$f" 11 "$OUT/$name.cg")
	rm -f "$OUT/$name.cg1"
	echo "$name $one $eleven" | awk '{ printf "count: %-20s %12.0f instructions per scan\n", $1, ($3 - $2) / 10 }'
done
