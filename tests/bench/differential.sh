#!/bin/sh
# differential.sh - what a binary decides and writes for every message of the
# test sets, to compare two builds (a refactoring or an optimisation must not
# change a byte: docs/performance.md).
#
#   sh tests/bench/differential.sh BIN OUTDIR [GENDIR]
#   diff -r OUTDIR_before OUTDIR_after && echo identical
#
# For each message of ../shared/corpus/public, tests/corpus and the messages
# written by tests/realistic/gen.py, tests/hostile/gen.py and
# tests/bench/gen_e2e.py (dated 2024-12-10; generated into GENDIR, default
# OUTDIR.gen, deterministic), runs
#   BIN -c conf/support-milter.conf --test MSG --output OUT --now 2024-12-10
# and keeps the JSON, the delivered message and the exit code as
# OUTDIR/SET/NAME.json, .out, .rc.  Prints one line: messages run.
# Pass the same GENDIR to both runs: 7z(1) draws a random salt and IV for
# hostile/encrypted-7z, so regenerated messages differ on that one file.
# Untrusted input: none of its own (the messages are the test sets).
set -u
BIN=${1:?usage: differential.sh BIN OUTDIR [GENDIR]}
OUT=${2:?usage: differential.sh BIN OUTDIR [GENDIR]}
GEN=${3:-$OUT.gen}
TOP=${SM_TOP:-$(pwd)}
SHARED=${SM_SHARED:-$TOP/../shared}
# conf/support-milter.conf with an inline fingerprint key: the configured
# key file is the machine's (/etc/support-milter), which the package and
# its tests rewrite, and the fingerprints in the JSON depend on it
mkdir -p "$OUT"
CONF=$OUT/differential.conf
sed -e 's|^\( *\)fingerprint_key_file = .*|\1fingerprint_key = "differential.sh: a fixed key, not a secret";|' \
	"$TOP/conf/support-milter.conf" > "$CONF" || exit 1
[ -d "$GEN/realistic" ] || python3 "$TOP/tests/realistic/gen.py" "$GEN/realistic" > /dev/null || exit 1
[ -d "$GEN/hostile" ] || python3 "$TOP/tests/hostile/gen.py" "$GEN/hostile" > /dev/null || exit 1
[ -d "$GEN/e2e" ] || python3 "$TOP/tests/bench/gen_e2e.py" "$GEN/e2e" 20000 2024-12-10 || exit 1
n=0
for set in public corpus realistic hostile e2e; do
	case $set in
	public) dir=$SHARED/corpus/public ;;
	corpus) dir=$TOP/tests/corpus ;;
	*) dir=$GEN/$set ;;
	esac
	mkdir -p "$OUT/$set"
	for m in "$dir"/*.eml; do
		[ -f "$m" ] || continue
		b=$OUT/$set/$(basename "$m" .eml)
		rm -f "$b.out"
		"$BIN" -c "$CONF" --test "$m" --output "$b.out" --now 2024-12-10 > "$b.json" 2> /dev/null
		echo $? > "$b.rc"
		n=$((n + 1))
	done
done
echo "differential: $n messages run by $BIN into $OUT"
