"""report_annual.py: `callsheet report annual` over a generated year of
sheets (reportdata.py): every figure of the JSON report against this test's
own computation; the focus sentence with a tie; the other formats; French;
and what a reporter (minimum cell size 3) sees. Run by report_annual.sh."""

import datetime
import json
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from decimal import Decimal

import reportdata as rd
from reportdata import YEAR, half_up, pct, signed_pct

NBSP = "\u00a0"
T = rd.Checks("report_annual")


def annual(user, *args, lang="C.UTF-8"):
    p = rd.cli(["report", "annual", "--year", str(YEAR)] + list(args), user,
               lang=lang)
    return p.stdout


def annual_json(user, *args, lang="C.UTF-8"):
    return json.loads(annual(user, "--format", "json", *args, lang=lang),
                      parse_float=Decimal)


def items(b):
    return {(i["code"] or ""): i for i in b["items"]}


def check_breakdown(b, counts, base, name, places=1):
    """counts: {code: n}; every item's count and percent, and no other."""
    T.check(b["shown"], "%s: shown", name)
    T.eq(b["base"], base, name + " base")
    got = items(b)
    T.eq(sorted(got), sorted(counts), name + " codes")
    for code, n in counts.items():
        it = got.get(code)
        if it is None:
            continue
        T.eq(it["count"], n, "%s %s count" % (name, code))
        T.eq(it["percent"], pct(n, base, places),
             "%s %s percent" % (name, code))


def fmt_count(n, fr=False):
    s = "{:,}".format(n)
    return s.replace(",", NBSP) if fr else s


def fmt_pct(d, fr=False):
    s = str(d)
    return (s.replace(".", ",") if fr else s) + NBSP + "%"


def dept_name(code, labels):
    return "%s (%s)" % (labels[code], code)


def expected_focus(counts, code, labels, fr=False):
    """The sentence, built here from the counts."""
    ranks = rd.competition_ranks(counts)
    n = counts[code]
    total = sum(counts.values())
    ahead = sorted((c for c in ranks if counts[c] > n),
                   key=lambda c: (-counts[c], c))
    tied = sorted(c for c in ranks if counts[c] == n and c != code)

    def names(v):
        shown = v[:3]
        words = [dept_name(c, labels) for c in shown]
        if len(v) > 3:
            return ", ".join(words) + (" et %d autres" if fr else
                                       " and %d others") % (len(v) - 3)
        if len(words) == 1:
            return words[0]
        return ", ".join(words[:-1]) + (" et " if fr else " and ") + \
            words[-1]

    p = fmt_pct(pct(n, total, 2), fr)
    if fr:
        s = "%s : %s consultations, %s de l’ensemble des %s consultations, " % (
            dept_name(code, labels), fmt_count(n, True), p,
            fmt_count(total, True))
        s += "au 1er rang" if ranks[code] == 1 else \
            "au %de rang" % ranks[code]
        if tied:
            s += ", ex aequo avec " + names(tied)
        if ahead:
            s += ", derrière " + names(ahead)
    else:
        s = "%s: %s consultations, %s of all %s consultations, ranked %d" % (
            dept_name(code, labels), fmt_count(n), p, fmt_count(total),
            ranks[code])
        if tied:
            s += ", tied with " + names(tied)
        if ahead:
            s += ", behind " + names(ahead)
    return s + "."


