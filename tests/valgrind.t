#!/bin/sh
# valgrind.t - the --test mode of the normal build under valgrind memcheck
# over the corpus (tests/corpus, ../shared/corpus/public and vectors):
# no memory errors and no definite leaks (--error-exitcode), GLib's own
# suppressions plus tests/fuzz/valgrind.supp, G_SLICE=always-malloc and
# G_DEBUG=gc-friendly so GLib's caches do not hide or fake leaks.  Two
# messages at a time (the machines have 2 cores); SM_VALGRIND_JOBS overrides.
. "${SM_TOP:-.}/tests/fuzz/sanenv.sh"
BIN=${SM_BIN:-$BUILD/support-milter}

if ! command -v valgrind > /dev/null 2>&1 || [ ! -x "$BIN" ]; then
	echo "1..0 # SKIP valgrind or $BIN missing"
	exit 0
fi
msgs=$(corpus_files)
n=1
for m in $msgs; do n=$((n + 1)); done
echo "1..$n"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
supp="--suppressions=$TOP/tests/fuzz/valgrind.supp"
[ -f /usr/share/glib-2.0/valgrind/glib.supp ] &&
	supp="$supp --suppressions=/usr/share/glib-2.0/valgrind/glib.supp"
export G_SLICE=always-malloc G_DEBUG=gc-friendly VG_BIN="$BIN" VG_SUPP="$supp" VG_OUT="$out" \
	VG_CONF="$TOP/conf/support-milter.conf"
# one run: $1 index, $2 message (or "-n"); leaves $out/$1.rc and $out/$1.log
cat > "$out/run.sh" <<'EOS'
i=$1 m=$2
set -- valgrind -q --tool=memcheck --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite --show-leak-kinds=definite --num-callers=30 \
	$VG_SUPP "$VG_BIN" -c "$VG_CONF"
if [ "$m" = -n ]; then
	timeout 300 "$@" -n > /dev/null 2> "$VG_OUT/$i.log"
else
	timeout 300 "$@" --now 2024-12-01 --test "$m" --output "$VG_OUT/$i.eml" \
		> /dev/null 2> "$VG_OUT/$i.log"
fi
echo $? > "$VG_OUT/$i.rc"
EOS
{
	echo "1 -n"
	i=1
	for m in $msgs; do i=$((i + 1)); echo "$i $m"; done
} | xargs -P "${SM_VALGRIND_JOBS:-2}" -L 1 sh "$out/run.sh"
i=1
rc=$(cat "$out/1.rc")
if [ "$rc" = 0 ]; then echo "ok 1 - -n under memcheck"; else
	echo "not ok 1 - -n under memcheck: exit $rc"; head -n 40 "$out/1.log" | sed 's/^/# /'; fi
for m in $msgs; do
	i=$((i + 1))
	rc=$(cat "$out/$i.rc")
	if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then
		echo "ok $i - $(basename "$m") under memcheck: exit $rc"
	else
		echo "not ok $i - $(basename "$m") under memcheck: exit $rc (99: errors or definite leaks)"
		grep -E '^==[0-9]+== ( {3}(at|by) 0x|[A-Z][a-z].*(lost|Invalid|uninitialised|jump))' \
			"$out/$i.log" | head -n 40 | sed 's/^/# /'
	fi
done
