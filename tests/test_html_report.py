"""The HTML report as a reader meets it: `check --format html -o`, then the page itself
(order, one-line passes, margin bars, step cards, HTML emails as text), and the page
in headless Chromium."""

import html
import json
import re
import shutil
import subprocess

import pytest

from conftest import run_cli

PITCH = """\
Subject: Quick question

Hi there,

I hope this email finds you well. We are the leading provider of innovative
solutions that help companies like yours streamline operations and drive growth.

Do you have 15 minutes for a quick call this week?

Best,
Morgan
"""

KILN = """\
Subject: the Harrogate kiln outage

Hi Priya,

Your March update said the Harrogate kiln was down for nine days while a part came from Italy.
We keep that part on a shelf in Leeds and can get it to you the same day.

Worth a spare on site before the winter run?

Sam
"""

OFFER = """\
<html>
<head><title>A great opportunity!</title></head>
<body>
<p>Hi *|FNAME|*,</p>
<p>I hope this email finds you well. Our award-winning platform
helps <b>companies like yours</b> streamline operations.</p>
<p>Do you have 15 minutes for a quick call?</p>
</body>
</html>
"""

SEQUENCE = (
    'step,subject,body\n'
    '1,the Harrogate kiln outage,"Hi {{ first_name | default(""there"") }},\n\n'
    'Your March update said the Harrogate kiln was down for nine days. We keep the part in Leeds.\n\n'
    'Worth a spare on site?"\n'
    '2,Following up,"Hi {{ first_name }},\n\n'
    'Just bumping this to the top of your inbox. Did you get a chance to read my last email?"\n'
)

FILES = {"bad-pitch.txt": PITCH, "ok10.txt": KILN, "ok2.txt": KILN, "ok1.txt": KILN, "offer.html": OFFER, "seq.csv": SEQUENCE}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("html")
    for name, text in FILES.items():
        (root / name).write_text(text)
    return root


@pytest.fixture(scope="module")
def page(folder):
    proc = run_cli("check", "--format", "html", "-o", "report.html", *FILES, cwd=folder)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    return (folder / "report.html").read_text()


@pytest.fixture(scope="module")
def scores(folder):
    proc = run_cli("check", "--format", "json", *FILES, cwd=folder)
    return {(f["path"], f.get("row")): f for f in json.loads(proc.stdout)["files"]}


def card(page: str, anchor_text: str) -> str:
    """The markup of the card (or sequence) whose heading is ``anchor_text``."""
    start = page.rindex('<section class="', 0, page.index(f">{anchor_text}</h"))
    return page[start : page.index("</section>", start)]


def test_failures_first_by_score_then_passes_in_natural_order(page, scores):
    failing = [p for p in ("bad-pitch.txt", "offer.html", "seq.csv") if any(f["path"] == p for f in scores.values())]
    best = {p: max(f["score"] for (path, _), f in scores.items() if path == p) for p in failing}
    expected = sorted(failing, key=lambda p: -best[p])
    headings = re.findall(r"<h2>([^<]+)</h2>", page)
    assert headings[:3] == expected
    passing = re.findall(r'<span class="path">([^<]+)</span><span class="verdict pass">passes</span>', page)
    assert passing == ["ok1.txt", "ok2.txt", "ok10.txt"]  # same score: e2 before e10
    assert page.index(">bad-pitch.txt</h2>") < page.index('<section class="passing">')


def test_a_passing_file_is_one_line(page, scores):
    score = scores[("ok1.txt", None)]["score"]
    band = "low" if score < 30 else "mid"
    assert (f'<li><span class="score {band}">{score}</span><span class="path">ok1.txt</span>'
            '<span class="verdict pass">passes</span></li>\n') in page
    assert "Harrogate kiln was down for nine days while" not in page  # no source for a pass
    assert '<h2>3 files pass</h2>' in page


def test_whole_email_finding_is_a_margin_bar(page):
    pitch = card(page, "bad-pitch.txt")
    assert re.search(r'<i class="bar sev-(warning|suggestion) fam-quit" data-families="quit" '
                     r'style="grid-row: 1 / 12; --lane: 0" data-f="0"></i>', pitch)
    assert '<li data-families="quit"><span class="code">Q900</span>' in pitch  # finding 0 of its list
    assert 'data-f="0"' not in "".join(re.findall(r"<mark[^>]*>", pitch))  # no highlight for it
    # the narrow findings keep their families under the bar
    assert '<span class="ln" data-n="8"><mark class="hl sev-warning fam-seller_centric"' in pitch
    assert '<span class="ln" data-n="5"><mark class="hl sev-warning fam-templated"' in pitch


def test_sequence_shows_a_card_per_step(page, scores):
    seq = page[page.index('<section class="sequence"'):page.index('<section class="passing">')]
    assert "sequence of 2 steps · 1 fails" in seq
    steps = re.findall(r'<h3>(step \d)</h3>', seq)
    assert steps == ["step 1", "step 2"]
    step2 = seq[seq.index("<h3>step 2</h3>"):]
    assert f'>{scores[("seq.csv", 2)]["score"]}/100</span>\n      <h3>step 2</h3>' in seq
    assert re.findall(r'data-n="(\d+)"', step2) == ["7", "8", "9"]  # its own lines of the file
    step1 = seq[seq.index("<h3>step 1</h3>"):seq.index("<h3>step 2</h3>")]
    assert re.findall(r'data-n="(\d+)"', step1) == ["2", "3", "4", "5", "6"]
    assert "Following up" not in step1 and "T109" in step2