def check_full(sheets, focus):
    cons = rd.consultations(sheets)
    prev = rd.consultations(sheets, YEAR - 1)
    fc = rd.consultations(sheets, focus=focus) if focus else cons
    r = annual_json("admin", *(["--focus", focus] if focus else []))

    T.eq(r["disclosure"]["min_cell"], 0, "admin: no suppression")
    c = r["consultations"]
    T.eq(c["count"], len(cons), "consultations")
    T.eq(c["previous"], len(prev), "previous year")
    T.eq(c["change"], len(cons) - len(prev), "change")
    T.eq(c["change_percent"], signed_pct(len(cons), len(prev)),
         "change percent")

    year_calls = [s for s in sheets if rd.in_year(s)]
    other = rd.count_by([s for s in year_calls
                         if s.call_type != "consultation"],
                        lambda s: [s.call_type])
    check_breakdown(r["other_calls"], other, len(year_calls), "other calls")

    depts = rd.count_by(cons, lambda s: [s.dept])
    check_breakdown(r["departments"], depts, len(cons), "départements", 2)
    ranks = rd.competition_ranks(depts)
    for code, it in items(r["departments"]).items():
        T.eq(it.get("rank"), ranks.get(code), "rank of " + code)
    # a tie and a half-way share were exercised
    T.check(len(set(ranks.values())) < len(ranks), "the data has ties")
    T.eq(items(r["departments"])["13"]["percent"], Decimal("0.03"),
         "1 of 4000 = 0.025 %, half up")

    if focus:
        f = r["focus"]
        T.eq(f["count"], depts[focus], "focus count")
        T.eq(f["percent"], pct(depts[focus], len(cons), 2), "focus percent")
        T.eq(f["rank"], ranks[focus], "focus rank")
        T.eq([b["code"] for b in f["behind"]],
             sorted((c for c in ranks if depts[c] > depts[focus]),
                    key=lambda c: (-depts[c], c)), "focus behind")
        T.eq(sorted(t["code"] for t in f["tied_with"]),
             sorted(c for c in ranks if depts[c] == depts[focus] and
                    c != focus), "focus tied with")
        labels = {i["code"]: i["label"].rsplit(" (", 1)[0]
                  for i in r["departments"]["items"] if i["code"]}
        T.eq(f["text"], expected_focus(depts, focus, labels), "focus text")
    else:
        T.eq(r["focus"], None, "no focus")

    check_breakdown(r["caller"], rd.count_by(fc, lambda s: [s.caller]),
                    len(fc), "caller")
    pros = [s for s in fc if s.caller == "professional"]
    check_breakdown(r["pro_kind"], rd.count_by(pros, lambda s: [s.pro_kind]),
                    len(pros), "pro_kind")
    pub = [s for s in pros if s.pro_kind == "public_body"]
    check_breakdown(r["pro_sector"],
                    rd.count_by(pub, lambda s: [s.pro_sector]), len(pub),
                    "pro_sector")
    ind = [s for s in fc if s.caller == "individual"]
    check_breakdown(r["household"],
                    rd.count_by(ind, lambda s: [s.household]), len(ind),
                    "household")
    check_breakdown(r["origin"], rd.count_by(ind, lambda s: [s.origin]),
                    len(ind), "origin")
    check_breakdown(r["topic"], rd.count_by(fc, lambda s: s.topics),
                    len(fc), "topic")
    T.check(r["topic"]["multi"], "topics: a call counts once per topic")

    months = {"%04d-%02d" % (YEAR, m): 0 for m in range(1, 13)}
    months.update(rd.count_by(cons, lambda s: ["%04d-%02d" % (
        s.local().year, s.local().month)]))
    check_breakdown(r["months"], months, len(cons), "months")

    g = r["weekday_hour"]
    cells = rd.count_by(cons, lambda s: [(s.local().isoweekday(),
                                          s.local().hour)])
    wrong = [(c["weekday"], c["hour"]) for c in g["cells"]
             if c["count"] != cells.get((c["weekday"], c["hour"]), 0) or
             c["service"] != rd.service_hours(c["weekday"], c["hour"])]
    T.eq(wrong, [], "weekday x hour cells that differ")
    T.eq(len(g["cells"]), 7 * 24, "every weekday and hour")
    inside = sum(n for (d, h), n in cells.items() if rd.service_hours(d, h))
    T.eq(g["in_service"], inside, "within service hours")
    T.eq(g["out_of_service"], len(cons) - inside, "outside")
    T.eq(g["in_service_percent"], pct(inside, len(cons)), "within %")
    T.eq(g["out_of_service_percent"], pct(len(cons) - inside, len(cons)),
         "outside %")

    d = r["duration"]
    durations = [s.duration for s in cons if s.duration > 0]
    T.check(len(durations) < len(cons), "some durations not measured (0)")
    lo, hi = rd.median_parts(durations)
    T.eq(d["count"], len(durations), "durations counted")
    T.eq(d["sum_s"], sum(durations), "durations summed")
    T.eq((d["median_low_s"], d["median_high_s"]), (lo, hi), "median parts")
    T.eq(d["mean_s"], int(half_up(Decimal(sum(durations)) /
                                  len(durations), 0)), "mean")
    T.eq(d["median_s"], int(half_up(Decimal(lo + hi) / 2, 0)), "median")

    check_breakdown(r["jurists"], rd.count_by(cons, lambda s: [s.jurist]),
                    len(cons), "jurists")
    return r


