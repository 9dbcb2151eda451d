"""report_pdf.py: the annual report as the funder's document, over the
generated year of reportdata.py: the PDF is A4, its pages numbered "page i
of N" with N its real page count, pdftotext finds the headline figures in
English and French, pdftoppm renders every page (none blank); the map (SVG
in the HTML report) has every département, each with the class of its
count; populations imported from INSEE's file (a malformed one refused,
naming its line and column) give rates per 100,000 inhabitants and their
ranks, a budget the cost per consultation, exactly; restatements after closing the year and amending a sheet show
published and restated figures with the reason in every format. Run by
report_pdf.sh. CALLSHEET_TEST_KEEP=DIR keeps the PDFs and the pages' PNGs
there, to look at them."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from decimal import Decimal
from fractions import Fraction

import reportdata as rd
from reportdata import YEAR

NBSP = "\u00a0"
VOIDED_FR = "annulée : "  # po/fr.po: "voided: "
SVG = "{http://www.w3.org/2000/svg}"
T = rd.Checks("report_pdf")
SERVICE = "Association Droits et Séjour"
ADDRESS = "12 rue de l'Exemple, 75011 Paris"

# the map's classes: upper bounds in hundredths of a percent (map_bounds)
BOUNDS = [100, 200, 500, 1000]


def map_class(n, total):
    if n == 0:
        return 0
    for i, b in enumerate(BOUNDS):
        if n * 10000 < b * total:
            return i + 1
    return 5


def flat(s):
    """Text with every kind of space as one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", s)


def pdf(path, lang, *extra, user="admin"):
    start = time.monotonic()
    p = rd.cli(["report", "annual", "--year", str(YEAR), "--focus", "75",
                "--format", "pdf", "--service", SERVICE, "--address",
                ADDRESS, "-o", path] + list(extra), user, lang=lang)
    print("%s: drawn in %.2f s (ASan build, the daemon's queries "
          "included), %d bytes" % (os.path.basename(path),
                                   time.monotonic() - start,
                                   os.path.getsize(path)))
    T.eq(p.stdout, "", "-o: nothing on the standard output")
    return path


def poppler(*args):
    p = subprocess.run(list(args), capture_output=True, check=False)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (args[0], p.returncode,
                                                p.stderr.decode()))
    return p.stdout.decode("utf-8", "replace")


def page_texts(path, npages):
    return [flat(poppler("pdftotext", "-layout", "-f", str(i), "-l", str(i),
                         path, "-")) for i in range(1, npages + 1)]


def check_grid_labels(path):
    """The weekday x hour table (English): every hour label ends before
    the first cell, and every row has its seven cells, a zero shown as 0."""
    pages = poppler("pdftotext", "-bbox", path, "-").split("<page ")
    found = 0
    for page in pages:
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                           r'xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                           page)
        labels = [(float(x0), float(y0), float(x1), w)
                  for x0, y0, x1, w in words
                  if re.fullmatch(r"\d\d:00\u2013\d\d:00", w) and
                  int(w[6:8]) == int(w[:2]) + 1]
        found += len(labels)
        grid_rows(words, labels)
    T.check(found >= 8, "the hour labels whole: %d found", found)


def grid_rows(words, labels):
    for x0, y0, x1, w in labels:
        cells = [(float(a), t) for a, b, _, t in words
                 if abs(float(b) - y0) < 2 and float(a) > x0 + 1]
        T.check(cells and min(a for a, _ in cells) >= x1,
                "'%s' ends (%.1f) before its first cell (%s)", w, x1,
                cells[:1])
        T.check(len(cells) == 7 and all(re.fullmatch(r"[\d,]+|s", t)
                                        for _, t in cells),
                "'%s': seven cells, zeros as 0: %s", w,
                [t for _, t in cells])


