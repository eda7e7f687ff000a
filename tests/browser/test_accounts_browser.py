"""Accounts in a real browser on a phone (Pixel 7): sign up, log out, log in, wrong password."""
import re

from playwright.sync_api import expect

from .helpers import assert_clean, assert_only_local

LOGIN_URL = re.compile(r"/login(\?.*)?$")


def bottom_nav(page):
    """The main bottom navigation."""
    return page.get_by_role("navigation", name="Main")


def expect_today(page):
    """The page is Today, with the bottom navigation."""
    expect(page).to_have_url("/")
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    nav = bottom_nav(page)
    expect(nav).to_be_visible()
    for name in ("Today", "People", "Search", "Capture a note"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()


def log_in(page, email, password):
    """Fill the login form by its labels and press Log in."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_sign_up_lands_on_today(page, watch, live_server, new_email, password):
    """Signing up through the form lands on Today, with the bottom navigation."""
    page.goto("/")
    expect(page).to_have_url(LOGIN_URL)
    page.get_by_role("link", name="Sign up").click()
    expect(page).to_have_url("/signup")

    page.get_by_label("Email").fill(new_email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_role("button", name="Sign up").click()

    expect_today(page)
    expect(page.get_by_role("status")).to_contain_text("Welcome to Rapport")
    assert_only_local(watch, live_server)


def test_log_out_and_log_in_again(signed_in_page, watch, live_server, new_email, password):
    """Account > Log out returns to the login page; logging in by the labelled fields returns to Today."""
    page = signed_in_page
    page.get_by_role("link", name="Account").click()
    expect(page).to_have_url("/account")
    expect(page.get_by_text(new_email)).to_be_visible()

    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page).to_have_url(LOGIN_URL)
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    expect(bottom_nav(page)).to_have_count(0)

    # Logged out for real: Today sends us back to the login page.
    page.goto("/")
    expect(page).to_have_url(LOGIN_URL)

    log_in(page, new_email, password)
    expect_today(page)
    assert_only_local(watch, live_server)


def test_wrong_password_keeps_the_email(page, watch, live_server, make_user, password):
    """A wrong password says so and keeps the typed email."""
    make_user("ada@example.com", password)
    page.goto("/login")

    log_in(page, "ada@example.com", "not the password")

    expect(page.get_by_text("Wrong email or password")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("ada@example.com")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page).to_have_url(LOGIN_URL)
    expect(bottom_nav(page)).to_have_count(0)

    # The right password then works from the same form.
    log_in(page, "ada@example.com", password)
    expect_today(page)
    assert_only_local(watch, live_server)


def test_no_console_errors_or_csp_violations(page, watch, live_server, make_user, password):
    """The login page and Today load their scripts under the CSP without errors."""
    make_user("ada@example.com", password)
    page.goto("/login")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load on the login page"
    assert_clean(watch)

    log_in(page, "ada@example.com", password)
    expect_today(page)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load on Today"
    assert_clean(watch)
    assert_only_local(watch, live_server)


def test_icon_is_served(page):
    """The page's icon (its <link rel=icon>, or /favicon.ico when there is none) loads."""
    page.goto("/login")
    href = page.evaluate(
        "(document.querySelector('link[rel~=icon]') || {href: new URL('/favicon.ico', location.href).href}).href"
    )
    if href.startswith("data:"):
        return
    response = page.request.get(href)
    assert response.ok, f"{href} answered {response.status}"


def test_bottom_nav_touch_targets(signed_in_page):
    """Each bottom-nav link is at least 44x44 CSS px."""
    links = bottom_nav(signed_in_page).get_by_role("link")
    expect(links).to_have_count(4)
    for link in links.all():
        box = link.bounding_box()
        name = link.get_attribute("aria-label") or link.inner_text()
        assert box is not None, f"{name} is not rendered"
        assert box["width"] >= 44 and box["height"] >= 44, f"{name} is {box['width']}x{box['height']}"


def test_login_inputs_are_16px(page):
    """The login inputs compute to at least 16px, so phones do not zoom in on focus."""
    page.goto("/login")
    for label in ("Email", "Password"):
        size = page.get_by_label(label).evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 16, f"{label} input font-size is {size}px"
    body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body >= 16, f"body font-size is {body}px"