def check_formats(sheets, r):
    """text, md and html say the same; -o writes a file."""
    text = annual("admin", "--focus", "75")
    md = annual("admin", "--focus", "75", "--format", "md")
    T.eq(annual("admin", "--focus", "75", "--format", "markdown"), md,
         "--format markdown is md")
    sentence = r["focus"]["text"]
    T.check(sentence in text, "text: the focus sentence")
    T.check(sentence in md, "md: the focus sentence")
    T.check(r["consultations"]["text"] in text, "text: consultations")
    T.check(re.search(r"\(of [\d,]+ consultations whose duration was "
                      r"measured\)", text), "text: the durations' base, "
            "without the sheets of duration 0")
    T.check(md.startswith("# Annual activity report %d" % YEAR), "md title")
    T.check("| 3 | Paris (75) | 400 | 10.00" + NBSP + "% |" in md,
            "md: Paris's row")
    T.check("| Rank | Département | Consultations | Share |" in md,
            "md: the départements' header names every column")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.html")
        p = rd.cli(["report", "annual", "--year", str(YEAR), "--focus", "75",
                    "--format", "html", "-o", out], "admin")
        T.eq(p.stdout, "", "-o: nothing on the standard output")
        html = open(out, encoding="utf-8").read()
    T.check(html.startswith("<!DOCTYPE html>"), "html doctype")
    T.check(re.search(r"The chart shows the first 20 of \d+; the table lists "
                      r"them all\.", html), "html: the départements' chart "
            "says it shows 20 of them")
    try:
        root = ET.fromstring(html.replace("<!DOCTYPE html>", "", 1))
        svgs = root.findall(".//{http://www.w3.org/2000/svg}svg")
    except ET.ParseError as e:
        T.check(False, "html is not well-formed XML: %s", e)
        svgs = []
    T.check(len(svgs) >= 11, "html: a chart per section (%d)", len(svgs))
    for bad in ("src=", "href=", "@import"):
        T.check(bad not in html, "html: no external resource (%s)", bad)
    T.eq(re.findall(r"url\((?!#)[^)]*\)", html), [],
         "html: url() only to the page's own parts")
    T.check(sentence.replace("'", "&#39;") in html, "html: the sentence")


def check_french(sheets):
    r = annual_json("admin", "--focus", "75", lang="fr_FR.UTF-8")
    depts = rd.count_by(rd.consultations(sheets), lambda s: [s.dept])
    labels = {i["code"]: i["label"].rsplit(" (", 1)[0]
              for i in r["departments"]["items"] if i["code"]}
    T.eq(r["lang"], "fr", "French")
    T.eq(r["focus"]["text"], expected_focus(depts, "75", labels, fr=True),
         "the French sentence")
    T.eq(items(r["caller"])["individual"]["label"], "Particulier",
         "taxonomy labels in French")
    text = annual("admin", "--focus", "75", lang="fr_FR.UTF-8")
    T.check("Consultations par département" in text and "Thèmes" in text,
            "French titles")


