#!/usr/bin/env bash
# report_pdf.sh: `callsheet report annual --format pdf` (poppler reads it)
# and the map of the départements (report_pdf.py).
. "$CALLSHEET_TEST_LIB/reportlib.sh"
r_setup
r_python report_pdf.py
