#!/bin/sh
# e2e.sh - benchmark item 3 (skeleton): messages/s end to end through a
# private Postfix on loopback, with no milter, with a milter at SOCKET
# (support-milter's daemon, or MIMEDefang as the peer), as in
# ../shared/notes/peer.md:
#   smtp-source -> Postfix smtpd (smtpd_milters) -> relayhost -> smtp-sink
#
#   sh tests/bench/e2e.sh [SOCKET]      SOCKET e.g. inet:127.0.0.1:8891 or unix:/abs/sock
#
# The milter must already be running (this script does not start one): the
# daemon is not merged yet.  Prints "bench e2e: <label> <msgs> messages in
# <s> s: <n> msg/s".  Compare medians of interleaved runs against the run
# without a milter, never absolute figures (±25 % between runs here).
# Environment: E2E_MESSAGES (2000), E2E_SESSIONS (4), E2E_SIZE (20000 bytes),
# E2E_PORT (10025), E2E_SINK_PORT (10026), SM_BUILD.
set -u
MILTER=${1:-}
N=${E2E_MESSAGES:-2000}
SESS=${E2E_SESSIONS:-4}
SIZE=${E2E_SIZE:-20000}
PORT=${E2E_PORT:-10025}
SINKPORT=${E2E_SINK_PORT:-10026}
D=${SM_BUILD:-$(pwd)/build}/e2e
D=$(mkdir -p "$D" && cd "$D" && pwd)

die() { echo "bench e2e: $*" >&2; [ -f "$D/postfix.log" ] && tail -n 20 "$D/postfix.log" >&2; exit 1; }

# Bounded wait for a condition (a shell command), in tenths of a second.
wait_for() { # $1 tenths, $2 command
	i=0
	while [ $i -lt "$1" ]; do eval "$2" && return 0; sleep 0.1; i=$((i + 1)); done
	return 1
}

setup() {
	rm -rf "$D/queue" "$D/sink" "$D/data"
	mkdir -p "$D/conf" "$D/queue" "$D/sink" "$D/data"
	chown postfix "$D/data" && chown postfix "$D/sink"
	cat > "$D/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $D/queue
data_directory = $D/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.bench.invalid
mydestination =
local_recipient_maps =
alias_maps =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relayhost = [127.0.0.1]:$SINKPORT
smtp_dns_support_level = disabled
smtp_tls_security_level = none
maillog_file = $D/postfix.log
maillog_file_prefixes = $D
minimal_backoff_time = 5s
maximal_backoff_time = 10s
queue_run_delay = 5s
milter_default_action = tempfail
milter_protocol = 6
smtpd_milters = $MILTER
EOF
	# Debian's service list, chroot off, smtpd on our port, postlog kept
	sed -e 's/^\([a-z][a-z-]* *\(inet\|unix\|unix-dgram\|fifo\|pass\) *[-ny] *[-ny] *\)y/\1n/' \
	    -e "s/^smtp *inet /127.0.0.1:$PORT inet /" /etc/postfix/master.cf > "$D/conf/master.cf"
}

start() {
	script -qec "postfix -c $D/conf start" /dev/null > "$D/start.out" 2>&1 || die "postfix start failed"
	wait_for 100 "banner $PORT" ||
		die "no 220 banner on $PORT"
}

banner() { # the SMTP greeting on port $1 starts with 220
	python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)
sys.exit(0 if s.recv(512).startswith(b"220") else 1)' "$1" 2> /dev/null
}

stop() {
	postfix -c "$D/conf" stop > /dev/null 2>&1
	[ -n "${SINK:-}" ] && kill "$SINK" 2> /dev/null
}

run() {
	smtp-sink -u postfix -d "$D/sink/%M." "127.0.0.1:$SINKPORT" 256 &
	SINK=$!
	trap stop EXIT
	start
	t0=$(date +%s.%N)
	smtp-source -c -s "$SESS" -m "$N" -l "$SIZE" -f bench@example.co.jp \
		-t supportmail@microsoft.com "127.0.0.1:$PORT" > /dev/null || die "smtp-source failed"
	wait_for 6000 "[ \$(find '$D/sink' -type f | wc -l) -ge $N ]" || die "only $(find "$D/sink" -type f | wc -l) of $N delivered"
	t1=$(date +%s.%N)
	awk -v n="$N" -v a="$t0" -v b="$t1" -v l="${MILTER:-no milter}" \
		'BEGIN { printf "bench e2e: %s: %d messages in %.2f s: %.0f msg/s\n", l, n, b - a, n / (b - a) }'
}

command -v postfix > /dev/null && command -v smtp-source > /dev/null || die "postfix missing (make deps)"
setup
run
