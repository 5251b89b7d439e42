#!/usr/bin/python3
"""The reports in a real browser: Debian's chromium, driven headless by
chromium-driver through python3-selenium.

For each kind of results file (a run, a sweep, an optimisation, a creator
selection, a sensitivity study) `influsim report` writes the page, and the
browser renders it to a PNG and prints it to a PDF. Each page must load with
no console message at all (errors and warnings alike), make no network
request but for the page itself, and show the answer sentence the file
holds; printed, every page of the PDF is A4 and the page's content fits
the A4 text width (nothing cut off at the right: the document is no wider
than 182 mm at 96 px/inch under print media). `influsim report --pdf`
must write an A4 PDF too.

Exits 77 (ctest's skip) when chromium, chromium-driver or python3-selenium
is missing. With --screenshots DIR, writes the top of the default run's and
of the sweep's page as DIR/report-run.png and DIR/report-sweep.png (the
pictures in docs/images/).

Usage: /usr/bin/python3 tests/e2e/test_report_browser.py --influsim BUILD/influsim
       --source-dir SRC [--screenshots DIR]
"""
import argparse
import base64
import json
import os
import re
import shutil
import sys
import tempfile

from checks import Checks, run, short

C = Checks()
ARGS = None
SKIP = 77

# A4 in PostScript points, and its text width at the page's margins (14 mm
# each side, sim/report/style.c) in CSS pixels.
A4_PT = (595.28, 841.89)
A4_TEXT_PX = int((210 - 28) / 25.4 * 96)


def influsim(*args, **kw):
    return run(ARGS.influsim, *args, **kw)


