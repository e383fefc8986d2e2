from services.reporting import models
from shared.platform.alembic_env import run_migrations

run_migrations("reporting", models.Base.metadata)
