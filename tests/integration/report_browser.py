"""report_browser.py: the HTML annual report rendered by headless
Chromium: the page is not blank, its charts are drawn (the bars' blue, the
heat map's service-hours frames), every SVG is well-formed XML, no chart text leaves its chart (measured
in the page by Chromium), and it
prints to a PDF of several pages. The PNG is decoded here (zlib and the
PNG filters), with a blank page as the control. Exits 77 (skipped), with
the reason, when Chromium is missing or cannot run. Run by
report_browser.sh."""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

import reportdata as rd
from reportdata import YEAR

SKIP = 77
SVG = "{http://www.w3.org/2000/svg}"
WIDTH, HEIGHT = 1000, 9000
BLUE = bytes((0x2b, 0x6c, 0xb0))   # bars and the months' line
ORANGE = bytes((0xd9, 0x77, 0x06))  # service hours in the heat map
WHITE = b"\xff\xff\xff"
T = rd.Checks("report_browser")


def skip(why):
    print("SKIP: " + why, flush=True)
    sys.exit(SKIP)


def chromium():
    forced = os.environ.get("CALLSHEET_TEST_CHROMIUM")
    if forced:  # to check the skip, or use another browser
        if not os.access(forced, os.X_OK):
            skip("CALLSHEET_TEST_CHROMIUM=%s is not a program" % forced)
        return forced
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    skip("no Chromium (Debian package chromium; scripts/test installs it)")
    return None


def run_chromium(browser, tmp, url, *what):
    profile = tempfile.mkdtemp(dir=tmp)
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--hide-scrollbars", "--user-data-dir=" +
            profile] + list(what) + [url]
    try:
        return subprocess.run(args, capture_output=True, text=True,
                              timeout=90, check=False)
    except subprocess.TimeoutExpired:
        skip("Chromium did not finish within 90 s")
    return None


def screenshot(browser, tmp, html_path, png):
    p = run_chromium(browser, tmp, "file://" + html_path,
                     "--screenshot=" + png,
                     "--window-size=%d,%d" % (WIDTH, HEIGHT))
    if p.returncode != 0 or not os.path.exists(png):
        tail = "; ".join(p.stderr.strip().splitlines()[-3:])
        skip("Chromium cannot render here (exit %d): %s" %
             (p.returncode, tail))


