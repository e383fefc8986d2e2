from services.referral import models
from shared.platform.alembic_env import run_migrations

run_migrations("referral", models.Base.metadata)
