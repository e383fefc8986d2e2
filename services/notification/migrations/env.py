from services.notification import models
from shared.platform.alembic_env import run_migrations

run_migrations("notification", models.Base.metadata)
