"""Planning the extract shards: every bulletin in exactly one shard, the same one in every process and run."""

import hashlib
import os
import subprocess
import sys

import pytest

from orchestration.extraction.shards import plan_shards, shard_batch_id, shard_of


def bulletin_ids(n: int, salt: str = "") -> list[str]:
    """Ids shaped like the ingest step's (the first 16 hex digits of a text's SHA-256)."""
    return [hashlib.sha256(f"{salt}bulletin {i}".encode()).hexdigest()[:16] for i in range(n)]


def test_every_bulletin_is_in_exactly_one_shard_with_its_text_batch():
    todo = {bulletin_id: f"texts-{i % 3}" for i, bulletin_id in enumerate(bulletin_ids(200))}
    planned = plan_shards(todo, 4)
    assert set(planned) <= set(range(4))
    merged = {bulletin_id: batch for shard in planned.values() for bulletin_id, batch in shard.items()}
    assert merged == todo  # complete, and each keeps the batch its text is read from
    assert sum(len(shard) for shard in planned.values()) == len(todo)  # disjoint
    assert all(shard_of(bulletin_id, 4) == k for k, shard in planned.items() for bulletin_id in shard)


def test_a_bulletins_shard_depends_on_its_id_alone():
    ids = bulletin_ids(60)
    whole = plan_shards(dict.fromkeys(ids, "b"), 3)
    part = plan_shards(dict.fromkeys(reversed(ids[::2]), "b"), 3)  # another todo, in another order
    assert all(bulletin_id in whole[k] for k, shard in part.items() for bulletin_id in shard)


def test_the_shard_is_the_same_in_another_process_with_another_hash_seed():
    ids = bulletin_ids(20, salt="x")
    code = (
        "import sys; from orchestration.extraction.shards import shard_of; "
        "print([shard_of(b, 5) for b in sys.argv[1:]])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code, *ids], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str([shard_of(b, 5) for b in ids])


def test_shards_share_the_work_roughly_evenly():
    planned = plan_shards(dict.fromkeys(bulletin_ids(2000, salt="even"), "b"), 4)
    assert len(planned) == 4 and all(400 <= len(shard) <= 600 for shard in planned.values())


def test_one_shard_takes_everything_and_nothing_to_do_still_plans_one_empty_shard():
    todo = dict.fromkeys(bulletin_ids(7), "b")
    assert plan_shards(todo, 1) == {0: todo}
    assert plan_shards({}, 4) == {0: {}}  # the commit still runs and reports the assets
    with pytest.raises(ValueError):
        plan_shards(todo, 0)


def test_each_shard_writes_its_own_batch_that_sorts_with_its_run():
    ids = [shard_batch_id("20261202T050000000000-abcd1234", k) for k in range(3)]
    assert len(set(ids)) == 3 and all(i.startswith("20261202T050000000000-abcd1234") for i in ids)
    assert "." not in "".join(ids)  # batch part files are named batch-<id>.<part>.parquet
