"""A crawl of the app as a signed-in phone user with demo data: every page reached by following links
shows zero Content-Security-Policy violations, no console errors and no request to a third party."""
import re
from urllib.parse import urldefrag, urlsplit

from .helpers import assert_only_local, seed_demo

# Links that act or download rather than show a page.
SKIP = re.compile(r"^/(logout|export\.|calendar/|backup\.|static/)|/delete$|\.(ics|xlsx|csv|zip|json)$")
LIMIT = 40


def test_crawl_main_pages_without_csp_violations(watch, signed_in_page, live_server, app, new_email):
    """Breadth-first from Today over same-site links (up to 40 pages): no CSP violation anywhere."""
    page = signed_in_page
    seed_demo(app, new_email, contacts=25)
    queue, seen, violations = ["/", "/people/", "/capture", "/search?q=an", "/account", "/export"], set(), {}
    while queue and len(seen) < LIMIT:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        found = watch.csp_violations()
        if found:
            violations[path] = found
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(urldefrag(href)[0])
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if live_server.is_local(href) and parts.scheme.startswith("http") and not SKIP.search(parts.path) \
                    and local not in seen:
                queue.append(local)
    assert len(seen) >= 20, f"the crawl reached only {sorted(seen)}"
    assert {"/", "/people/", "/capture", "/account"} <= seen
    assert any(re.fullmatch(r"/people/\d+", p) for p in seen), "no brief was crawled"
    assert violations == {}
    assert watch.console_errors == [] and watch.page_errors == []
    assert_only_local(watch, live_server)
