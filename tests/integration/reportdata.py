"""reportdata.py: a generated dataset of sheets for the report tests, and
the figures computed from it independently of callsheet (Python's own
calendar, time zones and decimal rounding).

The dataset is deterministic (seeded) and built so that the interesting
cases happen: ties in the département ranking, percentages exactly half-way
at the shown precision, calls around midnight on New Year's Eve (Paris time
differs from UTC), voided sheets, non-consultation calls, small cells for
disclosure control.
"""

import csv
import datetime as dt
import io
import os
import random
import subprocess
import uuid
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
YEAR = 2024
TOPICS = ["entry", "residence", "social_rights", "family", "nationality",
          "asylum", "removal", "work", "other"]
ORIGINS = ["africa", "maghreb", "latin_america", "europe_eu", "europe_other",
           "asia", "middle_east", "north_america", "oceania", "unknown"]
JURISTS = ["j1", "j2"]

# Consultations per département in YEAR: 93 and 94 ahead of the focus 75,
# 92 and 95 tied (competition ranks 4, 4, then 6), 13 with a single call
# (1 / 4000 = 0.025 %: half-way at two decimals), abroad and unknown not
# ranked. The rest is spread over other départements.
DEPT_COUNTS = {"93": 700, "94": 520, "75": 400, "92": 300, "95": 300,
               "91": 180, "77": 150, "78": 150, "13": 1, "99": 40,
               "unknown": 59}
OTHER_DEPTS = ["01", "06", "31", "33", "35", "44", "59", "67", "69", "2A",
               "971", "974", "975"]
TOTAL = 4000
PREVIOUS_TOTAL = 3200  # +25.0 %
NON_CONSULTATION = {"silent": 150, "hang_up": 70, "wrong_number": 25,
                    "abusive": 4, "test": 1}


def half_up(value, places):
    """Decimal value rounded half up to places decimals."""
    q = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(q, rounding=ROUND_HALF_UP)


def pct(n, base, places=1):
    return half_up(Decimal(n) * 100 / Decimal(base), places)


def signed_pct(now, before, places=1):
    mag = pct(abs(now - before), before, places)
    return -mag if now < before else mag


def service_hours(weekday, hour):
    """Monday-Friday 9-13 and 14-16 (weekday 1..7, ISO)."""
    return weekday <= 5 and (9 <= hour < 13 or 14 <= hour < 16)


class Sheet:
    __slots__ = ("id", "jurist", "start", "duration", "call_type", "dept",
                 "caller", "pro_kind", "pro_sector", "household", "origin",
                 "topics", "voided")

    def local(self):
        return self.start.astimezone(PARIS)


def _random_start(rng, year, in_service=True):
    """A call time in Paris: mostly within service hours."""
    while True:
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        if day.year != year:
            continue
        if in_service:
            if day.isoweekday() > 5:
                continue
            hour = rng.choice([9, 10, 11, 12, 14, 15])
        else:
            hour = rng.choice([7, 8, 13, 16, 17, 18, 20])
        t = dt.datetime(day.year, day.month, day.day, hour,
                        rng.randrange(60), rng.randrange(60), tzinfo=PARIS)
        return t


def _consultation(rng, dept, start):
    s = Sheet()
    s.id = uuid.UUID(int=rng.getrandbits(128), version=4)
    s.jurist = JURISTS[0] if rng.random() < 0.6 else JURISTS[1]
    s.start = start
    s.duration = rng.randrange(60, 1500)
    if s.duration % 97 == 0:
        s.duration = 0  # not measured: left out of the durations
    s.call_type = "consultation"
    s.dept = dept
    s.voided = False
    s.pro_kind = s.pro_sector = s.household = s.origin = None
    if rng.random() < 0.6:
        s.caller = "individual"
        s.household = rng.choice(["man", "woman", "woman", "couple"])
        s.origin = rng.choice(ORIGINS[:4] * 3 + ORIGINS)
    else:
        s.caller = "professional"
        s.pro_kind = rng.choice(["public_body"] * 7 + ["association"] * 2 +
                                ["other"])
        if s.pro_kind == "public_body":
            s.pro_sector = rng.choice(["local_social_services"] * 3 +
                                      ["hospital_medico_social",
                                       "other_public"])
    k = rng.choice([1, 1, 1, 2, 2, 3])
    s.topics = sorted(rng.sample(TOPICS, k), key=TOPICS.index)
    return s


def generate(seed=20240101):
    rng = random.Random(seed)
    sheets = []
    counts = dict(DEPT_COUNTS)
    rest = TOTAL - sum(counts.values())
    for i in range(rest):
        d = OTHER_DEPTS[i % len(OTHER_DEPTS)]
        counts[d] = counts.get(d, 0) + 1
    # the year's consultations; about 8 % outside service hours
    for dept, n in sorted(counts.items()):
        for _ in range(n):
            start = _random_start(rng, YEAR, rng.random() > 0.08)
            sheets.append(_consultation(rng, dept, start))
    # New Year's Eve: 00:30 on 1 January Paris is still 31 December in
    # UTC; 23:30 on 31 December Paris is still in YEAR.
    edges = [dt.datetime(YEAR, 1, 1, 0, 30, tzinfo=PARIS),
             dt.datetime(YEAR, 12, 31, 23, 30, tzinfo=PARIS)]
    for s, t in zip(sheets[:2], edges):
        s.start = t
    # the year before (its last call at 23:45 Paris on 31 December, which
    # is 22:45 UTC) and the first call of the year after
    for i in range(PREVIOUS_TOTAL):
        start = _random_start(rng, YEAR - 1)
        sheets.append(_consultation(rng, rng.choice(list(DEPT_COUNTS)),
                                    start))
    sheets[-1].start = dt.datetime(YEAR - 1, 12, 31, 23, 45, tzinfo=PARIS)
    after = _consultation(rng, "75",
                          dt.datetime(YEAR + 1, 1, 1, 0, 10, tzinfo=PARIS))
    sheets.append(after)
    # voided sheets leave the reports: extra ones, voided
    for _ in range(7):
        s = _consultation(rng, "75", _random_start(rng, YEAR))
        s.voided = True
        sheets.append(s)
    # calls that are not consultations: no caller, no topic
    for ct, n in NON_CONSULTATION.items():
        for _ in range(n):
            s = Sheet()
            s.id = uuid.UUID(int=rng.getrandbits(128), version=4)
            s.jurist = rng.choice(JURISTS)
            s.start = _random_start(rng, YEAR)
            s.duration = rng.randrange(0, 30)
            s.call_type = ct
            s.dept = s.caller = s.pro_kind = s.pro_sector = None
            s.household = s.origin = None
            s.topics = []
            s.voided = False
            sheets.append(s)
    return sheets