def test_html_email_shows_its_text_with_source_lines(page):
    offer = card(page, "offer.html")
    assert "&lt;p&gt;" not in offer and "&lt;title&gt;" not in offer
    assert '<span class="ln" data-n="2">A great opportunity<mark class="hl' in offer
    assert re.search(r'<span class="ln" data-n="4">Hi <mark class="hl sev-\w+ fam-merge_field"[^>]*>\*\|FNAME\|\*</mark>,</span>', offer)
    # a paragraph is one line of text, numbered by the source line it starts on
    assert '<span class="ln" data-n="5"><mark class="hl sev-warning fam-templated"' in offer
    assert 'platform helps</mark> <mark class="hl sev-warning fam-generic" data-families="generic"' in offer
    assert 'data-n="6"' not in offer
    assert '<span class="ln" data-n=""></span>' in offer  # the gap between paragraphs has no line


def test_worker_processes_give_the_same_page(folder, page):
    proc = run_cli("check", "--jobs", "2", "--format", "html", "-o", "report-j2.html", *FILES, cwd=folder)
    assert proc.returncode == 1, proc.stderr
    assert (folder / "report-j2.html").read_text() == page


# -- in a real browser -------------------------------------------------------------
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

#: Measures the laid-out page and writes what it finds into the DOM for --dump-dom.
PROBE = """<script>
window.addEventListener("load", function () {
  var out = [];
  document.querySelectorAll(".src").forEach(function (src) {
    var lines = src.querySelectorAll(".ln");
    src.querySelectorAll(".bar").forEach(function (bar) {
      var m = bar.style.gridRow.match(/(\\d+) \\/ (\\d+)/);
      var top = lines[m[1] - 1].getBoundingClientRect(), bottom = lines[m[2] - 2].getBoundingClientRect();
      var b = bar.getBoundingClientRect();
      out.push([Math.abs(b.top - top.top) < 4, Math.abs(b.bottom - bottom.bottom) < 4, b.right <= top.left, b.width > 0]);
    });
  });
  document.body.setAttribute("data-probe", JSON.stringify(out));
  var tips = [document.querySelector(".bar"), document.querySelector("mark.hl"), document.querySelector(".instead")];
  tips.forEach(function (el) { el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true})); });
  document.body.setAttribute("data-tips", JSON.stringify(tips.map(function (el) { return el.title; })));
});
</script>"""


def chromium():
    exe = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if exe is None:
        pytest.skip("no headless Chromium installed (apt-get install chromium)")
    return exe


def test_page_in_headless_browser(folder, page):
    """Chromium lays the page out: bars beside their lines, left of the text; unticking a
    family hides its bars and highlights; nothing is fetched."""
    exe = chromium()
    probe = folder / "probe.html"
    probe.write_text(page.replace('value="quit" checked>', 'value="quit">').replace("</body>", PROBE + "</body>"))
    dom = subprocess.run([exe, *BROWSER_FLAGS, "--virtual-time-budget=2000", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    measured = json.loads(html.unescape(re.search(r'data-probe="([^"]*)"', dom).group(1)))
    assert len(measured) == 3 and all(all(m) for m in measured), measured  # pitch, offer, step 2
    bar, mark, instead = json.loads(html.unescape(re.search(r'data-tips="([^"]*)"', dom).group(1)))
    assert re.match(r"Q900 (warning|suggestion): Reads as a whole like an email a busy buyer quits", bar)
    assert mark.startswith("Q102 warning: Exclamation mark in the subject line\nInstead: ")  # offer.html's title
    assert instead and "\n" not in instead  # why the first finding's rule costs the reply
    assert dom.count('class="bar ') == 3 and dom.count("fam-quit off") >= 3
    assert 'class="hl sev-warning fam-seller_centric"' in dom  # other families still shown
    assert len(re.findall(r'<section class="card" id="file-\d+-step-\d">', dom)) == 2
    assert dom.count('<span class="verdict pass">passes</span></li>') == 3


MESSAGE = """\
From: Sam <sam@example.com>
To: Priya <priya@example.com>
Subject: Quick question
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><body>
<p>Hi Priya,</p>
<p>I hope this email finds you well. We help caf=C3=A9s like yours stre=
amline operations.</p>
<p>Do you have 15 minutes for a quick call?</p>
</body></html>
"""


def test_saved_message_shows_its_decoded_text(tmp_path):
    (tmp_path / "sent.eml").write_text(MESSAGE)
    proc = run_cli("check", "--format", "html", "-o", "report.html", "sent.eml", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    page = (tmp_path / "report.html").read_text()
    text = re.sub(r"<mark[^>]*>|</mark>", "", page)
    assert '<span class="ln" data-n="3">Quick question</span>' in text
    assert '<span class="ln" data-n="9">Hi Priya,</span>' in text
    # decoded (=C3=A9, the soft line break), numbered by the line the paragraph starts on
    assert '<span class="ln" data-n="10">I hope this email finds you well. We help cafés like yours streamline operations.</span>' in text
    assert "=C3=A9" not in page and "&lt;p&gt;" not in page


def test_html_email_text_is_escaped_and_the_page_fetches_nothing(tmp_path):
    (tmp_path / "tags.html").write_text(
        "<html><body>\n<p>Hi Ana,</p>\n<script>alert(1)</script>\n<p>I hope this email finds you well. "
        "Our guide to the &lt;table&gt; tag &amp; why it breaks in Outlook is ready.</p>\n</body></html>\n"
    )
    proc = run_cli("check", "--format", "html", "-o", "report.html", "tags.html", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    page = (tmp_path / "report.html").read_text()
    assert "</mark>. Our guide to the &lt;table&gt; tag &amp; why it breaks in Outlook is ready.</span>" in page
    assert "alert(1)" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page) and "<link" not in page and "@import" not in page
