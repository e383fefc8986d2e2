from services.reporting.regional import models
from shared.platform.alembic_env import run_migrations

run_migrations("regional-reporting", models.Base.metadata)
