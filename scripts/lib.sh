# shellcheck shell=bash
# scripts/lib.sh: what scripts/run, scripts/test and tests/pg/fixture share:
# messages, Debian packages, and private PostgreSQL clusters.
#
# Sourced, never executed. Expects `set -euo pipefail` in the caller.
#
# A private cluster lives in one directory D, owned by the OS user that runs
# PostgreSQL and mode 0700:
#   D/data          the data directory (initdb)
#   D/.s.PGSQL.5432 the unix socket: D is also unix_socket_directories
#   D/postgres.log  the server log
# It never listens on TCP (listen_addresses = ''), so several clusters and a
# system PostgreSQL on 5432 coexist: the socket's path is what tells them
# apart, not the port.

# shellcheck disable=SC2034 # CS_ROOT, CS_PACKAGES...: for the scripts that source this
CS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CS_PG_PORT=5432

# What building and serving callsheet needs (Debian 12 names).
CS_PACKAGES=(build-essential cmake pkg-config libevent-dev libprotobuf-c-dev
             protobuf-c-compiler libpq-dev libssl-dev postgresql openssl)
# gettext: msgfmt builds the French catalog (po/fr.po) into the program's
# messages; xgettext and msgcmp check that it is complete.
CS_PACKAGES+=(gettext)
# cairo and Pango: the annual report as PDF (report annual --format pdf),
# with the fonts it names (DejaVu Sans).
CS_PACKAGES+=(libcairo2-dev libpango1.0-dev fonts-dejavu-core)
# What the test suite needs on top (clang: the libFuzzer targets; iproute2:
# `ip netns` for the network-boundary test; python3 and chromium: the
# report tests, which render the HTML report; haproxy: the scale-out test;
# cppcheck: static analysis of daemon/ and client/; tzdata: calendar
# periods of Europe/Paris computed by the watch test itself).
CS_TEST_PACKAGES=(clang iproute2 python3 chromium haproxy cppcheck tzdata)
# poppler-utils: pdfinfo, pdftotext, pdftoppm check the PDF report.
CS_TEST_PACKAGES+=(poppler-utils)
# python3-protobuf, protobuf-compiler: the protocol's conformance test
# (tests/conformance), a client generated from the proto at test time.
CS_TEST_PACKAGES+=(python3-protobuf protobuf-compiler)

cs_prog=$(basename "$0")

note() { printf '%s: %s\n' "$cs_prog" "$*" >&2; }
die() { printf '%s: error: %s\n' "$cs_prog" "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# as_root CMD...: run CMD with root privileges (directly, or through sudo).
as_root() {
	if is_root; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root to run '$*' and sudo is not installed; run it as root, then retry"
	fi
}

# ensure_packages PKG...: install the Debian packages that are missing.
# apt-get update runs only when something is missing.
ensure_packages() {
	local missing=() p status
	if ! command -v dpkg-query >/dev/null 2>&1; then
		note "not a Debian system: make sure these (or their equivalents) are installed: $*"
		return 0
	fi
	for p in "$@"; do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
		[ "$status" = installed ] || missing+=("$p")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	note "installing missing packages: ${missing[*]}"
	if ! is_root && ! command -v sudo >/dev/null 2>&1; then
		die "missing packages and no sudo; as root run: apt-get install ${missing[*]}"
	fi
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}"
}

# pg_bindir: the newest PostgreSQL server installation's bin directory.
# pg_config --bindir would name the client's (libpq-dev), which may lack
# initdb and pg_ctl.
pg_bindir() {
	local d
	d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d \
		2>/dev/null | sort -V | tail -n 1)
	if [ -n "$d" ] && [ -x "$d/initdb" ]; then
		printf '%s\n' "$d"
		return 0
	fi
	if command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
		return 0
	fi
	if command -v pg_config >/dev/null 2>&1; then
		d=$(pg_config --bindir)
		if [ -x "$d/initdb" ]; then
			printf '%s\n' "$d"
			return 0
		fi
	fi
	die "no PostgreSQL server found (initdb); install the postgresql package"
}

# pg_bin: set CS_PG_BIN to pg_bindir once (exits if there is none).
pg_bin() {
	[ -n "${CS_PG_BIN:-}" ] && return 0
	CS_PG_BIN=$(pg_bindir) || exit 1
}

# pg_os_user [DEFAULT]: the OS user the cluster runs as. PostgreSQL refuses
# to run as root, so root hands it to DEFAULT (or $CALLSHEET_PG_OS_USER); a
# normal user runs it as themself.
pg_os_user() {
	if is_root; then
		printf '%s\n' "${CALLSHEET_PG_OS_USER:-${1:-nobody}}"
	else
		id -un
	fi
}

# ensure_system_user NAME: create a locked system account if missing.
ensure_system_user() {
	getent passwd "$1" >/dev/null && return 0
	note "creating system user '$1' to run PostgreSQL (it refuses to run as root)"
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin "$1"
}