def check_pdf(sheets, path, fr, keep):
    info = poppler("pdfinfo", path)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    T.check(size and abs(float(size.group(1)) - 595.28) < 0.5 and
            abs(float(size.group(2)) - 841.89) < 0.5,
            "A4: %s", size and size.group(0))
    npages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    T.check(3 <= npages <= 12, "a document of a few pages: %d", npages)
    texts = page_texts(path, npages)
    of = "sur" if fr else "of"
    for i, t in enumerate(texts, 1):
        T.check("page %d %s %d" % (i, of, npages) in t,
                "page %d says 'page %d %s %d'", i, i, of, npages)

    cons = rd.consultations(sheets)
    prev = rd.consultations(sheets, YEAR - 1)
    depts = rd.count_by(cons, lambda s: [s.dept])
    ranks = rd.competition_ranks(depts)

    def num(n):
        s = "{:,}".format(n)
        return s.replace(",", " ") if fr else s

    def pct(d):
        s = str(d)
        return (s.replace(".", ",") if fr else s) + " %"

    first = texts[0]
    T.check(SERVICE in first and ADDRESS in first, "the title block names "
            "the service and its address")
    T.check(("Rapport d’activité %d" if fr else "Annual activity report %d")
            % YEAR in first, "the title")
    T.check(not fr or "D’où viennent les consultations" in " ".join(texts),
            "the map's heading, with the typographic apostrophe")
    T.check(fr or ("Réunion (974)" in " ".join(texts) and
                   "La Réunion (974)" not in " ".join(texts)),
            "English: the map's inset names Réunion as the tables do")
    # 973 has no calls in the dataset: named in the document's language
    # all the same, and counted as consultations
    T.check(("Guyane (973)" if fr else "French Guiana (973)") in
            " ".join(texts) and ("French Guiana" if fr else "Guyane") not in
            " ".join(texts), "the inset of 973 (no calls) in the "
            "document's language")
    T.check(re.search(r"\b0 consultations\b", " ".join(texts)) and
            not re.search(r"\d (calls|appels)\b", " ".join(texts).split(
                "Other calls")[0].split("Autres appels")[0]),
            "the insets count consultations")
    T.check(("du 1er janvier %d au 31 décembre %d" if fr else
             "1 January %d to 31 December %d") % (YEAR, YEAR) in first,
            "the period")
    T.check(("Édité le " if fr else "Issued on ") in first, "issued on")
    T.check(("du lundi au vendredi, de 9 h à 13 h et de 14 h à 16 h" if fr
             else "Monday to Friday, 9:00–13:00 and 14:00–16:00") in first,
            "the service hours")
    T.check(num(len(cons)) in first, "consultations %s on page 1",
            num(len(cons)))
    T.check(num(len(prev)) in first, "the year before on page 1")
    T.check(pct(rd.signed_pct(len(cons), len(prev))).lstrip("+") in first,
            "the change on page 1")
    T.check(pct(rd.pct(depts["75"], len(cons), 2)) in first,
            "Paris's share on page 1")
    T.check(("au %de rang" if fr else "ranked %d") % ranks["75"] in first,
            "Paris's rank on page 1")
    T.check("Seine-Saint-Denis (93)" in first and "Val-de-Marne (94)" in
            first, "the two ahead of Paris on page 1")
    whole = " ".join(texts)
    # the funder's order: Paris's callers before the département table,
    # the months, the hours, durations, other calls
    order = (["Appelants", "Consultations par département",
              "Consultations par mois", "Consultations par jour et par heure",
              "Durée des consultations", "Autres appels"] if fr else
             ["Callers", "Consultations by département",
              "Consultations by month", "Consultations by weekday and hour",
              "Duration of consultations", "Other calls"])
    at = [whole.find(h) for h in order]
    T.check(all(a >= 0 for a in at) and at == sorted(at),
            "sections in the funder's order: %s", at)
    T.check("CC BY 4.0" in whole, "the map's attribution")
    # a chart's bar reads as in the HTML report: "229 (57.3 %)" (Paris's
    # callers)
    paris = [s for s in cons if s.dept == "75"]
    callers = rd.count_by(paris, lambda s: [s.caller])
    top = max(callers, key=callers.get)
    bar = "%s (%s)" % (num(callers[top]),
                       pct(rd.pct(callers[top], len(paris), 1)))
    T.check(bar in whole, "the callers' chart writes %r", bar)
    T.check("…" not in whole.replace("… et", "").replace("… and", ""),
            "no label cut short on this data")

    # every page renders, and none is blank
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "page")
        poppler("pdftoppm", "-r", "40", "-gray", path, prefix)
        pgms = sorted(f for f in os.listdir(tmp) if f.endswith(".pgm"))
        T.eq(len(pgms), npages, "pdftoppm renders every page")
        for f in pgms:
            data = open(os.path.join(tmp, f), "rb").read()
            body = data[data.index(b"255\n") + 4:]
            dark = sum(1 for b in body[::7] if b < 128)
            T.check(dark > 50, "%s is not blank (%d dark samples)", f, dark)
        if keep:
            poppler("pdftoppm", "-r", "80", "-png", path,
                    os.path.join(keep, os.path.basename(path)[:-4]))
    return npages


HEADINGS = {
    False: ["Where consultations come from", "Callers",
            "Professionals by kind", "Public bodies by sector",
            "Individuals by household", "Individuals by region of origin",
            "Topics", "Cost of the action", "Consultations by département",
            "Consultations by month", "Consultations by weekday and hour",
            "Duration of consultations", "Other calls (not consultations)",
            "Restated figures", "Notes"],
    True: ["D’où viennent les consultations", "Appelants",
           "Professionnels par type", "Organismes publics par secteur",
           "Particuliers par composition du foyer",
           "Particuliers par région d’origine", "Thèmes",
           "Coût de l’action", "Consultations par département",
           "Consultations par mois", "Consultations par jour et par heure",
           "Durée des consultations", "Autres appels (hors consultations)",
           "Chiffres rectifiés", "Notes"],
}


def page_lines(path):
    """Each page's lines of text (pdftotext -layout), without the footer
    and blank lines."""
    info = poppler("pdfinfo", path)
    npages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    pages = []
    for i in range(1, npages + 1):
        t = poppler("pdftotext", "-layout", "-f", str(i), "-l", str(i),
                    path, "-")
        lines = [flat(l).strip() for l in t.splitlines()]
        pages.append([l for l in lines if l and not re.search(
            r"page \d+ (of|sur) \d+$", l)])
    return pages


