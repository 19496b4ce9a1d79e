#!/bin/sh
# msg_oracle.t - the fast reader's oracle (tests/test_msg_fast.c) over the
# generated sets too: tests/realworld/gen.py, tests/hostile/gen.py,
# tests/realistic/gen.py and tests/bench/gen_e2e.py, written once into
# $SM_BUILD/oracle/, each message and SM_ORACLE_MUTANTS (12) mutations of it
# read by the fast reader and by GMime, compared field by field (TAP).
set -u
TOP=${SM_TOP:-$(pwd)}
BUILD=${SM_BUILD:-$TOP/build}
G=$BUILD/oracle
mkdir -p "$G"
[ -d "$G/realworld" ] || python3 "$TOP/tests/realworld/gen.py" "$G/realworld" > /dev/null || exit 1
[ -d "$G/hostile" ] || python3 "$TOP/tests/hostile/gen.py" "$G/hostile" > /dev/null || exit 1
[ -d "$G/realistic" ] || python3 "$TOP/tests/realistic/gen.py" "$G/realistic" > /dev/null || exit 1
[ -d "$G/e2e" ] || python3 "$TOP/tests/bench/gen_e2e.py" "$G/e2e" 20000 2024-12-10 > /dev/null || exit 1
SM_TOP=$TOP SM_ORACLE_DIRS="$G/realworld:$G/hostile:$G/realistic:$G/e2e" exec "$BUILD/tests/test_msg_fast"
