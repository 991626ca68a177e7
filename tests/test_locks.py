"""The one file-lock helper: a second holder waits until the first lets go."""

import threading

from orchestration.locks import file_lock, ledger_lock


def test_a_second_holder_waits_for_the_first(tmp_path):
    lock = tmp_path / "folder made on demand" / ".lock"
    order: list[str] = []
    with file_lock(lock):
        waiter = threading.Thread(target=lambda: file_lock_then(lock, order))
        waiter.start()
        waiter.join(timeout=0.3)
        assert waiter.is_alive()  # blocked while the first holder is inside
        order.append("first done")
    waiter.join(timeout=5)
    assert order == ["first done", "second inside"]


def file_lock_then(lock, order):
    with file_lock(lock):
        order.append("second inside")


def test_the_ledger_lock_sits_beside_the_ledgers(tmp_path):
    with ledger_lock(tmp_path / "staging"):
        assert [p.name for p in (tmp_path / "staging").iterdir()] == [".ledger.lock"]