def check_reporter(sheets):
    """The cell-key method (k = 3, D = 4): every figure within 4 of the
    truth, none from 1 to 2, the same twice, no per-jurist figures.
    Reporters read closed years as published."""
    rd.close_year(YEAR - 1)
    rd.close_year(YEAR)
    r = annual_json("rep", "--focus", "13")
    d = r["disclosure"]
    T.eq((d["min_cell"], d.get("perturbed"), d.get("max_noise")),
         (3, True, 4), "reporter: perturbed, k = 3, D = 4")
    T.check(r["focus"]["count"] is None and r["focus"]["suppressed"],
            "a focus with 1 call reads hidden, never 0: %s", r["focus"])
    T.check(not r["jurists"]["shown"], "no per-jurist figures")
    cons = rd.consultations(sheets)
    truth = {"other_calls": rd.count_by(
        [s for s in sheets if rd.in_year(s) and
         s.call_type != "consultation"], lambda s: [s.call_type]),
        "departments": rd.count_by(cons, lambda s: [s.dept])}
    for name, counts in truth.items():
        for i in r[name]["items"]:
            n = counts.get(i["code"], 0)
            T.check(not i["suppressed"] and i["count"] is not None,
                    "%s %s: a figure, no mark" % (name, i["code"]))
            T.check(abs(i["count"] - n) <= 4 and
                    (i["count"] == 0 or i["count"] >= 3),
                    "%s %s: %s for %d" % (name, i["code"], i["count"], n))
    T.check(not any(i["code"] == "test" for i in r["other_calls"]["items"]),
            "the test call (1) is left out")
    T.check(all(c["count"] is None or c["count"] >= 3
                for c in r["weekday_hour"]["cells"]),
            "no weekday x hour cell from 1 to 2")
    # a cell left out of the answer is 0 or under 3: hidden, never 0
    T.eq([c for c in r["weekday_hour"]["cells"]
          if c["count"] == 0 or (c["count"] is None and
                                 not c["suppressed"])], [],
         "reporter: weekday x hour cells reading 0")
    T.eq([m["code"] for m in r["months"]["items"] if m["count"] == 0], [],
         "reporter: months reading 0")
    T.eq(annual_json("rep", "--focus", "13"), r, "the same report twice")
    text = annual("rep", "--focus", "13")
    T.check("perturbed" in text, "the text says the figures are perturbed")


def check_reporter_bases():
    """A reporter's figures are perturbed, each answer's total its own
    cell: the document still gives each population one figure (the year's
    consultations, Paris's, its professionals'...), every split the
    reporter may ask is shown, and the notes say one true thing."""
    r = annual_json("rep", "--focus", "75")
    n = r["consultations"]["count"]
    T.eq([r["departments"]["base"], r["months"]["base"],
          r["weekday_hour"]["total"], r["duration"]["count"]], [n] * 4,
         "reporter: départements, months, hours, durations of %d" % n)
    paris = r["focus"]["count"]
    T.eq(paris, items(r["departments"])["75"]["count"],
         "reporter: Paris's box is its row")
    T.eq([r["caller"]["base"], r["topic"]["base"]], [paris] * 2,
         "reporter: callers and topics of Paris's %d" % paris)
    callers = items(r["caller"])
    for name, parent in (("pro_kind", "professional"),
                         ("household", "individual"),
                         ("origin", "individual")):
        T.check(r[name]["shown"], "reporter: %s shown", name)
        T.eq(r[name].get("base"), callers[parent]["count"],
             "reporter: %s of the %s row" % (name, parent))
        T.check("" not in items(r[name]), "reporter: %s: no row ''", name)
    T.check(r["pro_sector"]["shown"], "reporter: pro_sector shown")
    T.eq(r["pro_sector"].get("base"),
         items(r["pro_kind"])["public_body"]["count"],
         "reporter: pro_sector of the public_body row")
    for lang, exact, jurist in (
            ("C.UTF-8", "computed from exact counts",
             "figures per jurist are not given to reporter accounts"),
            ("fr_FR.UTF-8", "effectifs exacts",
             "ne sont pas communiqués aux comptes de diffusion")):
        text = annual("rep", "--focus", "75", lang=lang)
        T.check(exact not in text, "reporter (%s): no 'exact counts' "
                "note beside the perturbed one", lang)
        T.check(jurist in text, "reporter (%s): why no per-jurist "
                "figures", lang)
        T.check(text.count("secret statistique)") == 0 and
                "hidden by disclosure control elsewhere" not in text,
                "reporter (%s): no 'total hidden elsewhere'", lang)
        bases = set(re.findall(r"(?:of|sur) ([\d,\u00a0]+) consultations",
                               text))
        want = {fmt_count(n, lang != "C.UTF-8"),
                fmt_count(paris, lang != "C.UTF-8"),
                fmt_count(callers["professional"]["count"],
                          lang != "C.UTF-8"),
                fmt_count(callers["individual"]["count"], lang != "C.UTF-8"),
                fmt_count(items(r["pro_kind"])["public_body"]["count"],
                          lang != "C.UTF-8")}
        T.check(bases <= want, "reporter (%s): bases %s, not only %s",
                lang, sorted(bases), sorted(want))
    r = annual_json("admin", "--focus", "75")
    T.check(not r["jurists"]["shown"] or r["jurists"]["items"],
            "admin: per-jurist figures")


