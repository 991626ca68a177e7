"""Forget bulletins whose files were removed from the inbox (on purpose: facts otherwise stay).

    python -m orchestration.purge [--dry-run]

Drops removed files from the ledger; the next refresh then drops their facts from the marts. Their
texts stay in the raw history (bulletin_versions) and their events in file_history.
"""

import argparse
import sys

from orchestration.locks import ledger_lock
from orchestration.settings import WarehousePaths
from orchestration.staging import StagingStore


def purge_removed(store: StagingStore, dry_run: bool = False) -> list[str]:
    with ledger_lock(store.root):
        ledger = store.read_ledger("bulletin_files")
        removed = [r["source_file"] for r in ledger if r["removed_at"] is not None]
        if removed and not dry_run:
            store.write_ledger("bulletin_files", [r for r in ledger if r["removed_at"] is None])
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="list what would be purged")
    args = parser.parse_args(argv)
    removed = purge_removed(StagingStore(WarehousePaths.from_env().staging_dir), args.dry_run)
    verb = "would purge" if args.dry_run else "purged"
    print(f"{verb} {len(removed)} removed file(s)" + "".join(f"\n  {name}" for name in removed))
    if removed and not args.dry_run:
        print("run `make run` to drop their facts from the published warehouse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
