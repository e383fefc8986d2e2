from services.intake import models
from shared.platform.alembic_env import run_migrations

run_migrations("intake", models.Base.metadata)
