#!/usr/bin/env bash
# report_annual.sh: `callsheet report annual` over a generated dataset, every
# figure checked against the test's own computation (report_annual.py).
. "$CALLSHEET_TEST_LIB/reportlib.sh"
r_setup
r_python report_annual.py
