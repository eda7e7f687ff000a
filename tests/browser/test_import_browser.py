"""Importing on a phone: choose a file, read its preview, tap Import; only the job's id goes back to the server."""
import pytest
from playwright.sync_api import expect

from journal.models import Contact
from .helpers import assert_clean, shot


@pytest.fixture(autouse=True)
def jobs_dir(app, tmp_path):
    """This test's own jobs folder."""
    app.config["JOBS_DIR"] = str(tmp_path / "jobs")


def test_a_csv_is_previewed_then_imported(watch, signed_in_page, live_server, app):
    """The preview lists each row and its problems; Import writes the good rows and says how many."""
    page = signed_in_page
    page.goto("/import")
    page.get_by_label("File").set_input_files(files=[{
        "name": "team.csv", "mimeType": "text/csv",
        "buffer": "name,emails\nZoë Martin,zoe@acme.example\nKen Sato,not-an-email\n".encode("utf-8")}])
    confirm_posts = []
    page.on("request", lambda r: r.method == "POST" and "/confirm" in r.url and confirm_posts.append(r.post_data))
    page.get_by_role("button", name="Preview").tap()
    expect(page.get_by_text("2 people in team.csv")).to_be_visible()
    expect(page.get_by_text("“not-an-email” is not a valid email address.")).to_be_visible()  # the contact form's words
    shot(page, "import-preview.png")
    page.get_by_role("button", name="Import 1").tap()
    expect(page.get_by_text("Imported 1 person.")).to_be_visible()
    expect(page.get_by_text("1 row was left out")).to_be_visible()
    shot(page, "import-done.png")
    assert len(confirm_posts) == 1 and confirm_posts[0].startswith("csrf_token=") and "&" not in confirm_posts[0]
    with app.app_context():
        assert [c.name for c in Contact.select()] == ["Zoë Martin"]
    assert_clean(watch)
