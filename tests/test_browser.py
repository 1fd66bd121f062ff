"""The built site in a real browser: Playwright driving Debian's Chromium (no browser download), the site
served under a sub-path from a local server as GitHub Pages serves a project. Every test fails if the page
asks any other host for anything."""

import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from conftest import SITE_URL

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
PREFIX = urlsplit(SITE_URL).path  # "/nianbao/"


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves site/ under PREFIX, and 404.html for anything missing, like GitHub Pages."""

    def __init__(self, *args, site_dir, **kwargs):
        self.site_dir = site_dir
        super().__init__(*args, directory=str(site_dir), **kwargs)

    def translate_path(self, path):
        path = urlsplit(path).path
        return super().translate_path("/" + path[len(PREFIX):] if path.startswith(PREFIX) else "/__outside__")

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (self.site_dir / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url(site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, site_dir=site / "site"))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}{PREFIX}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def open_context(browser, base_url, **options):
    """A browser context that refuses, and records, every request to a host other than the local server."""
    context = browser.new_context(**options)
    context.foreign = []
    local = urlsplit(base_url).netloc

    def guard(route):
        url = route.request.url
        if urlsplit(url).netloc == local or url.startswith("data:"):
            route.continue_()
        else:
            context.foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    return context


@pytest.fixture
def page(browser, base_url):
    context = open_context(browser, base_url)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert context.foreign == [], f"requests to other hosts: {context.foreign}"
    assert errors == [], f"JavaScript errors: {errors}"
    context.close()


def test_home_to_a_report_page_with_its_numbers_and_a_chart(page, base_url):
    page.goto(base_url)
    page.locator('a[href$="shuyang-gov/2025/"]').first.click()
    page.wait_for_url("**/shuyang-gov/2025/")
    table = page.locator("table.nb-requests")
    assert "713" in table.inner_text()
    chart = page.locator('svg[role="img"]').first
    assert chart.is_visible()
    assert chart.locator("title").count() == 1
    assert page.locator('a[href$="2025.csv"]').count() == 1  # the page's own data


def test_search_finds_a_chinese_query(page, base_url):
    page.goto(base_url)
    search = page.locator('input[data-md-component="search-query"]')
    search.click()
    search.fill("行政复议")
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert results.count() > 0
    assert "行政复议" in page.locator(".md-search-result").inner_text()


def test_compare_filters_and_sorts(page, base_url):
    page.goto(base_url + "compare/")
    rows = page.locator("table.nb-sortable tbody tr")
    total = rows.count()
    page.locator('select[data-filter="year"]').select_option("2025")
    visible = page.locator("table.nb-sortable tbody tr:not([hidden])")
    assert 0 < visible.count() < total
    assert all(r.get_attribute("data-year") == "2025" for r in visible.all())
    page.locator("table.nb-sortable thead th", has_text="新收申请").click()
    numbers = [int(t.replace(",", "")) for t in visible.locator("td:nth-child(4)").all_inner_texts() if t.strip()]
    assert numbers == sorted(numbers)


def test_404_page_works_under_the_project_sub_path(page, base_url):
    response = page.goto(base_url + "no/such/page/")
    assert response.status == 404
    # The theme's stylesheet loaded (absolute paths under the sub-path), so the header is laid out.
    assert page.locator(".md-header").evaluate("e => getComputedStyle(e).position") in ("sticky", "fixed")
    page.locator("a.md-header__button.md-logo").click()
    page.wait_for_url(base_url)
    assert page.locator("h1").first.inner_text().startswith("政府信息公开工作年度报告数据")


@pytest.mark.parametrize("path", ["", "shuyang-gov/2025/", "shuyang-gov/", "compare/", "indicators/", "data/",
                                  "quality/", "years/2025/", "agencies/"])
def test_no_page_scrolls_sideways_on_a_phone(browser, base_url, path):
    context = open_context(browser, base_url, viewport={"width": 375, "height": 740}, device_scale_factor=2,
                           is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base_url + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{path or 'home'} is {width}px wide on a 375px screen"
    assert context.foreign == []
    context.close()