def png_rows(path):
    """(width, height, bytes per pixel, unfiltered rows) of an 8-bit,
    non-interlaced RGB or RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace != 0:
        raise ValueError("unsupported PNG: depth %d, colour type %d, "
                         "interlace %d" % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        start = y * (stride + 1)
        f = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + (left + prev[i]) // 2) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        elif f != 0:
            raise ValueError("bad PNG filter %d" % f)
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def pixels(rows, bpp, colour):
    """How many pixels are exactly this RGB colour."""
    n, full = 0, None
    for line in rows:
        if colour not in line:
            continue
        if full is None:
            opaque = colour + (b"\xff" if bpp == 4 else b"")
            full = opaque * (len(line) // bpp)
        if line == full:
            n += len(line) // bpp
            continue
        n += sum(1 for i in range(0, len(line), bpp)
                 if line[i:i + 3] == colour)
    return n


def check_png(path, what):
    w, h, bpp, rows = png_rows(path)
    T.eq((w, h), (WIDTH, HEIGHT), what + ": size")
    total = w * h
    white = pixels(rows, bpp, WHITE)
    colours = {bytes(line[i:i + 3]) for line in rows[::25]
               for i in range(0, len(line), bpp * 5)}
    return total, white, colours, rows, bpp


def check_svg(html):
    try:
        ET.fromstring(html.replace("<!DOCTYPE html>", "", 1))
        T.check(True, "")
    except ET.ParseError as e:
        T.check(False, "the page is not well-formed: %s", e)
    blocks = re.findall(r"<svg\b.*?</svg>", html, re.S)
    T.check(len(blocks) >= 11, "a chart per section: %d", len(blocks))
    for i, b in enumerate(blocks):
        try:
            root = ET.fromstring(b)
            T.eq(root.tag, SVG + "svg", "chart %d is SVG" % i)
            T.check(root.find(SVG + "title") is not None,
                    "chart %d has a title", i)
        except ET.ParseError as e:
            T.check(False, "chart %d is not XML: %s", i, e)
    T.check(any('class="chart"' in b and "<polyline" in b for b in blocks),
            "the months' line")
    T.check(any(b.count("<rect") >= 7 * 24 for b in blocks),
            "the weekday x hour heat map")


# Measures every SVG text as Chromium lays it out: the ones that leave
# their chart (a label cut at the chart's edge) go into <pre id=overflow>.
MEASURE = """<script>
var bad = [];
document.querySelectorAll("svg").forEach(function (s) {
  var vb = s.viewBox.baseVal;
  s.querySelectorAll("text").forEach(function (t) {
    var b = t.getBBox();
    if (b.x < -0.5 || b.x + b.width > vb.width + 0.5 || b.y < -0.5 ||
        b.y + b.height > vb.height + 0.5)
      bad.push(t.textContent.slice(0, 60) + " [" + Math.round(b.x) + ".." +
               Math.round(b.x + b.width) + " of " + vb.width + "]");
  });
});
// the headline boxes: no text wider than its box, no box past the page
document.querySelectorAll("div.tile").forEach(function (d) {
  var r = d.getBoundingClientRect();
  d.querySelectorAll("p").forEach(function (p) {
    var q = p.getBoundingClientRect();
    if (p.scrollWidth > p.clientWidth + 1 || q.left < r.left - 0.5 ||
        q.right > r.right + 0.5)
      bad.push("tile: " + p.textContent.slice(0, 60));
  });
  if (r.right > document.documentElement.clientWidth + 0.5)
    bad.push("tile past the page: " + d.textContent.slice(0, 60));
});
var p = document.createElement("pre");
p.id = "overflow";
p.textContent = JSON.stringify(bad);
document.body.appendChild(p);
</script>"""


def check_labels(browser, tmp, html):
    """No chart text leaves its chart, as Chromium draws it."""
    page = os.path.join(tmp, "measured.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", MEASURE + "</body>"))
    p = run_chromium(browser, tmp, "file://" + page, "--dump-dom")
    m = re.search(r'<pre id="overflow">(.*?)</pre>', p.stdout, re.S)
    T.check(m is not None, "the measuring script ran: %s", p.stderr[-300:])
    if m:
        bad = json.loads(m.group(1).replace("&quot;", '"')
                         .replace("&amp;", "&").replace("&lt;", "<")
                         .replace("&gt;", ">"))
        T.eq(bad, [], "chart texts that leave their chart")


def check_tiles(html, sheets, fr):
    """The headline boxes, as the PDF's, in the funder's order: the year's
    consultations, Paris's, its rank; before the map."""
    tiles = re.findall(r'<div class="tile"><p class="big">(.*?)</p>'
                       r'<p class="small">(.*?)</p></div>', html)
    n = len(rd.consultations(sheets))
    n75 = len([s for s in rd.consultations(sheets) if s.dept == "75"])

    def num(v):
        return "{:,}".format(v).replace(",", "\u00a0" if fr else ",")
    T.eq([t[0] for t in tiles], [num(n), num(n75), "3e" if fr else "#3"],
         "the headline boxes (%s)" % ("fr" if fr else "en"))
    T.check(len(tiles) == 3 and ("consultations en" if fr else
                                 "consultations in") in tiles[0][1] and
            "Paris (75)" in tiles[1][1], "what each box says: %s", tiles)
    T.check(0 < html.find('<div class="tiles">') < html.find("<svg"),
            "the boxes come before the map")


def main():
    browser = chromium()
    sheets = rd.setup()
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "report.html")
        blank = os.path.join(tmp, "blank.html")
        for lang in ("fr_FR.UTF-8", "C.UTF-8"):
            rd.cli(["report", "annual", "--year", str(YEAR), "--focus",
                    "75", "--format", "html", "-o", page], "admin",
                   lang=lang)
            html = open(page, encoding="utf-8").read()
            check_svg(html)
            check_tiles(html, sheets, lang.startswith("fr"))
            check_labels(browser, tmp, html)
        with open(blank, "w", encoding="utf-8") as f:
            f.write("<!DOCTYPE html><html><body></body></html>\n")

        # the control: a blank page is all white to this checker
        png = os.path.join(tmp, "blank.png")
        screenshot(browser, tmp, blank, png)
        total, white, colours, _, _ = check_png(png, "blank")
        T.eq(white, total, "the blank page is all white")

        png = os.path.join(tmp, "report.png")
        screenshot(browser, tmp, page, png)
        total, white, colours, rows, bpp = check_png(png, "report")
        drawn = total - white
        T.check(drawn > total // 50, "the report is not blank: %d of %d "
                "pixels drawn", drawn, total)
        T.check(len(colours) >= 20, "many colours: %d", len(colours))
        blue = pixels(rows, bpp, BLUE)
        orange = pixels(rows, bpp, ORANGE)
        T.check(blue > 20000, "bars and the line drawn: %d blue pixels",
                blue)
        T.check(orange > 1000, "the heat map's service hours drawn: %d "
                "orange pixels", orange)

        pdf = os.path.join(tmp, "report.pdf")
        p = run_chromium(browser, tmp, "file://" + page,
                         "--print-to-pdf=" + pdf, "--no-pdf-header-footer")
        T.check(p.returncode == 0 and os.path.exists(pdf),
                "printed to PDF: %s", p.stderr[-300:])
        if os.path.exists(pdf):
            data = open(pdf, "rb").read()
            pages = len(re.findall(rb"/Type\s*/Page\b", data))
            T.check(data.startswith(b"%PDF") and pages >= 3,
                    "a PDF of several pages: %d", pages)
    return T.finish()


if __name__ == "__main__":
    sys.exit(main())