# as_pg_user USER CMD...: run CMD as USER. From root, through runuser, from
# / (USER may not be able to enter the current directory); otherwise USER
# is the caller and CMD runs directly.
as_pg_user() {
	local u=$1
	shift
	if is_root && [ "$u" != root ]; then
		(cd / && runuser -u "$u" -- "$@")
	else
		"$@"
	fi
}

# pg_check_socket_dir D: a unix socket path is limited to 107 bytes.
pg_check_socket_dir() {
	local sock="$1/.s.PGSQL.$CS_PG_PORT"
	[ "${#sock}" -le 100 ] ||
		die "socket path too long for a unix socket (${#sock} bytes): $sock; use a shorter directory"
	case $1 in
	*"'"* | *\\* | *' '*) die "cluster directory must not contain quotes, backslashes or spaces: $1" ;;
	esac
}

# pg_init D OSUSER SUPERUSER [SETTING...]: create the cluster in D (an
# absolute path; created if missing, owned by OSUSER, mode 0700). Each
# SETTING ("name = value") is appended to postgresql.conf.
pg_init() {
	local dir=$1 osuser=$2 superuser=$3 s
	shift 3
	pg_bin
	pg_check_socket_dir "$dir"
	mkdir -p "$dir"
	if is_root && [ "$osuser" != root ]; then
		chown "$osuser:" "$dir"
	fi
	chmod 0700 "$dir"
	# Trust authentication, on purpose: the only way in is the unix socket,
	# and it sits in D, mode 0700, so only OSUSER (and root) can reach it.
	# Good enough for a development or test cluster, never for production.
	as_pg_user "$osuser" "$CS_PG_BIN/initdb" -D "$dir/data" -U "$superuser" \
		-A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed in $dir/data"; }
	{
		printf '\n# callsheet: private cluster, unix socket only\n'
		printf "listen_addresses = ''\n"
		printf "unix_socket_directories = '%s'\n" "$dir"
		printf 'port = %s\n' "$CS_PG_PORT"
		for s in "$@"; do printf '%s\n' "$s"; done
	} | as_pg_user "$osuser" tee -a "$dir/data/postgresql.conf" >/dev/null
}

pg_is_running() { # D OSUSER
	pg_bin
	as_pg_user "$2" "$CS_PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1
}

# pg_start D OSUSER: start the cluster and wait until it accepts
# connections. Returns 0 at once if it is already running.
pg_start() {
	local dir=$1 osuser=$2
	pg_bin
	[ -f "$dir/data/PG_VERSION" ] || die "no PostgreSQL cluster in $dir/data"
	pg_is_running "$dir" "$osuser" && return 0
	as_pg_user "$osuser" "$CS_PG_BIN/pg_ctl" -D "$dir/data" \
		-l "$dir/postgres.log" -w -t 60 start >/dev/null ||
		{ tail -n 30 "$dir/postgres.log" >&2 || true; die "PostgreSQL did not start (log: $dir/postgres.log)"; }
}

# pg_stop D OSUSER: fast shutdown (rolls back open transactions, then a
# clean checkpoint). Returns 0 if it was not running.
pg_stop() {
	local dir=$1 osuser=$2
	pg_bin
	[ -f "$dir/data/PG_VERSION" ] || return 0
	pg_is_running "$dir" "$osuser" || return 0
	as_pg_user "$osuser" "$CS_PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 \
		stop >/dev/null
}

# pg_conninfo D SUPERUSER DBNAME: the libpq connection string to the cluster.
pg_conninfo() {
	printf 'host=%s port=%s user=%s dbname=%s\n' "$1" "$CS_PG_PORT" "$2" "$3"
}

# pg_psql D SUPERUSER DBNAME ARGS...: psql on the cluster, no psqlrc, stop
# at the first error, unaligned output without headers.
pg_psql() {
	local dir=$1 superuser=$2 db=$3
	shift 3
	pg_bin
	"$CS_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -tA \
		-h "$dir" -p "$CS_PG_PORT" -U "$superuser" -d "$db" "$@"
}

# pg_ensure_db D SUPERUSER DBNAME: create the database if it is missing.
# DBNAME is a plain identifier ([a-z0-9_]).
pg_ensure_db() {
	local dir=$1 superuser=$2 db=$3
	case $db in *[!a-z0-9_]* | '') die "bad database name: $db" ;; esac
	if [ "$(pg_psql "$dir" "$superuser" postgres \
		-c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
		pg_psql "$dir" "$superuser" postgres -c "CREATE DATABASE $db"
	fi
}

# gen_password: 16 URL-safe characters (96 random bits).
gen_password() {
	head -c 12 /dev/urandom | base64 | tr '+/' '-_'
}
