#!/bin/sh
# san.t - the unit tests and the --test mode over the corpus, built with
# AddressSanitizer and UndefinedBehaviorSanitizer (build/san, `make
# san-build`; `make check` builds it).  Halts on the first error; leaks are
# errors (GLib/GMime one-time allocations suppressed in tests/fuzz/lsan.supp,
# known open bugs in tests/fuzz/known-bugs.supp).  A sanitizer report exits
# 86, told apart from --test's 0 (delivered) / 1 (not delivered).
# Messages: the corpus, and build/hostile/ (files under 8 MB) when
# tests/hostile.t made it.
. "${SM_TOP:-.}/tests/fuzz/sanenv.sh"

if [ ! -x "$SAN/support-milter" ]; then
	echo "1..0 # SKIP no sanitizer build (make san-build)"
	exit 0
fi
units=$(ls "$SAN"/tests/test_* 2>/dev/null | grep -v '\.d$' | sort)
# the hostile set too when tests/hostile.t has generated it (it runs first)
msgs=$(corpus_files; [ -d "$BUILD/hostile" ] && find "$BUILD/hostile" -name '*.eml' -size -8M | sort)
n=1
for u in $units; do n=$((n + 1)); done
for m in $msgs; do n=$((n + 1)); done
echo "1..$n"
san_env "$(san_supp all)"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
i=0
for u in $units; do
	i=$((i + 1))
	if SM_TOP="$TOP" timeout 300 "$u" > "$out/log" 2>&1; then
		echo "ok $i - $(basename "$u") under ASan+UBSan"
	elif todo=$(known_ub "$out/log") && [ -n "$todo" ]; then
		echo "not ok $i - $(basename "$u") under ASan+UBSan # TODO known bug: $todo"
	else
		echo "not ok $i - $(basename "$u") under ASan+UBSan"
		grep -E 'ERROR|SUMMARY|runtime error|^not ok|    #[0-9] ' "$out/log" | head -n 30 | sed 's/^/# /'
	fi
done
i=$((i + 1))
if "$SAN/support-milter" -n -c "$TOP/conf/support-milter.conf" > "$out/log" 2>&1; then
	echo "ok $i - -n on conf/support-milter.conf under ASan+UBSan"
else
	echo "not ok $i - -n on conf/support-milter.conf under ASan+UBSan"
	head -n 30 "$out/log" | sed 's/^/# /'
fi
for m in $msgs; do
	i=$((i + 1))
	name=$(basename "$m")
	rm -f "$out/out.eml"
	timeout 120 "$SAN/support-milter" -c "$TOP/conf/support-milter.conf" --now 2024-12-01 \
		--test "$m" --output "$out/out.eml" > "$out/json" 2> "$out/log"
	rc=$?
	# stdout is printed only as the action (it may hold previews, never values)
	if { [ $rc -eq 0 ] || [ $rc -eq 1 ]; } && ! grep -qE 'Sanitizer|runtime error' "$out/log"; then
		echo "ok $i - $name: exit $rc, $(top_action "$out/json")"
	elif todo=$(known_ub "$out/log") && [ -n "$todo" ]; then
		echo "not ok $i - $name: exit $rc # TODO known bug: $todo"
	else
		echo "not ok $i - $name: exit $rc"
		grep -E 'ERROR|SUMMARY|runtime error|    #[0-9]+ ' "$out/log" | head -n 30 | sed 's/^/# /'
	fi
done