def browser():
    """A headless Chromium under chromium-driver, or None (with why)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None, "python3-selenium is not installed"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if chromium is None or not os.path.exists(driver):
        return None, "chromium or chromium-driver is not installed"
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-extensions", "--no-first-run", "--hide-scrollbars",
              "--force-device-scale-factor=1"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(driver), options=opts), None


def pdf_pages(data):
    """The MediaBox of every page of a PDF (Chromium's: uncompressed page
    dictionaries)."""
    boxes = []
    for m in re.finditer(rb"/Type\s*/Page(?![s\w])", data):
        # The page dictionary around the match.
        start = data.rfind(b"<<", 0, m.start())
        end = data.find(b">>", m.end())
        d = data[max(0, start - 400):end + 400]
        box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", d)
        boxes.append(tuple(float(x) for x in box.groups()) if box else None)
    return boxes


def is_a4(box):
    return box is not None and abs(box[2] - box[0] - A4_PT[0]) < 1.5 \
        and abs(box[3] - box[1] - A4_PT[1]) < 1.5


def check_page(drv, name, page, shot):
    url = "file://" + os.path.abspath(page)
    drv.get_log("browser")
    drv.get_log("performance")
    drv.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    drv.set_window_size(1000, 1000)
    drv.get(url)
    answer = drv.find_element("id", "answer").text
    with open(page, encoding="utf-8") as fh:
        text = fh.read()
    m = re.search(r'<p class="answer" id="answer">(.*?)</p>', text, re.S)
    plain = re.sub(r"<[^>]+>", "", m.group(1)) if m else None
    import html as html_lib
    C.check(f"{name}: the browser shows the file's answer",
            plain is not None and answer.split() == html_lib.unescape(plain).split(),
            f"{answer!r}")
    console = drv.get_log("browser")
    C.check(f"{name}: no console messages", not console, str(console)[:400])
    requests = []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            requests.append(msg["params"]["request"]["url"])
    others = [u for u in requests if u != url]
    C.check(f"{name}: no network requests but the page", not others, str(others)[:400])
    # The PNG of the whole page (or of its top, for the docs).
    height = drv.execute_script("return document.documentElement.scrollHeight")
    if shot:
        top = drv.execute_script(
            "var e = document.getElementById('assumptions');"
            "return e ? e.getBoundingClientRect().top + window.scrollY : 2400")
        height = int(top) + 10
    # The viewport set to the height wanted (a window is clamped to the
    # screen's).
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": 1000, "height": min(int(height), 8000),
                         "deviceScaleFactor": 1, "mobile": False})
    png = os.path.join(os.path.dirname(page), name + ".png")
    ok = drv.save_screenshot(png)
    C.check(f"{name}: rendered to a PNG", ok and os.path.getsize(png) > 10000)
    if shot:
        shutil.copyfile(png, shot)
    # Printed: the document no wider than A4's text width.
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": A4_TEXT_PX, "height": 1000, "deviceScaleFactor": 1,
                         "mobile": False})
    width = drv.execute_script("return document.documentElement.scrollWidth")
    C.check(f"{name}: fits the A4 text width in print ({A4_TEXT_PX} px)",
            width <= A4_TEXT_PX, f"{width} px")
    drv.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    drv.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(drv.execute_cdp_cmd(
        "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"])
    with open(os.path.join(os.path.dirname(page), name + ".pdf"), "wb") as fh:
        fh.write(pdf)
    boxes = pdf_pages(pdf)
    C.check(f"{name}: printed on whole A4 pages ({len(boxes)})",
            1 <= len(boxes) <= 30 and all(is_a4(b) for b in boxes), str(boxes[:3]))


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--influsim", required=True)
    p.add_argument("--source-dir", required=True)
    p.add_argument("--screenshots", help="write report-run.png and report-sweep.png here")
    ARGS = p.parse_args()
    drv, why = browser()
    if drv is None:
        print(f"SKIP: {why}")
        return SKIP
    ex = os.path.join(ARGS.source_dir, "experiments")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            j = lambda n: os.path.join(tmp, n)  # noqa: E731
            steps = [
                ("run", ["run", "-o", j("run.h5")]),
                ("sweep", ["sweep", os.path.join(ex, "french-brand.yaml"), "--vary",
                           "budget=5000:60000:12", "-n", "2000", "-o", j("sweep.h5")]),
                ("optimize", ["optimize", os.path.join(ex, "french-brand.yaml"), "--tiers",
                              "micro,macro", "-n", "300", "-o", j("optimize.h5")]),
                ("select", ["select", os.path.join(ex, "shortlist", "shortlist.yaml"),
                            "--budget", "30000", "-n", "300", "--resamples", "10", "--plan",
                            j("plan.yaml"), "-o", j("select.h5")]),
                ("sensitivity", ["sensitivity", "--factors", "assumptions", "-n", "200",
                                 "--top", "4", "-o", j("sensitivity.h5")]),
            ]
            for name, args in steps:
                r = influsim(*args, timeout=300)
                if not C.check(f"{name}: the results file is written", r.returncode == 0,
                               short(r.stderr)):
                    continue
                page = j(name + ".html")
                r = influsim("report", j(name + ".h5"), "-o", page)
                if not C.check(f"{name}: report exits 0", r.returncode == 0, short(r.stderr)):
                    continue
                shot = None
                if ARGS.screenshots and name in ("run", "sweep"):
                    os.makedirs(ARGS.screenshots, exist_ok=True)
                    shot = os.path.join(ARGS.screenshots, f"report-{name}.png")
                check_page(drv, name, page, shot)
            if os.path.exists(j("run.h5")):
                r = influsim("report", j("run.h5"), "-o", j("cli.html"), "--pdf")
                pdf = j("cli.pdf")
                ok = r.returncode == 0 and os.path.exists(pdf)
                boxes = pdf_pages(open(pdf, "rb").read()) if ok else []
                C.check(f"report --pdf: an A4 PDF ({len(boxes)} pages)",
                        ok and boxes and all(is_a4(b) for b in boxes),
                        short(r.stderr) + str(boxes[:2]))
    finally:
        drv.quit()
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
