#!/bin/sh
# report.sh - `make bench` step 5: support-milter-report over one million
# audit records (gen_audit.py, ~780 MB, kept in build/bench/), on one core
# (taskset), as JSON, as the terminal table and as the HTML page, plain and
# gzip-compressed.  Prints wall and CPU seconds and peak RSS; the goal is
# under 10 s for the million (docs/performance.md).  Never pass/fail.
set -u
TOP=${SM_TOP:-$(pwd)}
BUILD=${SM_BUILD:-$TOP/build}
B=$BUILD/bench
R=$BUILD/support-milter-report
N=${BENCH_REPORT_RECORDS:-1000000}
LOG=$B/audit-$N.log
mkdir -p "$B"
[ -s "$LOG" ] || python3 "$TOP/tests/bench/gen_audit.py" "$N" --days 31 > "$LOG"
[ -s "$LOG.gz" ] || gzip -1 -c "$LOG" > "$LOG.gz"
ONE="taskset -c 0"
command -v taskset > /dev/null || ONE=""
echo "bench report: $N records, $(du -m "$LOG" | cut -f1) MB ($(du -m "$LOG.gz" | cut -f1) MB gzip), one core"
for args in "--format json $LOG" "--format table $LOG" "--format html $LOG" "--format json $LOG.gz"; do
	/usr/bin/time -f "  %e s wall, %U s user + %S s sys, %M KB peak: support-milter-report $(echo "$args" | sed "s|$B/||")" \
		$ONE "$R" $args > /dev/null
done
