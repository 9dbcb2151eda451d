#!/usr/bin/env bash
# tests/integration/install.sh: `cmake --install --prefix /usr` into a
# DESTDIR puts everything where Debian expects it; the installed daemon
# runs and accepts the installed configuration; the systemd unit is valid
# (systemd-analyze verify, when there) and sandboxed (its exposure score).
. "$CALLSHEET_TEST_LIB/testlib.sh"

: "${CALLSHEET_TEST_BUILD:?run me through ctest}"
: "${CALLSHEET_TEST_CMAKE:?run me through ctest}"

dest=$T_TMP/dest
DESTDIR=$dest "$CALLSHEET_TEST_CMAKE" --install "$CALLSHEET_TEST_BUILD" \
	--prefix /usr >"$T_TMP/install.log" 2>&1 ||
	{ cat "$T_TMP/install.log" >&2; t_fail "cmake --install failed"; }

for f in usr/sbin/callsheetd usr/bin/callsheet \
	lib/systemd/system/callsheetd.service \
	usr/lib/sysusers.d/callsheet.conf \
	etc/callsheet/callsheetd.conf \
	usr/share/callsheet/schema/0001_init.sql \
	usr/share/doc/callsheet/OPERATIONS.md \
	usr/share/doc/callsheet/PROTOCOL.md \
	usr/share/doc/callsheet/haproxy.cfg; do
	[ -f "$dest/$f" ] || t_fail "not installed: /$f"
done
[ -x "$dest/usr/sbin/callsheetd" ] || t_fail "/usr/sbin/callsheetd is not executable"
t_eq "$(stat -c %a "$dest/etc/callsheet/callsheetd.conf")" 640 \
	"the configuration (it may hold a connection string) is not world-readable"

# The installed daemon runs, and takes the installed configuration.
"$dest/usr/sbin/callsheetd" --version | grep -q '^callsheetd ' ||
	t_fail "the installed callsheetd does not run"
t_eq "$("$dest/usr/sbin/callsheetd" -c "$dest/etc/callsheet/callsheetd.conf" --check-config)" \
	"configuration ok" "--check-config on the installed configuration"

# The unit runs what was installed, with the installed configuration.
unit=$dest/lib/systemd/system/callsheetd.service
grep -q '^ExecStart=/usr/sbin/callsheetd -c /etc/callsheet/callsheetd.conf$' "$unit" ||
	t_fail "the unit does not start /usr/sbin/callsheetd -c /etc/callsheet/callsheetd.conf"
for key in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes ProtectHome=yes \
	PrivateDevices=yes CapabilityBoundingSet= 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX'; do
	grep -qx "$key" "$unit" || t_fail "the unit lacks $key"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify checks the commands exist: point them at the DESTDIR copies
	sed "s#/usr/sbin/callsheetd#$dest/usr/sbin/callsheetd#g" "$unit" \
		>"$T_TMP/callsheetd.service"
	out=$(systemd-analyze verify "$T_TMP/callsheetd.service" 2>&1) ||
		t_fail "systemd-analyze verify: $out"
	[ -z "$out" ] || t_fail "systemd-analyze verify: $out"
	score=$(systemd-analyze security --offline=true "$T_TMP/callsheetd.service" 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	[ -n "$score" ] || t_fail "systemd-analyze security gave no score"
	t_note "systemd-analyze security: exposure $score (0 = locked down, 10 = none)"
	awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' ||
		t_fail "the unit's exposure is $score; it should stay at 2.0 or less"
else
	t_note "systemd-analyze not installed: unit syntax not verified"
fi
echo "install: 1 passed, 0 failed"
