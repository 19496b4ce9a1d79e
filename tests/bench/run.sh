#!/bin/sh
# run.sh - `make bench`: print benchmark figures (never pass/fail).
#   1. scanning: detectors MB/s over a generated text mix, memchr ceiling,
#      view building MB/s (bench_scan, gen_mix.py);
#   2. messages/s of the whole policy in process over the public corpus
#      (bench_policy);
#   3. end to end: msg/s and CPU per message through Postfix without a milter,
#      with support-milter, with MIMEDefang and with null-milter (the floor),
#      each milter over unix: and inet:, every figure beside null-milter's on
#      the same socket; a configuration that fails is reported on its own line
#      and the others still run (e2e.sh, e2e.py, gen_e2e.py);
#   2b. the hand-off of a message to a scanner worker against scanning it in
#      process (bench_handoff): wall and CPU per message, the bound 0.05 ms;
#   4. peak RSS and wall time of --test on 30 MB and 100 MB text messages and on a message
#      with a 30 MB attachment (gen_big.py), with the default limits and with
#      limits raised so the whole message is scanned; then the daemon's peak RSS
#      and latency on a 100 MB message and a 1 GiB attachment (daemon_rss.py);
#   5. support-milter-report over one million audit records (report.sh).
# Generated inputs go to build/bench/ (kept between runs).  Environment:
# BENCH_SECONDS (3), BENCH_MIX_MB (32), SM_BIN, SM_TOP, SM_BUILD, SM_SHARED.
set -u
TOP=${SM_TOP:-$(pwd)}
BUILD=${SM_BUILD:-$TOP/build}
BIN=${SM_BIN:-$BUILD/support-milter}
SHARED=${SM_SHARED:-$TOP/../shared}
B=$BUILD/bench
S=${BENCH_SECONDS:-3}
CONF=$TOP/conf/support-milter.conf
mkdir -p "$B"

echo "bench: $(nproc) cores, $(grep -m 1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null)"
[ -f "$B/mix.bin" ] || python3 "$TOP/tests/bench/gen_mix.py" "$B/mix.bin" "${BENCH_MIX_MB:-32}"
"$B/bench_scan" "$B/mix.bin" "$S"

if ls "$SHARED"/corpus/public/*.eml > /dev/null 2>&1; then
	"$B/bench_policy" "$CONF" "$S" "$SHARED"/corpus/public/*.eml
	echo "bench policy: without the 1.4 MB p09 log attachment:"
	"$B/bench_policy" "$CONF" "$S" $(ls "$SHARED"/corpus/public/*.eml | grep -v p09_)
else
	echo "bench policy: $SHARED/corpus/public missing, skipped"
fi

# worker_messages raised: the hand-off alone; then as configured (a worker
# replaced every worker_messages messages: the fork and sandbox amortized)
if [ -f "$SHARED/corpus/public/p15_sr_none.eml" ]; then
	sed 's/^\( *worker_messages *= *\).*/\11000000;/' "$CONF" > "$B/handoff.conf"
	"$B/bench_handoff" "$B/handoff.conf" "$S" "$SHARED/corpus/public/p15_sr_none.eml"
	echo "bench handoff: with worker_messages as configured (workers replaced):"
	"$B/bench_handoff" "$CONF" "$S" "$SHARED/corpus/public/p15_sr_none.eml"
fi

[ -f "$B/big-100mb.eml" ] && [ -f "$B/big-30mb.eml" ] && [ -f "$B/big-attachment.eml" ] || python3 "$TOP/tests/bench/gen_big.py" "$B"
# limits raised so that a 100 MB message is scanned rather than refused
sed -e 's/max_message_bytes = [0-9]*/max_message_bytes = 268435456/' \
    -e 's/max_part_bytes = [0-9]*/max_part_bytes = 268435456/' \
    -e 's/max_total_bytes = [0-9]*/max_total_bytes = 536870912/' "$CONF" > "$B/big.conf"
for conf in "$CONF" "$B/big.conf"; do
	for m in big-30mb big-100mb big-attachment; do
		/usr/bin/time -f '%e %M' -o "$B/time.out" "$BIN" -c "$conf" --now 2024-12-01 \
			--test "$B/$m.eml" --output "$B/out.eml" > "$B/json.out" 2> /dev/null
		rc=$?
		act=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("action"))' "$B/json.out" 2>/dev/null)
		awk -v m="$m" -v c="($(basename "$conf" .conf))" -v sz="$(stat -c %s "$B/$m.eml")" \
			-v rc="$rc" -v act="${act:--}" -v t="$(tail -n 1 "$B/time.out")" 'BEGIN {
			split(t, f, " ");
			printf "bench rss: %-15s %-16s %6.1f MB in, exit %d %-9s %6.2f s, peak RSS %7.1f MB\n",
				m, c, sz / 1048576, rc, act, f[1], f[2] / 1024 }'
	done
done
rm -f "$B/out.eml"

# 3. end to end through Postfix (no milter / support-milter / MIMEDefang /
# null-milter) and
# 4. the daemon's peak RSS and latency on large messages (make bench-deps).
SM_TOP=$TOP SM_BUILD=$BUILD SM_BIN=$BIN sh "$TOP/tests/bench/e2e.sh"
SM_TOP=$TOP SM_BUILD=$BUILD SM_BIN=$BIN python3 "$TOP/tests/bench/daemon_rss.py"

# 5. the report tool over one million audit records
SM_TOP=$TOP SM_BUILD=$BUILD sh "$TOP/tests/bench/report.sh"
