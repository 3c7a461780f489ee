"""A released migration is history: once a migration has landed on main (databases have been
made with it) its file never changes; a schema change is a new migration.

When your migration lands, add its line below: the failure message of
test_every_migration_is_listed prints it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import repdesk.migrations

VERSIONS = Path(repdesk.migrations.__file__).resolve().parent / "versions"

RELEASED = {
    "0001_initial_schema.py": "7443fe4714e1ddbc734d38c8010790f0d729ce46450a443e97e79306e90c2d81",
    "0002_inbox_indexes.py": "94f6f06d204388a4f87f0d82cf86be50257a731f4c1588d075cd3fa33a325e1f",
    "0003_lead_status_counts.py": (
        "632d07766670e93d2983e09e0d9b939a613c62aca59e96492e25412bca97f454"
    ),
    "0004_drop_redundant_indexes.py": (
        "799e12195300c0c98fc9462c5a2cc017306213d2691e22c2c506f580848684cf"
    ),
    "0005_qualification_expiry_index.py": (
        "ebef6a3b9b66d29f104cdd75bf1022299a7eed99b1833a75ff8f17fc7eb489b9"
    ),
    "0006_form_answers.py": "07af7b691f452c1fac08deefb31ecf5cd8811cab778946fe3afbe71609da1ad7",
    "0007_email.py": "0e04fa3c2466131895736cc9e88fe031a7bb09a202b5a5cec477fe3f816165a5",
    "0008_team.py": "81a64f6fa2bde021da2c42dd47283b86a656503daf1a2b0e8b6deb4d7ef3aec9",
    "0009_lean_schema.py": "239a5ee02c2a35d593bb5904b44a6e720b763e5f9b5d857dbba21ceb2a75a610",
    "0010_import_identity.py": "a9fa0a468fe074c662a52d191db62cf2c82f227d1533ca0d6ea5893e22608f25",
    "0011_first_response_business_seconds.py": (
        "2b5aac4f2fb6f738f0c1fa509e007e43cb0b8f27cf35f05f335b64eb4a1ccf40"
    ),
    "0012_call_lease.py": "544f3e3f15528171897ddba3c5504108e099ea51bc24c4ad688096742100d71c",
    "0013_inbox_owner_index.py": "7409b263a6516c16c949a5793da4db033dd87c46016587c3e676d97d96546e24",
    "0014_today_owner_scope.py": "d680d0e61bc47639cc8175d07359e41512dff4be9a8936c872d35ca31454e4ab",
}


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_no_released_migration_was_edited() -> None:
    changed = [
        name
        for name, digest in RELEASED.items()
        if not (VERSIONS / name).is_file() or checksum(VERSIONS / name) != digest
    ]
    assert changed == [], (
        f"released migrations changed or removed: {', '.join(changed)}; put the file back as it "
        "was (git checkout main -- repdesk/migrations/versions/NAME) and add a new migration"
    )


def test_every_migration_is_listed() -> None:
    unlisted = sorted(p.name for p in VERSIONS.glob("*.py") if p.name not in RELEASED)
    lines = "\n".join(f'    "{name}": "{checksum(VERSIONS / name)}",' for name in unlisted)
    assert unlisted == [], f"add to RELEASED in {__file__} as your migration lands:\n{lines}"
