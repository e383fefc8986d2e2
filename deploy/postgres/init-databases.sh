#!/bin/sh
# One database, owned by a login role of the same name, per OPI service. The postgres image
# runs this once, on an empty data directory. Each role's password comes from
# <SERVICE>_DB_PASSWORD (INTAKE_DB_PASSWORD, ...); see docker-compose.yml.
set -e

: "${SERVICE_DATABASES:?list the services, e.g. intake referral notification reporting}"

for service in $SERVICE_DATABASES; do
    variable="$(echo "$service" | tr '[:lower:]-' '[:upper:]_')_DB_PASSWORD"
    password="$(printenv "$variable" || true)"
    if [ -z "$password" ]; then
        echo "init-databases: $variable is not set" >&2
        exit 1
    fi
    echo "init-databases: creating role and database $service"
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        -v name="$service" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
done
