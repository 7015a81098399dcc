"""The built site in a real browser, opened from file:// with every outside request blocked.

Chromium is Debian's (installed by `make test` when missing), driven by Playwright. Screenshots
for a person to look at are written to test-artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_RUNBOOK, ROOT, make_kb, mkdocs_build

pytestmark = pytest.mark.slow  # a real site build and a browser

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
MKDOCS = Path(sys.executable).with_name("mkdocs")

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make test installs it)", allow_module_level=True)


def build(config: Path, out: Path) -> Path:
    r = mkdocs_build(config, out)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


@pytest.fixture(scope="module")
def site(example_site) -> Path:
    return example_site


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--allow-file-access-from-files",
            ],
        )
        yield b
        b.close()


class Page:
    """A browser page that blocks and counts every request leaving the site folder."""

    def __init__(self, browser, site: Path):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        inside = site.resolve().as_uri()

        def route(r):
            url = r.request.url
            if url.startswith(inside) or url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                self.outside.append(url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.site = site

    def open(self, path: str):
        self.page.goto((self.site / path).resolve().as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def search(self, query: str) -> list[str]:
        """The pages of the first results, in order, as paths relative to the site."""
        page = self.page
        box = page.locator("input.md-search__input")
        box.click()
        # The index loads in a worker. Wait until the result area shows the theme's "type to start
        # searching" text (ready), then type: the theme searches on key events, so a key press follows.
        config = "JSON.parse(document.getElementById('__config').textContent)"
        ready = page.evaluate(f"() => {config}.translations['search.result.placeholder']")
        page.locator(".md-search-result__meta", has_text=ready).wait_for(timeout=60_000)
        box.fill(query)
        box.press("End")
        page.locator(".md-search-result__item").first.wait_for(timeout=30_000)
        hrefs = page.locator(".md-search-result__item > a.md-search-result__link").evaluate_all(
            "links => links.map(a => a.href)"
        )
        base = self.site.resolve().as_uri() + "/"
        return [h.split("#")[0].split("?")[0].removeprefix(base) for h in hrefs]

    def close(self):
        self.context.close()


@pytest.fixture
def page(browser, site):
    p = Page(browser, site)
    yield p
    p.close()


SEARCHES = [
    ("502", "runbooks/nginx-502-bad-gateway.html"),
    ("Address already in use", "runbooks/chatserver-troubleshooting.html"),
    ("登录失败", "incidents/2026-02-11-login-502-flask-down.html"),
    ("端口被占用", "runbooks/chatserver-troubleshooting.html"),
    ("exit code 137", "runbooks/chatserver-troubleshooting.html"),
    # English error text; the page that answers it is written in Chinese and holds none of these words:
    # its error concepts' terms, in both languages, are in the search index.
    ("ENOENT", "runbooks/chatserver-troubleshooting.html"),
]


def test_english_error_words_are_only_in_the_concept_terms_of_the_chinese_page(site):
    """What makes the ENOENT search above a cross-language find: the word is nowhere on the page but in
    the hidden concept terms (and those are in the search index)."""
    html = (site / "runbooks/chatserver-troubleshooting.html").read_text(encoding="utf-8")
    visible = "\n".join(line for line in html.splitlines() if "kb-search-terms" not in line)
    assert "ENOENT" not in visible and "ENOENT" in html
    assert "ENOENT" in (site / "search/search_index.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_search_finds_the_page_offline(page, query, expected):
    page.open("index.html")
    results = page.search(query)
    assert expected in results[:3], f"{query!r}: {results[:5]}"
    assert page.outside == [], page.outside


def test_pages_make_no_request_outside_the_site_and_get_screenshots(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path, shot in [
        ("index.html", "home.png"),
        ("runbooks/chatserver-troubleshooting.html", "runbook.png"),
        ("incidents/2025-12-23-word-counter-upgrade-502.html", "incident.png"),
    ]:
        p = page.open(path)
        assert p.locator("h1").first.is_visible()
        p.screenshot(path=str(SCREENSHOTS / shot), full_page=False)
    assert page.outside == []


def test_copy_buttons_and_platform_tabs(page):
    p = page.open("runbooks/chatserver-troubleshooting.html")
    assert p.locator("button[data-md-type=copy]").count() > 20
    tabs = p.locator(".tabbed-labels label")
    assert tabs.filter(has_text="CentOS / RHEL").count() >= 1


XSS = (
    "<script>window.__xss=1</script>标题",
    '<img src=x onerror="window.__xss=2">',
    'echo "<script>window.__xss=3</script>"',
)


def test_hostile_text_shows_as_text_and_never_runs(browser, tmp_path):
    kb = tmp_path / "kb"
    text = (
        MINIMAL_RUNBOOK.replace("title: 网站 502", f"title: '{XSS[0]}'")
        .replace("      - 页面返回 502", f"      - '{XSS[1]}'")
        .replace("run: ss -tlnp | grep ${PORT}", f"run: '{XSS[2]}'")
    )
    site = build(make_kb(kb, {"runbooks/web-502.yaml": text}), kb / "site")
    p = Page(browser, site)
    try:
        page = p.open("runbooks/web-502.html")
        body = page.locator("article").inner_text()
        for fragment in (
            "<script>window.__xss=1</script>",
            '<img src=x onerror="window.__xss=2">',
            "<script>window.__xss=3</script>",
        ):
            assert fragment in body
        assert page.evaluate("window.__xss") is None
        assert page.locator("article script, article img[src='x']").count() == 0
        assert p.dialogs == []
        for index in ("index.html", "indexes/signatures.html", "indexes/services.html"):
            assert p.open(index).evaluate("window.__xss") is None
        assert p.outside == []
    finally:
        p.close()


def test_analytics_charts_load_offline_in_a_chinese_font(page):
    p = page.open("indexes/analytics.html")
    images = p.locator("article img")
    assert images.count() == 3
    assert images.evaluate_all("imgs => imgs.every(i => i.complete && i.naturalWidth > 300)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SCREENSHOTS / "analytics.png"), full_page=True)
    svg = page.open("indexes/charts/times.svg")
    assert "发现用时" in svg.locator("svg").inner_html()
    # The chart names a local CJK font first; it must be there, or Chinese labels would be boxes.
    assert svg.evaluate("""document.fonts.check('12px "Noto Sans CJK SC"', '每次故障的发现与恢复用时')""")
    assert page.outside == []
