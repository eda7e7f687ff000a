"""Entry points: `flask --app app ...`, `gunicorn app:app`, and the background consumer `huey_consumer app.huey`."""
from journal import create_app
from journal.tasks import huey  # noqa: F401 - the consumer's queue; its tasks run in this app's context

app = create_app()
