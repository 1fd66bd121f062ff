"""The built site in a real browser: Playwright driving Debian's Chromium (no browser download), the site
served under a sub-path from a local server as GitHub Pages serves a project. Every test fails if the page
asks any other host for anything."""

import shutil
from urllib.parse import urlsplit

import pytest
from conftest import SITE_URL
from nianbao.measure.localsite import served

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
PREFIX = urlsplit(SITE_URL).path  # "/nianbao/"


@pytest.fixture(scope="module")
def base_url(site):
    with served(site / "site", PREFIX) as url:
        yield url


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
    """Pagefind: the search page from the navigation, a Chinese query, results linked under the sub-path,
    and only part of the index downloaded."""
    fetched = []
    page.on("response", lambda r: fetched.append(r.url) if "/pagefind/" in r.url else None)
    page.goto(base_url)
    page.locator("a.md-tabs__link", has_text="搜索").click()
    page.locator(".pagefind-ui__search-input").fill("行政复议")
    links = page.locator(".pagefind-ui__result-link")  # a result shows as a placeholder until its text loads
    links.first.wait_for(timeout=15000)
    assert "行政复议" in page.locator(".pagefind-ui__results").inner_text()
    assert links.first.get_attribute("href").startswith(PREFIX)
    assert any("/pagefind/index/" in url for url in fetched)


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