def check_page_breaks(tmp, keep):
    """Keep-with-next, over documents of many sizes (the focus, the service
    hours and the title block's address move every section up or down the
    pages): no page ends with a section's heading (nor with a heading and
    the base line under it); the months' and the hours' charts are never
    split (their heading and their last row on one page); no chart is
    split at all: every page but the first starts with a section's heading,
    or with a table's title "(continued)" and its header again."""
    variants = []
    hours = ("mon-fri 9-13,14-16", "mon-sun 0-24", "mon-sat 8-20")
    addrs = ("", "1 rue A", "1 rue A\n2 bis", "1 rue A\n2 bis\n75011 Paris")
    names = (SERVICE, SERVICE + " — permanence juridique des étrangers "
             "et de leurs familles")
    for focus in (["--focus", "75"], ["--focus", "13"], ["--focus", "93"],
                  []):
        for a, addr in enumerate(addrs):
            for k, name in enumerate(names):
                variants.append(focus + [
                    "--service", name, "--service-hours",
                    hours[(a + k) % 3]] + (["--address", addr] if addr
                                           else []))
    checked = 0
    for n, extra in enumerate(variants):
        fr = n % 2 == 1
        path = os.path.join(keep or tmp, "breaks-%02d.pdf" % n)
        rd.cli(["report", "annual", "--year", str(YEAR), "--format", "pdf",
                "-o", path] + extra, "admin",
               lang="fr_FR.UTF-8" if fr else "C.UTF-8")
        heads = HEADINGS[fr]
        pages = page_lines(path)
        name = extra[extra.index("--service") + 1]
        T.check(name.split()[-1] in " ".join(pages[0][:3]) and "…" not in
                " ".join(pages[0][:3]), "%s: the service's name whole: %s",
                os.path.basename(path), pages[0][:3])
        where = {}
        for i, lines in enumerate(pages):
            for h in heads:
                if h in lines:
                    where.setdefault(h, i)
            last = lines[-1] if lines else ""
            T.check(last not in heads, "%s page %d of %d ends with the "
                    "heading '%s' (%s)", os.path.basename(path), i + 1,
                    len(pages), last, " ".join(extra))
            if len(lines) >= 2 and lines[-2] in heads:
                T.check(not lines[-1].startswith("sur " if fr else "of "),
                        "%s page %d ends with a heading and its base "
                        "line", os.path.basename(path), i + 1)
            cont = heads[8] + (" (suite)" if fr else " (continued)")
            if i > 0 and lines and lines[0].startswith(cont):
                T.check(len(lines) > 1 and ("Rang" if fr else "Rank") in
                        lines[1], "%s page %d: the table's header again",
                        os.path.basename(path), i + 1)
            elif i > 0:
                T.check(lines and lines[0] in heads, "%s page %d of %d "
                        "starts with '%s', not a heading: something was "
                        "split (%s)", os.path.basename(path), i + 1,
                        len(pages), lines[0] if lines else "",
                        " ".join(extra))
        for h, end in ((heads[9], "déc." if fr else "Dec"),
                       (heads[10], "heures de permanence" if fr else
                        "service hours")):
            i = where.get(h)
            T.check(i is not None and any(
                re.search(r"(^|\s)%s(\s|$)" % re.escape(end), l)
                for l in pages[i]), "%s: '%s' and its chart's end '%s' on "
                "one page", os.path.basename(path), h, end)
        checked += len(pages)
    print("page breaks: %d documents, %d pages checked" %
          (len(variants), checked))


def check_long_table(sheets, tmp, keep):
    """A year with calls from all 101 départements: the départements' table
    goes on over a page. It is split after rows, never right after its
    header; the next page starts with its title "(continued)" and the
    header again; every row is there once."""
    year = YEAR - 2
    rng = rd.random.Random(7)
    codes = (["%02d" % i for i in range(1, 96) if i != 20] +
             ["2A", "2B", "971", "972", "973", "974", "976"])
    extra = [rd._consultation(rng, c, rd._random_start(rng, year))
             for k, c in enumerate(codes) for _ in range(k % 7 + 1)]
    rd.load(extra, os.environ["CALLSHEET_TEST_PSQL"],
            os.environ["CALLSHEET_TEST_DB"], before=len(sheets))
    # with populations, the table is one wide column: over a page
    pops = insee_file(os.path.join(tmp, "all.csv"), [
        "11;R;%s;D;3;20;100;%d;15000;%d" % (c, 100000 + 997 * k, 0)
        for k, c in enumerate(codes)])
    p = rd.cli(["admin", "population", "import", pops, "--year",
                str(year)], "admin")
    T.check("inhabitants\n" in p.stdout and "()" not in p.stdout,
            "no source given, none said: %s", p.stdout.strip())
    continued = 0
    for n, addr in enumerate(("", "1 rue A", "1 rue A\n2 bis\n75011")):
        fr = n % 2 == 1
        path = os.path.join(keep or tmp, "long-%d.pdf" % n)
        rd.cli(["report", "annual", "--year", str(year), "--focus", "75",
                "--format", "pdf", "--service", SERVICE, "-o", path] +
               (["--address", addr] if addr else []), "admin",
               lang="fr_FR.UTF-8" if fr else "C.UTF-8")
        if keep:
            poppler("pdftoppm", "-r", "80", "-png", path, path[:-4])
        heads = HEADINGS[fr]
        cont = heads[8] + (" (suite)" if fr else " (continued)")
        header = re.compile(r"^(Rang|Rank)\s+Département\s+Consultations"
                            r"\s+(Part|Share)\s+(Pour|Per) 100")
        rows = []
        for i, lines in enumerate(page_lines(path)):
            name = "%s page %d" % (os.path.basename(path), i + 1)
            T.check(lines and not header.match(lines[-1]) and
                    lines[-1] not in heads, "%s ends with '%s'", name,
                    lines[-1] if lines else "")
            if i > 0:
                T.check(lines and (lines[0] in heads or lines[0] == cont),
                        "%s starts with '%s'", name,
                        lines[0] if lines else "")
            if lines and lines[0] == cont:
                continued += 1
                T.check(len(lines) > 1 and header.match(lines[1]),
                        "%s: the header again: %s", name, lines[1:2])
            rows += [m for l in lines for m in re.findall(
                r"\((\d\d\d?|2A|2B)\)\s+[\d\u00a0,]+\s+[\d.,]+ %", l)]
        T.eq(sorted(rows), sorted(codes), "%s: every département's row "
             "once" % os.path.basename(path))
        T.check("…" not in " ".join(" ".join(l) for l in page_lines(path)),
                "%s: no name cut short", os.path.basename(path))
    T.check(continued > 0, "the table went on over a page: %d", continued)


