"""outbox parking

An outbox event is parked explicitly (`parked_at`), and only after Kafka itself refused it
`refusals` times; an outage no longer parks anything (see shared/platform/outbox_migration.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 13:41:14.000000
"""

from collections.abc import Sequence

from shared.platform.outbox_migration import add_parking, drop_parking

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_parking()


def downgrade() -> None:
    drop_parking()
