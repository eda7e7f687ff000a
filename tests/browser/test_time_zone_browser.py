"""The browser's time zone reaches the account: a phone in Auckland signs up, and its account is in Auckland's zone."""
from playwright.sync_api import expect

from .helpers import sign_up

from journal.models import User


def test_sign_up_stores_the_browser_zone(browser, browser_context_args, live_server, app, new_email):
    """Chromium set to Pacific/Auckland signs up through the real form: the account is in Pacific/Auckland."""
    context = browser.new_context(**browser_context_args, timezone_id="Pacific/Auckland")
    try:
        page = context.new_page()
        sign_up(page, new_email)  # waits for Today
        with app.app_context():
            user = User.by_email(new_email)
            assert (user.time_zone, user.time_zone_fixed) == ("Pacific/Auckland", False)
        page.goto("/account")
        expect(page.get_by_role("combobox", name="Time zone")).to_have_value("Pacific/Auckland")
    finally:
        context.close()
