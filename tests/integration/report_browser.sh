#!/usr/bin/env bash
# report_browser.sh: the HTML annual report rendered by headless Chromium
# (report_browser.py); skipped (77) with the reason if Chromium cannot run.
. "$CALLSHEET_TEST_LIB/reportlib.sh"
r_setup
r_python report_browser.py
