"""report_breakdowns.py: `callsheet report` over the generated sheets:
cross tables with their totals (table, CSV, JSON), --compare with the year
before, several --where, and disclosure control as a reporter: nothing
under the minimum cell size shows, and an attacker written here (exact
linear algebra over the published equations) recomputes no hidden count.
Then the admin changes the minimum cell sizes. Run by
report_breakdowns.sh."""

import csv
import io
import json
import re
import sys
from decimal import Decimal
from fractions import Fraction

import reportdata as rd
from reportdata import YEAR, pct, signed_pct

T = rd.Checks("report_breakdowns")
YEAR_ARGS = ["--year", str(YEAR)]


def report(user, *args, check=True):
    return rd.cli(["report"] + YEAR_ARGS + list(args), user, check=check)


def report_json(user, *args):
    return json.loads(report(user, *args, "--format", "json").stdout,
                      parse_float=Decimal)


def key(v):
    return "" if v is None else v


def cells_of(r):
    return {tuple(key(row["keys"][d]) for d in r["group_by"]): row
            for row in r["rows"]}


def truth_cross(cons, f1, f2):
    out = {}
    for s in cons:
        for a in f1(s):
            for b in f2(s):
                out[(a, b)] = out.get((a, b), 0) + 1
    return out


def attribute(name):
    if name == "topic":
        return lambda s: s.topics
    attr = {"department": "dept"}.get(name, name)
    return lambda s: [getattr(s, attr) or ""]


def check_cross(cons):
    r = report_json("admin", "--by", "department,caller")
    truth = truth_cross(cons, attribute("department"), attribute("caller"))
    got = {k: row["count"] for k, row in cells_of(r).items()}
    T.eq(got, truth, "department x caller cells")
    rows = {}
    cols = {}
    for (a, b), n in truth.items():
        rows[a] = rows.get(a, 0) + n
        cols[b] = cols.get(b, 0) + n
    T.eq({key(t["keys"]["department"]): t["count"]
          for t in r["row_totals"]}, rows, "row totals")
    T.eq({key(t["keys"]["caller"]): t["count"]
          for t in r["column_totals"]}, cols, "column totals")
    T.eq(r["table_total"]["count"], len(cons), "table total")
    T.eq(r["total"], len(cons), "total")
    some = cells_of(r)[("75", "individual")]
    T.eq(some["percent"], pct(truth[("75", "individual")], len(cons)),
         "a cell's percent")

    # topic x caller: a call counts once per topic
    r = report_json("admin", "--by", "topic,caller")
    truth = truth_cross(cons, attribute("topic"), attribute("caller"))
    T.eq({k: row["count"] for k, row in cells_of(r).items()}, truth,
         "topic x caller cells")
    T.eq(r["table_total"]["count"], sum(truth.values()),
         "topic x caller: the cells' total counts mentions")
    T.eq(r["total"], len(cons), "topic x caller: sheets")

    # the table: the header, a row, the totals; labels, not codes
    text = report("admin", "--by", "caller,household").stdout.splitlines()
    T.eq(text[0].split(), ["Caller", "\\", "Household", "(none)", "Couple",
                           "Man", "Woman", "total"], "cross table header")
    ind = [s for s in cons if s.caller == "individual"]
    hh = rd.count_by(ind, lambda s: [s.household])
    want = ["Individual", "0", str(hh["couple"]), str(hh["man"]),
            str(hh["woman"]), str(len(ind))]
    T.eq(text[1].split(), want, "cross table row")
    totals = [l for l in text if l.startswith("total")]
    T.eq(totals[-1].split()[-1], str(len(cons)), "cross table grand total")

    # CSV: the cells, then (total) rows
    lines = list(csv.reader(io.StringIO(
        report("admin", "--by", "caller,household", "--format",
               "csv").stdout)))
    T.eq(lines[0], ["caller", "household", "count", "percent"], "csv header")
    by = {(l[0], l[1]): l[2] for l in lines[1:]}
    T.eq(by[("individual", "(total)")], str(len(ind)), "csv row total")
    T.eq(by[("(total)", "woman")], str(hh["woman"]), "csv column total")
    T.eq(by[("(total)", "(total)")], str(len(cons)), "csv grand total")
    T.eq(by[("individual", "man")], str(hh["man"]), "csv cell")