def check_year_to_date():
    """The year not over: counted up to today, compared with the same days
    of the year before (as report --compare), and said so; the period
    ends today, not on 31 December."""
    today = datetime.date.today()
    if today.month == 12 and today.day == 31:
        return  # the year's last day: the whole year
    p = rd.cli(["report", "annual", "--year", str(today.year), "--format",
                "json"], "admin")
    r = json.loads(p.stdout, parse_float=Decimal)
    T.eq((r.get("to_date"), r.get("last_day")), (True, today.isoformat()),
         "the year not over: up to today")
    T.check("year to date" in p.stderr, "stderr says year to date: %s",
            p.stderr.strip())
    p = rd.cli(["report", "annual", "--year", str(today.year), "--format",
                "html"], "admin", lang="fr_FR.UTF-8")
    T.check("31 décembre %d" % today.year not in p.stdout and
            "année en cours" in p.stdout,
            "the French period ends today, and says the year is not over")


def check_empty_year():
    """A year without a sheet: zeros, no percentages, nothing breaks."""
    p = rd.cli(["report", "annual", "--year", "2010", "--focus", "75",
                "--format", "json"], "admin")
    r = json.loads(p.stdout, parse_float=Decimal)
    T.eq((r["consultations"]["count"], r["consultations"]["previous"],
          r["consultations"]["change_percent"]), (0, 0, None),
         "empty year: zero, no change percent")
    T.eq(r["focus"]["text"], "Paris (75): no consultations in 2010.",
         "empty year: the focus")
    T.eq(r["departments"]["items"], [], "empty year: no département")
    T.eq([i["count"] for i in r["months"]["items"]], [0] * 12,
         "empty year: twelve empty months")
    T.eq(r["duration"], {"suppressed": False}, "empty year: no durations")
    # a reporter: an open year is refused, saying why; closed, it reads
    p = rd.cli(["report", "annual", "--year", "2010"], "rep", check=False)
    T.check(p.returncode != 0 and "closed periods only" in p.stderr and
            "2010-01" in p.stderr, "open year, reporter: %s",
            p.stderr.strip())
    rd.close_year(2010)
    for fmt in ("text", "md", "html"):
        p = rd.cli(["report", "annual", "--year", "2010", "--format", fmt],
                   "rep")
        T.check(p.returncode == 0 and "2010" in p.stdout,
                "empty year as %s", fmt)
        if fmt == "html":
            try:
                ET.fromstring(p.stdout.replace("<!DOCTYPE html>", "", 1))
                T.check(True, "")
            except ET.ParseError as e:
                T.check(False, "empty year: html not well-formed: %s", e)


def main():
    sheets = rd.setup()
    r = check_full(sheets, "75")
    check_full(sheets, "92")  # tied with 95
    check_full(sheets, None)
    check_formats(sheets, r)
    check_french(sheets)
    check_reporter(sheets)
    check_reporter_bases()
    check_year_to_date()
    check_empty_year()
    p = rd.cli(["report", "annual", "--focus", "7X"], "admin", check=False)
    T.check(p.returncode == 2 and "--focus '7X'" in p.stderr,
            "a bad focus: %s", p.stderr.strip())
    p = rd.cli(["report", "annual", "--format", "docx"], "admin",
               check=False)
    T.check(p.returncode == 2 and "text, md, html, json or pdf" in p.stderr,
            "a bad format: %s", p.stderr.strip())
    return T.finish()


if __name__ == "__main__":
    sys.exit(main())