def load(sheets, psql, conninfo, before=0):
    """Stores the sheets with COPY (codes mapped to taxonomy ids by SQL),
    after the before sheets stored already."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for s in sheets:
        w.writerow([str(s.id), s.jurist, s.start.isoformat(), s.duration,
                    s.call_type, s.dept or "", s.caller or "",
                    s.pro_kind or "", s.pro_sector or "", s.household or "",
                    s.origin or "", ";".join(s.topics),
                    "t" if s.voided else "f"])
    sql = (
        "CREATE TEMP TABLE load (id uuid, jurist text, call_start "
        "timestamptz, duration_s int, call_type text, department text, "
        "caller text, pro_kind text, pro_sector text, household text, "
        "origin text, topics text, voided boolean);\n"
        "COPY load FROM STDIN (FORMAT csv);\n" + buf.getvalue() + "\\.\n"
        "INSERT INTO sheet (id, jurist_id, call_start, duration_s, "
        "call_type, department, caller, pro_kind, pro_sector, household, "
        "origin, topics, voided_at)\n"
        "SELECT l.id, a.id, l.call_start, l.duration_s,\n"
        " (SELECT id FROM taxonomy WHERE dimension = 'call_type'"
        "   AND code = l.call_type),\n" +
        "".join(
            " (SELECT id FROM taxonomy WHERE dimension = '%s'"
            "   AND code = nullif(l.%s, '')),\n" % (d, d)
            for d in ("department", "caller", "pro_kind", "pro_sector",
                      "household", "origin")) +
        " (SELECT coalesce(sum(1::bigint << topic_bit), 0) FROM taxonomy"
        "   WHERE dimension = 'topic'"
        "   AND code = ANY (string_to_array(nullif(l.topics, ''), ';'))),\n"
        " CASE WHEN l.voided THEN now() END\n"
        "FROM load l JOIN account a ON a.name = l.jurist;\n"
        "SELECT count(*) FROM sheet;\n")
    out = subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA",
                          conninfo], input=sql, capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError("loading the sheets failed: " + out.stderr)
    stored = int(out.stdout.split()[-1])
    if stored != before + len(sheets):
        raise RuntimeError("stored %d sheets of %d" %
                           (stored, before + len(sheets)))


# ------------------------------------------------------------- expectations

def in_year(s, year=YEAR):
    return not s.voided and s.local().year == year


def consultations(sheets, year=YEAR, focus=None):
    return [s for s in sheets if in_year(s, year) and
            s.call_type == "consultation" and
            (focus is None or s.dept == focus)]


def count_by(items, key):
    out = {}
    for s in items:
        for k in key(s):
            out[k] = out.get(k, 0) + 1
    return out


def competition_ranks(counts):
    """{code: rank} for the rankable départements: 1 + how many have more."""
    ranked = {c: n for c, n in counts.items() if c not in ("99", "unknown")}
    return {c: 1 + sum(1 for m in ranked.values() if m > n)
            for c, n in ranked.items()}


def median_parts(values):
    v = sorted(values)
    n = len(v)
    return v[(n - 1) // 2], v[n // 2]


# ------------------------------------------------------------ test helpers

class Checks:
    """Counts checks; a failed one is reported with its message."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, ok, msg, *args):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("%s: FAIL: %s" % (self.name, msg % args if args else msg),
                  flush=True)
        return ok

    def eq(self, got, want, what):
        return self.check(got == want, "%s: got %r, want %r", what, got,
                          want)

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 0 if self.failed == 0 and self.passed > 0 else 1


def cli(args, user, lang="C.UTF-8", check=True):
    """Runs callsheet as user (password "secret"); the finished process."""
    env = dict(os.environ, CALLSHEET_USER=user, CALLSHEET_PASSWORD="secret",
               LANG=lang, LC_ALL="", LC_MESSAGES="")
    p = subprocess.run([os.environ["CALLSHEET_TEST_CLI"]] + args, env=env,
                       capture_output=True, text=True, check=False)
    if check and p.returncode != 0:
        raise RuntimeError("callsheet %s: exit %d: %s" %
                           (" ".join(args), p.returncode, p.stderr))
    return p


def setup():
    """The generated sheets, stored in the test's database."""
    sheets = generate()
    load(sheets, os.environ["CALLSHEET_TEST_PSQL"],
         os.environ["CALLSHEET_TEST_DB"])
    return sheets


def close_year(year):
    """Closes a year (reporters read closed periods only, as published);
    nothing if it is closed already."""
    cli(["admin", "close-period", "--year", str(year)], "admin",
        check=False)