def check_map(sheets, keep):
    """Every département of the map, each with the class of its count."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(keep or tmp, "rapport-%d-en.html" % YEAR)
        rd.cli(["report", "annual", "--year", str(YEAR), "--focus", "75",
                "--format", "html", "-o", out], "admin")
        html = open(out, encoding="utf-8").read()
    root = ET.fromstring(html.replace("<!DOCTYPE html>", "", 1))
    maps = [s for s in root.iter(SVG + "svg") if s.get("class") == "map"]
    T.eq(len(maps), 1, "one map in the HTML report")
    if not maps:
        return
    cons = rd.consultations(sheets)
    depts = rd.count_by(cons, lambda s: [s.dept])
    seen = {}
    for p in maps[0].iter(SVG + "path"):
        code = p.get("data-code")
        if code is not None:
            seen.setdefault(code, set()).add(int(p.get("data-class")))
    want = ["%02d" % i for i in range(1, 96) if i != 20] + \
        ["2A", "2B", "971", "972", "973", "974", "976"]
    T.eq(sorted(seen), sorted(want), "every département on the map")
    wrong = {c: (seen.get(c), map_class(depts.get(c, 0), len(cons)))
             for c in want
             if seen.get(c) != {map_class(depts.get(c, 0), len(cons))}}
    T.eq(wrong, {}, "départements whose class is not their count's")
    # the data reaches every class but one
    T.check(len({min(v) for v in seen.values()}) >= 4, "classes used: %s",
            sorted({min(v) for v in seen.values()}))
    # a département the outlines do not have is named with its calls
    text = " ".join(" ".join(t.itertext()) for t in maps[0].iter(SVG + "text"))
    T.check("Saint-Pierre-et-Miquelon (975): {:,}".format(depts["975"]) in
            text, "975, not drawn, is named beside the map: %s", text[-300:])


def check_hidden_map(keep):
    """A reporter (the cell-key method, minimum cell size 3): a
    département left out of the answer (13: 1 call) had 0 or under 3, so
    the map hatches it as hidden, never white as "no consultations"; the
    legend has no class nothing can have; the notes say one true thing."""
    if keep:
        for lang, name in (("fr_FR.UTF-8", "rapport"), ("C.UTF-8", "report")):
            path = pdf(os.path.join(keep, "%s-%d-rep.pdf" % (name, YEAR)),
                       lang, user="rep")
            poppler("pdftoppm", "-r", "60", "-png", path, path[:-4])
    p = rd.cli(["report", "annual", "--year", str(YEAR), "--format",
                "html"], "rep")
    root = ET.fromstring(p.stdout.replace("<!DOCTYPE html>", "", 1))
    classes = {p.get("data-code"): p.get("data-class")
               for p in root.iter(SVG + "path") if p.get("data-code")}
    T.eq(classes.get("13"), "6", "reporter: a count under 3 is hatched")
    T.check("0" not in classes.values(), "reporter: no département white")
    T.check("no consultations" not in p.stdout,
            "reporter: no legend box 'no consultations'")
    # the year before is not closed here: not given, so nothing is said
    # of it ("none recorded in" would be false)
    T.check("none recorded in" not in p.stdout,
            "reporter: a year before not given is not 'none recorded'")
    T.check("Figures perturbed for confidentiality" in p.stdout and
            "computed from exact counts" not in p.stdout,
            "the report says its figures are perturbed, and only that")
    # one figure of the year's consultations wherever it is a base
    path = pdf(os.path.join(os.environ.get("TMPDIR", "/tmp"),
                            "rep-bases-%d.pdf" % os.getpid()),
               "fr_FR.UTF-8", user="rep")
    text = flat(poppler("pdftotext", "-layout", path, "-"))
    os.unlink(path)
    r = json.loads(rd.cli(["report", "annual", "--year", str(YEAR),
                           "--focus", "75", "--format", "json"],
                          "rep").stdout)
    fr = lambda n: "{:,}".format(n).replace(",", " ")  # flat()
    year, paris = r["consultations"]["count"], r["focus"]["count"]
    bases = set(re.findall(r"(?:sur|l’ensemble des) (\d{1,3}(?: \d{3})*) "
                           r"consultations", text))
    callers = {i["code"]: i["count"] for i in r["caller"]["items"]}
    want = {fr(year), fr(paris), fr(callers["professional"]),
            fr(callers["individual"])} | {
        fr(i["count"]) for i in r["pro_kind"]["items"]
        if i["code"] == "public_body"}
    T.check(fr(year) in bases and fr(paris) in bases and bases <= want,
            "reporter PDF: bases %s, only of %s", sorted(bases), sorted(want))


# INSEE's file of the départements' populations, as published
# (donnees_departements.csv): figures of this test's own making.
POPULATIONS = {"75": 2133111, "93": 1655422, "94": 1407972, "92": 1624357,
               "95": 1249674, "91": 1306118, "77": 1421197, "78": 1448207,
               "13": 2043110, "01": 657856, "06": 1094283, "971": 384315}
INSEE_HEADER = "REG;Région;CODDEP;Département;NBARR;NBCAN;NBCOM;PMUN;PCAP;PTOT"


def insee_file(path, rows=None):
    rows = rows if rows is not None else [
        "11;Île-de-France;%s;Dép %s;3;20;100;%s;15000;%d" %
        (c, c, "{:,}".format(n).replace(",", " "), n + 15000)
        for c, n in POPULATIONS.items()]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\ufeff" + INSEE_HEADER + "\n" + "\n".join(rows) + "\n")
    return path


def check_edges(tmp):
    """An empty year, and a reporter whose focus reads 0: still a valid
    document that says so."""
    for year, focus, user, want in (
            (2010, "75", "admin", "no consultations in 2010"),
            (YEAR, "13", "rep", "Figures perturbed for confidentiality")):
        path = os.path.join(tmp, "edge-%d-%s.pdf" % (year, user))
        p = rd.cli(["report", "annual", "--year", str(year), "--focus",
                    focus, "--format", "pdf", "-o", path], user)
        T.check(("no sheet in" in p.stderr) == (year == 2010),
                "%d: a warning on stderr only for a year without sheets: "
                "'%s'", year, p.stderr.strip())
        info = poppler("pdfinfo", path)
        npages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        whole = " ".join(page_texts(path, npages))
        T.check(npages >= 2 and want in whole and
                "page %d of %d" % (npages, npages) in whole,
                "%d, focus %s as %s: %d pages, '%s'", year, focus, user,
                npages, want)


def check_refusals(tmp):
    """A year to come is refused, naming --year and the value; a year
    without sheets is warned about (both in French too); a PDF to a
    terminal is refused, nothing binary written to it."""
    future = str(time.gmtime().tm_year + 2)
    for lang, want in (("C.UTF-8", "invalid --year '%s': the year has not "
                        "started" % future),
                       ("fr_FR.UTF-8", "--year « %s » invalide : l’année "
                        "n’a pas commencé" % future)):
        p = rd.cli(["report", "annual", "--year", future], "admin",
                   lang=lang, check=False)
        T.check(p.returncode == 2 and want in p.stderr and p.stdout == "",
                "%s: --year %s refused (exit %d): '%s'", lang, future,
                p.returncode, p.stderr.strip())
    p = rd.cli(["report", "annual", "--year", "2010"], "admin",
               lang="fr_FR.UTF-8")
    T.check("attention : aucune fiche en 2010" in p.stderr,
            "French: a year without sheets warned: '%s'", p.stderr.strip())
    master, slave = os.openpty()
    env = dict(os.environ, CALLSHEET_USER="admin",
               CALLSHEET_PASSWORD="secret", LANG="C.UTF-8", LC_ALL="")
    p = subprocess.run([os.environ["CALLSHEET_TEST_CLI"], "report", "annual",
                        "--year", str(YEAR), "--format", "pdf"], env=env,
                       stdout=slave, stderr=subprocess.PIPE, text=True,
                       check=False)
    os.close(slave)
    os.set_blocking(master, False)
    try:
        shown = os.read(master, 65536)
    except (BlockingIOError, OSError):
        shown = b""
    os.close(master)
    T.check(p.returncode == 2 and "-o FILE" in p.stderr and
            b"%PDF" not in shown,
            "pdf to a terminal refused (exit %d, %d bytes shown): '%s'",
            p.returncode, len(shown), p.stderr.strip())


def check_facts(sheets, tmp, keep):
    """Populations and budget: absent, nothing about them; set, the rates
    and their ranks, the cost per consultation, exact."""
    r = json.loads(rd.cli(["report", "annual", "--year", str(YEAR),
                           "--focus", "75", "--format", "json"],
                          "admin").stdout)
    T.eq((r["populations"], r["budget"]), (None, None),
         "without populations nor budget: nothing")
    text = rd.cli(["report", "annual", "--year", str(YEAR), "--focus",
                   "75"], "admin").stdout
    T.check("100,000" not in text and "€" not in text,
            "without them the text says nothing of rates or cost")

    # a malformed file: refused, naming the line and the column
    bad = insee_file(os.path.join(tmp, "bad.csv"), [
        "11;IDF;75;Paris;1;1;1;2 133 111;0;0",
        "11;IDF;93;SSD;1;1;1;1655422;0;0",
        "11;IDF;94;VdM;1;1;1;12a;0;0"])
    p = rd.cli(["admin", "population", "import", bad, "--year", str(YEAR)],
               "admin", check=False)
    T.check(p.returncode == 1 and "bad.csv:4: column PMUN: '12a'" in
            p.stderr, "a bad population: %s", p.stderr.strip())
    bad = insee_file(os.path.join(tmp, "bad2.csv"), [
        "11;IDF;75;Paris;1;1;1;2133111;0;0",
        "11;IDF;2C;Corse;1;1;1;1000;0;0"])
    p = rd.cli(["admin", "population", "import", bad, "--year", str(YEAR)],
               "admin", check=False)
    T.check(p.returncode == 1 and "bad2.csv:3: column CODDEP: '2C'" in
            p.stderr, "a bad département: %s", p.stderr.strip())
    with open(os.path.join(tmp, "bad3.csv"), "w", encoding="utf-8") as f:
        f.write("CODDEP;Département;P21_POP\n75;Paris;2133111\n")
    p = rd.cli(["admin", "population", "import",
                os.path.join(tmp, "bad3.csv"), "--year", str(YEAR)],
               "admin", check=False)
    T.check(p.returncode == 1 and "bad3.csv:1: no column PMUN" in p.stderr,
            "no population column: %s", p.stderr.strip())
    p = rd.cli(["admin", "population", "import",
                insee_file(os.path.join(tmp, "p.csv")), "--year",
                str(YEAR)], "rep", check=False)
    T.check(p.returncode != 0, "a reporter cannot set populations")

    for fmt in ("text", "md"):
        out = rd.cli(["report", "annual", "--year", str(YEAR), "--focus",
                      "75", "--format", fmt], "admin").stdout
        T.check("100,000" not in out and "per 100" not in out.lower(),
                "%s: nothing about rates without populations", fmt)
    good = insee_file(os.path.join(tmp, "populations.csv"))
    p = rd.cli(["admin", "population", "import", good, "--year", str(YEAR),
                "--source", "INSEE, populations légales (test)"], "admin")
    T.check("populations of %d départements" % len(POPULATIONS) in
            p.stdout, "import says what it stored: %s", p.stdout.strip())
    p = rd.cli(["admin", "budget", "--year", str(YEAR), "--total",
                "190 700", "--funder", "Ville de Paris=34000"], "admin")
    T.check("190,700.00" in p.stdout and "Ville de Paris: 34,000.00" in
            p.stdout, "budget stored: %s", p.stdout.strip())
    p = rd.cli(["admin", "budget", "--year", str(YEAR), "--total",
                "190 700", "--funder", "Ville de Paris=34000"], "admin",
               lang="fr_FR.UTF-8")
    T.check("%d\u00a0: budget " % YEAR in p.stdout and
            "Ville de Paris\u00a0: " in p.stdout,
            "French: a non-breaking space before each colon: %r", p.stdout)
    p = rd.cli(["admin", "budget", "--year", str(YEAR), "--total", "100",
                "--funder", "Ville de Paris=340"], "admin", check=False)
    T.check(p.returncode != 0 and "more than the budget" in p.stderr,
            "shares over the budget refused: %s", p.stderr.strip())
    T.check("340.00\u00a0€" in p.stderr and "--total 100.00\u00a0€" in
            p.stderr and "cents" not in p.stderr, "in euros, naming the "
            "options: %s", p.stderr.strip())
    p = rd.cli(["admin", "budget", "--year", str(YEAR), "--total",
                "190 700", "--funder", "Ville de Paris=34000", "--funder",
                "CAF=160 000"], "admin", lang="fr_FR.UTF-8", check=False)
    T.check(p.returncode == 2 and "194\u00a0000,00\u00a0€" in p.stderr and
            "190\u00a0700,00\u00a0€" in p.stderr and "cents" not in
            p.stderr, "French: in euros as typed: %s", p.stderr.strip())
    p = rd.cli(["admin", "budget", "--year", str(YEAR), "--total",
                "2000000000000"], "admin", check=False)
    T.check(p.returncode == 2 and "--total" in p.stderr and
            "1,000,000,000,000.00\u00a0€" in p.stderr and "cents" not in
            p.stderr, "the highest total said in euros: %s",
            p.stderr.strip())

    cons = rd.consultations(sheets)
    depts = rd.count_by(cons, lambda s: [s.dept])
    rates = {c: Fraction(depts[c], POPULATIONS[c])
             for c in depts if c in POPULATIONS}
    r = json.loads(rd.cli(["report", "annual", "--year", str(YEAR),
                           "--focus", "75", "--format", "json"],
                          "admin").stdout, parse_float=Decimal)
    items = {i["code"]: i for i in r["departments"]["items"]}
    for c, q in rates.items():
        want = rd.half_up(Decimal(q.numerator) * 100000 /
                          Decimal(q.denominator), 1)
        rank = 1 + sum(1 for o in rates.values() if o > q)
        T.eq((items[c].get("per_100k"), items[c].get("per_100k_rank")),
             (want, rank), "rate of " + c)
    T.check(all("per_100k" not in i for c, i in items.items()
                if c not in POPULATIONS), "no rate without a population")
    T.eq(r["populations"]["departments"], len(rates), "départements rated")
    b = r["budget"]
    T.eq(b["total_cents"], 19070000, "budget in cents")
    # 19,070,000 / 4,000 = 4,767.5 cents: half up
    T.eq(b["per_consultation_cents"],
         int(rd.half_up(Decimal(19070000) / len(cons), 0)),
         "cost per consultation, half up")
    T.eq(b["funders"], [{"name": "Ville de Paris", "cents": 3400000,
                         "percent": rd.pct(34000, 190700, 2),
                         "per_consultation_cents": int(rd.half_up(
                             Decimal(3400000) / len(cons), 0))}],
         "the city's share")

    html = rd.cli(["report", "annual", "--year", str(YEAR), "--focus", "75",
                   "--format", "html"], "admin").stdout
    q = rates["75"]
    rate75 = rd.half_up(Decimal(q.numerator) * 100000 /
                        Decimal(q.denominator), 1)
    T.check("<td class=\"n\">%s</td>" % rate75 in html and
            "consultations per 100,000 inhabitants" in html,
            "html: the rates and the sentence")
    T.check("Ville de Paris: 34,000.00" in html, "html: the budget")
    # the text and Markdown tables: the rate and its rank, as the PDF
    rank75 = 1 + sum(1 for o in rates.values() if o > rates["75"])
    for fmt, lang in (("text", "C.UTF-8"), ("md", "C.UTF-8"),
                      ("text", "fr_FR.UTF-8")):
        out = rd.cli(["report", "annual", "--year", str(YEAR), "--focus",
                      "75", "--format", fmt], "admin", lang=lang).stdout
        fr = lang.startswith("fr")
        head = [l for l in out.splitlines() if ("Pour 100\u00a0000" if fr
                                                else "Per 100,000") in l]
        row = [l.replace("|", " ").split() for l in out.splitlines()
               if re.match(r"^[\s|]*\d+[\s|]+Paris \(75\)", l)]
        want = str(rate75).replace(".", ",") if fr else str(rate75)
        T.check(len(head) == 1 and ("Rang pour" if fr else "Rank per") in
                head[0], "%s %s: the rate columns' header: %s", fmt, lang,
                head)
        T.check(len(row) == 1 and row[0][-2:] == [want, str(rank75)],
                "%s %s: Paris's rate %s and rank %d: %s", fmt, lang, want,
                rank75, row)
    path = pdf(os.path.join(keep or tmp, "rapport-%d-fr-budget.pdf" % YEAR),
               "fr_FR.UTF-8")
    if keep:
        poppler("pdftoppm", "-r", "80", "-png", path, path[:-4])
    npages = int(re.search(r"Pages:\s+(\d+)",
                           poppler("pdfinfo", path)).group(1))
    whole = " ".join(page_texts(path, npages))
    q = rates["75"]
    rate75 = str(rd.half_up(Decimal(q.numerator) * 100000 /
                            Decimal(q.denominator), 1)).replace(".", ",")
    T.check("%s consultations pour 100 000 habitants" % rate75 in whole,
            "pdf: Paris's rate per 100,000 (%s)", rate75)
    T.check("Coût total de l’action : 190 700,00 €" in whole,
            "pdf: the budget")
    T.check("coût par consultation : 47,68 €" in whole,
            "pdf: the cost per consultation")
    T.check("Ville de Paris : 34 000,00 € (17,83 % du coût" in whole,
            "pdf: the city's share")


def check_restated(sheets, tmp):
    """Close the year, amend a sheet of it: every format shows the
    published and the restated figure, the focus département's too, with
    the reason."""
    rd.close_year(YEAR)
    victim = next(s for s in rd.consultations(sheets) if s.dept == "75")
    reason = "caller from Val-de-Marne after all"
    rd.cli(["void", str(victim.id), "--reason", reason], "admin")
    n = len(rd.consultations(sheets))
    n75 = len([s for s in rd.consultations(sheets) if s.dept == "75"])
    focus = ["--focus", "75"]
    for fmt in ("text", "md", "html", "json"):
        out = rd.cli(["report", "annual", "--year", str(YEAR), "--format",
                      fmt] + focus, "admin").stdout
        if fmt == "json":
            j = json.loads(out)
            periods = j.get("restatements") or []
            T.check(any(p.get("published_total") == n and
                        p.get("restated_total") == n - 1 for p in periods),
                    "json: published %d, restated %d: %s", n, n - 1,
                    periods)
            fp = j.get("focus_restatements") or []
            T.check(any(p.get("published_total") == n75 and
                        p.get("restated_total") == n75 - 1 for p in fp),
                    "json: Paris published %d, restated %d: %s", n75,
                    n75 - 1, fp)
            T.check(reason in out, "json: the reason")
            continue
        want = ("%d: published %s, restated %s (\u22121); Paris (75): published "
                "%s, restated %s (\u22121). Reasons (for the whole period): voided: %s" % (
                    YEAR, "{:,}".format(n), "{:,}".format(n - 1),
                    "{:,}".format(n75), "{:,}".format(n75 - 1), reason))
        T.check(want in out, "%s: '%s'", fmt, want)
    out = rd.cli(["report", "annual", "--year", str(YEAR)] + focus, "admin",
                 lang="fr_FR.UTF-8").stdout
    want = ("%d : publié %s, rectifié %s (\u22121) ; Paris (75) : publié %s, "
            "rectifié %s (\u22121). Motifs (de toute la période) : %s%s" % (
                YEAR, "{:,}".format(n).replace(",", NBSP),
                "{:,}".format(n - 1).replace(",", NBSP),
                "{:,}".format(n75).replace(",", NBSP),
                "{:,}".format(n75 - 1).replace(",", NBSP), VOIDED_FR,
                reason))
    T.check(want in out, "French: '%s'", want)
    path = pdf(os.path.join(tmp, "restated.pdf"), "C.UTF-8")
    info = poppler("pdfinfo", path)
    npages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    whole = " ".join(page_texts(path, npages))
    T.check("published %s, restated %s (\u22121); Paris (75): published %s, "
            "restated %s (\u22121). Reasons (for the whole period): voided: %s" % (
                "{:,}".format(n), "{:,}".format(n - 1), "{:,}".format(n75),
                "{:,}".format(n75 - 1), reason) in whole,
            "pdf: published and restated, Paris's too, with the reason")
    # a reporter is given the two totals, perturbed, no reasons: the
    # document says so, gives no difference as if it were the change, and
    # never promises reasons it does not list
    path = pdf(os.path.join(tmp, "restated-rep.pdf"), "fr_FR.UTF-8",
               user="rep")
    npages = int(re.search(r"Pages:\s+(\d+)",
                           poppler("pdfinfo", path)).group(1))
    whole = flat(" ".join(page_texts(path, npages)))
    T.check("Chiffres rectifiés" in whole and "tous deux perturbés" in whole
            and "sans les motifs" in whole and "avec les motifs" not in whole,
            "reporter pdf: the restated totals, said to be perturbed, no "
            "reasons promised")
    T.check(not re.search("rectifié [\\d ]+ \\([+\u2212-]", whole),
            "reporter pdf: no difference of two perturbed totals")
    # an amendment alone leaves the totals equal: still said, not left out
    rd.close_year(YEAR - 1)
    text = rd.cli(["report", "annual", "--year", str(YEAR - 1)], "rep").stdout
    T.check("Restated figures" in text and "both perturbed" in text,
            "reporter: a closed year's totals, changed or not: %s",
            text[-600:])


def check_last_page(tmp, keep):
    """With restatements and a budget, over title blocks of one to four
    lines and two service hours: no last page holds only the restated
    figures and the notes, a few lines, when the document fits on one page
    fewer (spacing tightened, nothing split); and a hyphenated name is
    never broken in the headline boxes (Seine-Saint-Denis)."""
    tails = ("Restated figures", "Chiffres rectifiés", "Notes")
    n = 0
    for focus in ("75", "93", "13", "99", "01", "92"):
        for addr in ("", "1 rue A\n2 bis\n75011 Paris"):
            for hours in ("mon-fri 9-13,14-16", "mon-sun 7-21"):
                n += 1
                fr = n % 2 == 0
                path = os.path.join(keep or tmp, "last-%02d.pdf" % n)
                rd.cli(["report", "annual", "--year", str(YEAR), "--format",
                        "pdf", "--focus", focus, "--service", SERVICE,
                        "--service-hours", hours, "-o", path] +
                       (["--address", addr] if addr else []), "admin",
                       lang="fr_FR.UTF-8" if fr else "C.UTF-8")
                npages = int(re.search(r"Pages:\s+(\d+)",
                                       poppler("pdfinfo", path)).group(1))
                last = [ln for ln in poppler(
                    "pdftotext", "-f", str(npages), "-l", str(npages),
                    path, "-").splitlines() if ln.strip()][:-2]
                T.check(not (last and last[0].strip() in tails and
                             len(last) < 12),
                        "%s: a last page of a few lines: %s", path, last)
                name = {"93": "Seine-Saint-Denis", "13": "Bouches-du-Rhône"}
                if focus in name:
                    # pdftotext joins a line broken after a hyphen
                    # ("Bouches-duRhône"): no such join, no break
                    first = poppler("pdftotext", "-l", "1", path, "-")
                    parts = name[focus].split("-")
                    joined = ["-".join(parts[:i]) + "-".join(parts[i:])
                              for i in range(1, len(parts))]
                    T.check(not any(j in first for j in joined) and
                            re.search(r"-\s*\n", first) is None,
                            "%s: '%s' broken in a box", path, name[focus])
                    if keep:
                        poppler("pdftoppm", "-png", "-r", "60", "-f", "1",
                                "-l", "1", path, path[:-4])


def main():
    for tool in ("pdfinfo", "pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            print("SKIP: no %s (Debian package poppler-utils)" % tool)
            return 77
    sheets = rd.setup()
    rd.close_year(YEAR)  # reporters read closed years, as published
    keep = os.environ.get("CALLSHEET_TEST_KEEP")
    with tempfile.TemporaryDirectory() as tmp:
        for lang, fr in (("C.UTF-8", False), ("fr_FR.UTF-8", True)):
            path = pdf(os.path.join(keep or tmp, "rapport-%d-%s.pdf" % (
                YEAR, "fr" if fr else "en")), lang)
            check_pdf(sheets, path, fr, keep)
            if not fr:
                check_grid_labels(path)
        p = rd.cli(["report", "annual", "--year", str(YEAR), "--format",
                    "pdf", "-o", os.path.join(tmp, "none", "r.pdf")],
                   "admin", check=False)
        T.check(p.returncode != 0 and "none" in p.stderr,
                "an unwritable -o says so: %s", p.stderr.strip())
        check_page_breaks(tmp, keep)
        check_map(sheets, keep)
        check_hidden_map(keep)
        check_edges(tmp)
        check_refusals(tmp)
        check_facts(sheets, tmp, keep)
        check_restated(sheets, tmp)
        check_last_page(tmp, keep)
        check_long_table(sheets, tmp, keep)
    return T.finish()


if __name__ == "__main__":
    sys.exit(main())
