#!/usr/bin/env bash
# The independent scorer over the public corpus, exactly as its README runs
# it; one TAP line per message, failing on any FAIL line.
set -u
top="${SM_TOP:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$top" || exit 1
out=$(python3 ../shared/corpus/score.py --bin build/support-milter \
	--conf conf/support-milter.conf --set public 2>&1)
rc=$?
n=0
fail=0
for f in ../shared/corpus/public/*.eml; do
	stem=$(basename "$f" .eml)
	n=$((n + 1))
	if printf '%s\n' "$out" | grep -q "^FAIL $stem:"; then
		fail=$((fail + 1))
		echo "not ok $n - $stem"
		printf '%s\n' "$out" | grep "^FAIL $stem:" | sed 's/^/# /'
	else
		echo "ok $n - $stem"
	fi
done
n=$((n + 1))
if [ $rc -eq 0 ] && printf '%s\n' "$out" | tail -1 | grep -q " 0 failed$"; then
	echo "ok $n - scorer: $(printf '%s\n' "$out" | tail -1)"
else
	echo "not ok $n - scorer: $(printf '%s\n' "$out" | tail -1)"
	fail=$((fail + 1))
fi
echo "1..$n"
[ $fail -eq 0 ]
