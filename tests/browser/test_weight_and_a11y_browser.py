"""On a phone: the first load of Today fits 60 KB compressed, a repeat visit fetches no static file, and
axe-core (vendored, 4.14.1) finds no serious or critical accessibility violation on the main screens."""
import os

import pytest
from playwright.sync_api import expect

from .helpers import HERE, seed_demo, sign_up
from .weight import ServerLog, first_load, wait_for_offline_ready

AXE = os.path.join(HERE, "vendor", "axe-core-4.14.1", "axe.min.js")
BUDGET = 60 * 1024


def test_first_load_of_today_fits_the_budget_and_a_repeat_visit_fetches_no_static_file(
        browser, browser_context_args, live_server, app, new_email):
    """≤ 60 KB on the wire for Today (HTML, CSS, JS, icons) in a fresh browser; then all static from the phone."""
    setup = browser.new_context(**browser_context_args)
    sign_up(setup.new_page(), new_email)
    seed_demo(app, new_email)
    cookies = setup.cookies()
    setup.close()

    context = browser.new_context(**browser_context_args)  # an empty cache, only the session cookie
    context.add_cookies(cookies)
    page, rows = first_load(context, "/")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    total = sum(size for _, _, size in rows)
    kinds = {kind for _, kind, _ in rows}
    assert {"document", "stylesheet", "script"} <= kinds
    assert total <= BUDGET, f"{total} bytes: {rows}"

    wait_for_offline_ready(page)
    with ServerLog(app) as log:
        page.goto("/")
        page.wait_for_load_state("networkidle")
        page.goto("/people/")
        page.wait_for_load_state("networkidle")
    assert "/" in log.paths  # the page itself is fresh from the server (network first) ...
    assert [p for p in log.paths if p.startswith("/static/")] == []  # ... its files come from the phone
    context.close()


def audit(page):
    """Run axe-core on the page; the serious and critical violations, as readable lines."""
    with open(AXE, encoding="utf-8") as handle:
        page.evaluate(handle.read())  # evaluated through DevTools, so the page's CSP does not apply
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert len(result["passes"]) > 10, "axe did not really check this page"
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(page, live_server, app, new_email, scheme):
    """Today, People, a brief and capture, in light and dark: no serious or critical axe violations."""
    page.emulate_media(color_scheme=scheme)
    sign_up(page, new_email)
    first = seed_demo(app, new_email, contacts=30)[0]
    found = {}
    for url in ("/", "/people/", f"/people/{first}", "/capture", "/search?q=a"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        violations = audit(page)
        if violations:
            found[url] = violations
    assert found == {}