def check_where(sheets, cons):
    r = report_json("admin", "--where", "department=75", "--where",
                    "caller=individual", "--by", "household")
    want = rd.count_by([s for s in cons if s.dept == "75" and
                        s.caller == "individual"], lambda s: [s.household])
    T.eq({key(x["keys"]["household"]): x["count"] for x in r["rows"]}, want,
         "two filters on two dimensions")
    r = report_json("admin", "--where", "department=75", "--where",
                    "department=93")
    T.eq(r["total"], sum(1 for s in cons if s.dept in ("75", "93")),
         "two values of one dimension: either")
    r = report_json("admin", "--where", "call_type=silent", "--by",
                    "jurist")
    silent = [s for s in sheets if rd.in_year(s) and
              s.call_type == "silent"]
    T.eq({x["keys"]["jurist"]: x["count"] for x in r["rows"]},
         rd.count_by(silent, lambda s: [s.jurist]), "silent calls")
    r = report_json("admin", "--where", "topic=asylum", "--where",
                    "topic=work")
    T.eq(r["total"], sum(1 for s in cons if {"asylum", "work"} &
                         set(s.topics)), "topic filters: either")
    p = report("admin", "--where", "department=7Z", check=False)
    T.check(p.returncode == 1 and "'department=7Z' is not a known code"
            in p.stderr, "a bad filter value: %s", p.stderr.strip())
    p = report("admin", "--by", "caller,household", "--compare",
               check=False)
    T.check(p.returncode == 2 and "--compare" in p.stderr,
            "--compare with two --by: %s", p.stderr.strip())


def check_compare(sheets):
    now = rd.consultations(sheets)
    before = rd.consultations(sheets, YEAR - 1)
    r = report_json("admin", "--by", "caller", "--compare")
    T.eq(r["previous_period"], {"from": "%d-01-01" % (YEAR - 1),
                                "to": "%d-01-01" % YEAR}, "previous period")
    n = rd.count_by(now, lambda s: [s.caller])
    b = rd.count_by(before, lambda s: [s.caller])
    for row in r["rows"]:
        c = row["keys"]["caller"]
        T.eq(row["count"], n[c], "compare %s now" % c)
        T.eq(row["previous"]["count"], b[c], "compare %s before" % c)
        T.eq(row["previous"]["percent"], pct(b[c], len(before)),
             "compare %s before percent" % c)
        T.eq(row["change"], n[c] - b[c], "compare %s change" % c)
        T.eq(row["change_percent"], signed_pct(n[c], b[c]),
             "compare %s change percent" % c)
    t = r["total"]
    T.eq((t["count"], t["previous"]["count"], t["change"],
          t["change_percent"]),
         (len(now), len(before), len(now) - len(before),
          signed_pct(len(now), len(before))), "compare totals")
    # a month: December against the December before, CSV
    lines = list(csv.reader(io.StringIO(rd.cli(
        ["report", "--month", "%d-12" % YEAR, "--compare", "--format",
         "csv"], "admin").stdout)))
    dec = [s for s in now if s.local().month == 12]
    dec0 = [s for s in before if s.local().month == 12]
    T.eq(lines[0], ["count", "percent", "previous", "previous_percent",
                    "change", "change_percent"], "compare csv header")
    T.eq(lines[1][0], str(len(dec)), "December")
    T.eq(lines[1][2], str(len(dec0)), "the December before")
    want = signed_pct(len(dec), len(dec0), 2)  # CSV: two decimals
    T.eq(lines[1][5], ("+" if want >= 0 else "") + str(want),
         "December's change")


# ------------------------------------------------------ the attacker

