#!/usr/bin/env bash
# report_breakdowns.sh: `callsheet report` cross tables, --compare, --where,
# and disclosure control as a reporter (report_breakdowns.py).
. "$CALLSHEET_TEST_LIB/reportlib.sh"
r_setup
r_python report_breakdowns.py
