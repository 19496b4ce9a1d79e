# sanenv.sh - sourced by the sanitizer, fuzz-replay and hostile TAP scripts: paths and
# the sanitizer settings every run uses.  Not a test itself (no .t suffix).
TOP=${SM_TOP:-$(pwd)}
BUILD=${SM_BUILD:-$TOP/build}
SAN=$BUILD/san
SHARED=${SM_SHARED:-$TOP/../shared}
SUPP="$TOP/tests/fuzz/lsan.supp"
KNOWN="$TOP/tests/fuzz/known-bugs.supp"
# exitcode 86: a sanitizer report, told apart from the --test exit codes 0-2.
# fast_unwind_on_malloc=0: GLib has no frame pointers; without it leak stacks
# stop inside GLib and suppressions cannot match.
# $1: the one LSan suppression file to use (see san_supp).
san_env() {
	export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:exitcode=86:abort_on_error=0:fast_unwind_on_malloc=0:malloc_context_size=20:detect_stack_use_after_return=0"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86:suppressions=$TOP/tests/fuzz/ubsan.supp"
	export LSAN_OPTIONS="suppressions=$1:print_suppressions=0"
	export G_SLICE=always-malloc G_DEBUG=gc-friendly
}
# Corpus messages: the project's own, the shared labelled set, the vectors.
corpus_files() {
	for d in "$TOP/tests/corpus" "$SHARED/corpus/public" "$SHARED/corpus/vectors"; do
		[ -d "$d" ] && find "$d" -maxdepth 2 -name '*.eml' -type f
	done | sort
}
# Suppressions for a run: the library ones, plus known bugs unless $1 = base.
san_supp() {
	f="$BUILD/san-$1.supp"
	mkdir -p "$BUILD"
	if [ "$1" = base ]; then cat "$SUPP" > "$f"; else cat "$SUPP" "$KNOWN" > "$f"; fi
	echo "$f"
}
# Known open bug matching a sanitizer log ($1): prints its description.
known_ub() {
	f0=$(grep -m 1 -E '^ *#0 0x[0-9a-f]+ in ' "$1" | sed 's/.* in \([A-Za-z0-9_]*\).*/\1/')
	[ -n "$f0" ] && grep -E "^# ub:$f0: " "$KNOWN" | sed "s/^# ub:$f0: //"
}
# The top-level "action" of a --test JSON file ($1), or "?".
top_action() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("action"))' "$1" 2>/dev/null || echo "?"
}