def recomputable(table):
    """table: {(row, col): (count or None)} with the margins under the
    keys (row, "*"), ("*", col), ("*", "*"). Solves the equations each row
    and column obeys, exactly; returns the hidden entries it can isolate."""
    hidden = [k for k, v in table.items() if v is None]
    index = {k: i for i, k in enumerate(hidden)}
    rows = {k[0] for k in table}
    cols = {k[1] for k in table}
    eqs = []
    for r in rows:
        eqs.append([(k, 1 if k[1] != "*" else -1) for k in table
                    if k[0] == r])
    for c in cols:
        eqs.append([(k, 1 if k[0] != "*" else -1) for k in table
                    if k[1] == c])
    m = []
    for eq in eqs:
        v = [Fraction(0)] * len(hidden)
        for k, coef in eq:
            if k in index:
                v[index[k]] += coef
        m.append(v)
    # reduced row echelon form
    piv_row = 0
    pivots = []
    for c in range(len(hidden)):
        p = next((i for i in range(piv_row, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[piv_row], m[p] = m[p], m[piv_row]
        lead = m[piv_row][c]
        m[piv_row] = [x / lead for x in m[piv_row]]
        for i in range(len(m)):
            if i != piv_row and m[i][c] != 0:
                f = m[i][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[piv_row])]
        pivots.append(c)
        piv_row += 1
    return [hidden[c] for i, c in enumerate(pivots)
            if sum(1 for x in m[i] if x != 0) == 1]


def published(r):
    t = {}
    d1, d2 = r["group_by"]
    for row in r["rows"]:
        t[(key(row["keys"][d1]), key(row["keys"][d2]))] = row["count"]
    for row in r["row_totals"]:
        t[(key(row["keys"][d1]), "*")] = row["count"]
    for row in r["column_totals"]:
        t[("*", key(row["keys"][d2]))] = row["count"]
    t[("*", "*")] = r["table_total"]["count"]
    return t


def true_table(pub, truth):
    """The true counts of every entry of a published table."""
    return {c: sum(v for kk, v in truth.items()
                   if c[0] in ("*", kk[0]) and c[1] in ("*", kk[1]))
            for c in pub}


def check_suppression(cons, user, k):
    """The suppress method (a jurist under a minimum cell size): exact
    figures, the small ones hidden with partners nobody can recompute
    them from."""
    naive_leaks = 0
    for by in ("department,caller", "department,household",
               "origin,household", "weekday,hour"):
        r = report_json(user, "--by", by)
        T.eq(r["disclosure"]["min_cell"], k, "%s: k" % by)
        f1, f2 = (attribute(d) for d in by.split(","))
        if by == "weekday,hour":
            f1 = lambda s: [str(s.local().isoweekday())]  # noqa: E731
            f2 = lambda s: [str(s.local().hour)]  # noqa: E731
        truth = truth_cross(cons, f1, f2)
        pub = published(r)
        wrong = [c for c, v in pub.items() if c[0] != "*" and c[1] != "*"
                 and v is not None and v != truth[c]]
        T.eq(wrong, [], "%s: shown cells are the true counts" % by)
        small = [c for c, v in pub.items() if v is not None and 0 < v < k]
        T.eq(small, [], "%s: nothing under %d shows" % (by, k))
        T.check(all(pub[c] is None for c, n in truth.items() if n < k),
                "%s: every small cell hidden", by)
        leaks = recomputable(pub)
        T.eq(leaks, [], "%s: hidden counts an attacker recomputes" % by)
        # naive suppression (only the small counts) would leak here
        naive = {c: (None if 0 < v < k else v)
                 for c, v in true_table(pub, truth).items()}
        naive_leaks += len(recomputable(naive))
        rows = [x for x in r["rows"] if x.get("suppressed")]
        T.check(r["rows"][-len(rows):] == rows if rows else True,
                "%s: hidden rows come last", by)
    T.check(naive_leaks > 0, "naive suppression would have leaked (%d)",
            naive_leaks)
    # one dimension: never exactly one hidden count
    r = report_json(user, "--by", "department")
    hidden = [x for x in r["rows"] if x.get("suppressed")]
    T.check(len(hidden) >= 2, "départements: the 1-call one and a partner")
    T.check(all(x["count"] is None and x["percent"] is None
                for x in hidden), "hidden: null count and percent")
    text = report(user, "--by", "department").stdout
    T.check("s: hidden by disclosure control (counts under %d" % k in text,
            "the table says so")


def check_reporter(cons, user="rep", k=3, noise=4):
    """The cell-key method: every figure within the noise of the truth,
    none under k but 0, rows of 0 left out, the same answer twice.
    Reporters read closed years as published."""
    rd.close_year(YEAR - 1)
    rd.close_year(YEAR)
    p = report(user, "--by", "origin,household", check=False)
    T.check(p.returncode != 0 and "published figures" in p.stderr,
            "origin by household: not kept for reporters: %s",
            p.stderr.strip())
    for by in ("department,caller", "department,household",
               "weekday,hour"):
        r = report_json(user, "--by", by)
        dis = r["disclosure"]
        T.eq((dis["min_cell"], dis.get("perturbed"), dis.get("max_noise")),
             (k, True, max(noise, k)), "%s: perturbed, k, D" % by)
        f1, f2 = (attribute(d) for d in by.split(","))
        if by == "weekday,hour":
            f1 = lambda s: [str(s.local().isoweekday())]  # noqa: E731
            f2 = lambda s: [str(s.local().hour)]  # noqa: E731
        truth = truth_cross(cons, f1, f2)
        for c, n in list(truth.items()):
            truth[(c[0], "*")] = truth.get((c[0], "*"), 0) + n
            truth[("*", c[1])] = truth.get(("*", c[1]), 0) + n
            truth[("*", "*")] = truth.get(("*", "*"), 0) + n
        pub = published(r)
        far = [c for c, v in pub.items()
               if v is None or abs(v - truth.get(c, 0)) > max(noise, k)]
        T.eq(far, [], "%s: every figure within the noise" % by)
        small = [c for c, v in pub.items() if 0 < v < k]
        T.eq(small, [], "%s: nothing from 1 to %d shows" % (by, k - 1))
        T.check(all(x["count"] > 0 for x in r["rows"]),
                "%s: rows of 0 are left out", by)
        T.eq(report_json(user, "--by", by), r, "%s: the same twice" % by)
    text = report(user, "--by", "department").stdout
    T.check("perturbed for confidentiality" in text, "the table says so")
    # --compare: both years perturbed, each within the noise
    now = rd.count_by(cons, lambda s: [s.caller])
    r = report_json(user, "--by", "caller", "--compare")
    T.check(r["disclosure"].get("perturbed") is True, "--compare: perturbed")
    for row in r["rows"]:
        c = row["keys"]["caller"]
        T.check(abs(row["count"] - now.get(c, 0)) <= max(noise, k),
                "--compare %s: %s for %d", c, row["count"], now.get(c, 0))
    T.eq(report_json(user, "--by", "caller", "--compare"), r,
         "--compare: the same twice")
    p = report(user, "--by", "jurist", check=False)
    T.check(p.returncode != 0 and "per-jurist" in p.stderr,
            "no per-jurist figures: %s", p.stderr.strip())


HOURS = re.compile(r"\b(\d\d)-\d\d\b")


def check_calendar(user, fr_household):
    """Months, weekdays and hours in calendar order, in words, for every
    account: the hours of a cross table's columns and rows too (07-08
    before 10-11), CSV too."""
    text = report(user, "--by", "weekday,hour").stdout
    header = next(ln for ln in text.splitlines() if HOURS.search(ln))
    cols = [int(h) for h in HOURS.findall(header)]
    T.check(len(cols) > 3 and cols == sorted(cols),
            "%s: weekday x hour columns in order: %s", user, header)
    T.check("Monday" in text and "\n1 " not in text,
            "%s: weekdays named: %s", user, text[:300])
    text = report(user, "--by", "hour,weekday").stdout
    rows = [int(m.group(1)) for m in
            (HOURS.match(ln.strip()) for ln in text.splitlines()) if m]
    T.check(len(rows) > 3 and rows == sorted(rows),
            "%s: hour x weekday rows in order: %s", user, rows)
    csv = report(user, "--by", "weekday,hour", "--format", "csv").stdout
    keys = [tuple(int(x) for x in ln.split(",")[:2])
            for ln in csv.splitlines()[1:] if re.match(r"\d+,\d+,", ln)]
    T.check(len(keys) > 3 and keys == sorted(keys),
            "%s: CSV weekday x hour in order: %s", user, keys[:12])
    text = report(user, "--by", "month").stdout
    months = re.findall(r"^\s*(\w+) %d" % YEAR, text, re.M)
    T.eq(months[:2], ["January", "February"],
         "%s: months in calendar order" % user)
    text = report(user, "--by", "topic").stdout
    T.check("Right of residence" in text or "Residence" in text or
            "residence" not in text.split(),
            "%s: topics by their labels: %s", user, text[:300])
    p = rd.cli(["report"] + YEAR_ARGS + ["--by", "household"], user,
               lang="fr_FR.UTF-8")
    T.check(fr_household in p.stdout and " man " not in p.stdout,
            "%s: households in French: %s", user, p.stdout[:300])
    T.check("month in progress" not in p.stdout + p.stderr and
            "mois en cours" not in p.stdout + p.stderr,
            "%s: a closed year is not 'the month in progress'", user)
    T.check("group_by" not in p.stderr and "reporter's restatements"
            not in p.stderr, "%s: stderr in French, no server English: %s",
            user, p.stderr.strip())


def check_min_cell(cons):
    p = rd.cli(["admin", "min-cell"], "admin")
    T.eq(p.stdout.split(), ["role", "min_cell", "method", "max_noise",
                            "noise_variance",
                            "admin", "0", "suppress", "4", "4",
                            "jurist", "0", "suppress", "4", "4",
                            "reporter", "3", "perturb", "4", "4"],
         "the defaults")
    rd.cli(["admin", "min-cell", "--role", "reporter", "5"], "admin")
    check_reporter(cons, "rep", 5)
    rd.cli(["admin", "min-cell", "--role", "jurist", "3"], "admin")
    check_suppression(cons, "j1", 3)
    rd.cli(["admin", "min-cell", "--role", "jurist", "5"], "admin")
    check_suppression(cons, "j1", 5)
    rd.cli(["admin", "min-cell", "--role", "jurist", "3"], "admin")
    r = report_json("j1", "--by", "department")
    T.check(any(x.get("suppressed") for x in r["rows"]),
            "a jurist with k = 3 sees suppression")
    r = report_json("admin", "--by", "department")
    T.check(not any(x.get("suppressed") for x in r["rows"]) and
            "disclosure" not in r, "the admin sees everything")
    rd.cli(["admin", "min-cell", "--role", "jurist", "0"], "admin")
    rd.cli(["admin", "min-cell", "--role", "reporter", "3"], "admin")
    p = rd.cli(["admin", "min-cell", "--role", "reporter", "0"], "rep",
               check=False)
    T.check(p.returncode == 1 and "Only an administrator can" in p.stderr,
            "a reporter may not: %s", p.stderr.strip())
    p = rd.cli(["admin", "min-cell", "--role", "boss", "3"], "admin",
               check=False)
    T.check(p.returncode == 2 and "'boss'" in p.stderr, "a bad role")
    p = rd.cli(["admin", "min-cell", "--role", "jurist", "x"], "admin",
               check=False)
    T.check(p.returncode == 2 and "0 to 1000" in p.stderr, "a bad size")


def main():
    sheets = rd.setup()
    cons = rd.consultations(sheets)
    check_cross(cons)
    check_where(sheets, cons)
    check_compare(sheets)
    check_calendar("admin", "Femme")
    check_reporter(cons)
    check_calendar("rep", "Femme")
    check_min_cell(cons)
    return T.finish()


if __name__ == "__main__":
    sys.exit(main())
