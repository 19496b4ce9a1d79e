#!/bin/sh
# e2e.sh - benchmark item 3, messages/s through Postfix without a milter, with
# support-milter, with MIMEDefang and with null-milter, over unix: and inet:
# sockets: tests/bench/e2e.py does the work (see its header for the method
# and the E2E_* environment variables).
#   sh tests/bench/e2e.sh        (from the top directory; make bench runs it)
TOP=${SM_TOP:-$(pwd)}
exec python3 "$TOP/tests/bench/e2e.py" "$@"
