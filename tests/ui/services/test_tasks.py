"""The background-task runner delivers every result, also of work queued by a result."""

from ui.services.tasks import TaskRunner


def test_shutdown_delivers_work_queued_by_a_callback(qapp, database):
    errors: list[Exception] = []
    runner = TaskRunner(database, errors.append)
    delivered: list[str] = []

    def first_done(value):
        delivered.append(value)
        runner.run(lambda _database: "second").then(delivered.append)

    runner.run(lambda _database: "first").then(first_done)
    assert runner.shutdown(10_000)
    assert delivered == ["first", "second"] and errors == []
    runner.deleteLater()
