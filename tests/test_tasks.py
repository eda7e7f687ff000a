"""The queue behind background jobs (journal/tasks.py): where HUEY_URL points it, and Redis shared by several hosts."""
import pytest

from journal import tasks


def test_without_huey_url_the_queue_is_sqlite_in_the_instance_folder(tmp_path):
    """Unset: a SQLite file in the instance folder, so `make run` needs nothing else."""
    queue = tasks.make_huey("", str(tmp_path / "instance"))
    assert type(queue).__name__ == "SqliteHuey" and (tmp_path / "instance" / "huey.db").exists()


def test_an_unknown_huey_url_is_refused_with_a_clear_message(tmp_path):
    """A URL of another kind stops the app at start-up, saying what is accepted."""
    with pytest.raises(ValueError, match=r"HUEY_URL must be a redis://, rediss:// or unix:// URL"):
        tasks.make_huey("amqp://queue.internal", str(tmp_path))


def test_hosts_with_the_same_redis_url_share_one_queue(tmp_path, redis_url):  # noqa: F811
    """A job queued by one host's web process waits in Redis for whichever host's consumer is free."""
    url = redis_url.replace("redis+unix://", "unix://")
    first, second = tasks.make_huey(url, str(tmp_path)), tasks.make_huey(url, str(tmp_path))
    assert type(first).__name__ == "RedisHuey"
    first.flush()

    def double(value):
        """A task only this test queues (both hosts run the same code, so both know it)."""
        return 2 * value

    queue_it, _ = first.task(name="double")(double), second.task(name="double")(double)
    queue_it(21)
    assert second.pending_count() == 1
    assert second.execute(second.dequeue()) == 42  # the other host's consumer runs it
    assert first.pending_count() == 0

