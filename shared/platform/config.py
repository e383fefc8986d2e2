"""Settings of a service, read from the environment with the prefix ``OPI_``.

Every field is documented in the README's settings table; keep the two in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.contracts.codes import check_country

REGIONAL_INSTANCE = "rcm"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPI_", extra="ignore")

    country: str = Field("MX", description="ISO 3166-1 alpha-2 code of this national instance")
    data_dir: Path = Field(
        Path(".opi"), description="where embedded SQLite files and dev keys live"
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy async URL; default: SQLite file under data_dir"
    )
    database_echo: bool = Field(False, description="log every SQL statement")
    migrate_on_start: bool = Field(True, description="run Alembic upgrade head at start-up")

    http_host: str = Field("127.0.0.1", description="address the HTTP server binds")
    http_port: int | None = Field(None, description="default: the service's own port (8001...)")

    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", description="the national Kafka, host:port[,host:port]"
    )
    kafka_enable_idempotence: bool = Field(
        True, description="idempotent producer; `opi dev` turns it off (Tansu cannot do it)"
    )
    kafka_topic_partitions: int = Field(3, ge=1, description="partitions of created topics")
    kafka_replication_factor: int = Field(1, ge=1, description="replicas of created topics")
    kafka_create_topics: bool = Field(True, description="create missing topics at start-up")
    kafka_session_timeout_ms: int = Field(
        10_000, ge=1000, description="consumer-group session; a group join waits about half"
    )
    kafka_rebalance_timeout_ms: int = Field(
        60_000, ge=1000, description="how long a group rebalance waits for members to rejoin"
    )
    kafka_heartbeat_interval_ms: int = Field(3_000, ge=100, description="consumer heartbeat")
    kafka_fetch_max_wait_ms: int = Field(
        500, ge=0, description="longest a fetch waits for data (the embedded broker always waits)"
    )
    kafka_request_timeout_ms: int = Field(15_000, ge=500, description="produce/metadata timeout")

    outbox_batch_size: int = Field(200, ge=1, description="events the relay sends per round")
    outbox_poll_interval_seconds: float = Field(
        0.5, gt=0, description="relay poll when idle (a commit wakes it at once)"
    )
    outbox_max_attempts: int = Field(
        3, ge=1, description="refusals by Kafka before an event is parked (an outage never parks)"
    )
    outbox_max_backoff_seconds: float = Field(
        10.0, gt=0, description="longest relay pause while Kafka is unreachable"
    )

    consumer_max_attempts: int = Field(3, ge=1, description="tries before a dead letter")
    consumer_retry_backoff_seconds: float = Field(
        0.2, ge=0, description="first pause between tries; doubles each time"
    )
    consumer_max_backoff_seconds: float = Field(
        30.0,
        gt=0,
        description="longest pause between tries of a message held back by a database or "
        "Kafka outage (retried without limit, its partition waiting)",
    )
    consumer_redeliver_after_seconds: float = Field(
        60.0,
        gt=0,
        le=240,
        description="longest a held message waits in one delivery before it is rewound and "
        "fetched again (well under Kafka's 300 s poll interval)",
    )
    kafka_connect_max_backoff_seconds: float = Field(
        30.0,
        gt=0,
        description="longest pause between attempts to reach a Kafka at start-up (HTTP and "
        "the outbox do not wait for it)",
    )

    referral_targets_file: Path | None = Field(
        None, description="referral: TOML of refugee-commission and prosecutor targets per country"
    )
    referral_seed_file: Path | None = Field(
        None, description="referral: TOML of shelters loaded when the registry is empty"
    )
    placement_sweep_interval_seconds: float = Field(
        5.0, gt=0, description="referral: how often pending placements are retried"
    )

    notification_recipients_file: Path | None = Field(
        None, description="notification: TOML of recipients loaded when the directory is empty"
    )
    notification_max_attempts: int = Field(6, ge=1, description="notification: tries per notice")
    notification_retry_base_seconds: float = Field(
        2.0, gt=0, description="notification: first retry delay; doubles, with jitter"
    )
    notification_retry_max_seconds: float = Field(
        600.0, gt=0, description="notification: longest delay between two tries"
    )
    notification_poll_interval_seconds: float = Field(
        1.0, gt=0, description="notification: how often due notices and deadlines are checked"
    )
    notification_timeout_seconds: float = Field(
        10.0, gt=0, description="notification: webhook and SMTP timeout"
    )
    screening_deadline_hours: float = Field(
        24.0, gt=0, description="notification: alert when a case is not screened by then"
    )
    consular_deadline_hours: float = Field(
        24.0, gt=0, description="notification: alert when an allowed consular notice is late"
    )
    smtp_host: str = Field("127.0.0.1", description="notification: SMTP server")
    smtp_port: int = Field(25, description="notification: SMTP port")
    smtp_sender: str = Field("opi-notifications@localhost", description="notification: From")

    reporting_pseudonym_secret: SecretStr | None = Field(
        None,
        description="reporting: key of the regional case keys (>= 32 bytes); never leaves the "
        "country; default: a random key kept in data_dir",
    )
    regional_kafka_bootstrap_servers: str | None = Field(
        None,
        description="reporting: the regional (RCM) Kafka; unset: the feed waits in the outbox",
    )
    reporting_small_cell_k: int = Field(
        10, ge=2, description="regional reporting: cells below k are suppressed"
    )
    reporting_statistics_interval_seconds: float = Field(
        60.0, gt=0, description="regional reporting: how often crm.statistics.v1 is published"
    )
    reporting_regional: bool = Field(
        False, description="reporting: the regional (RCM) mode (`opi serve reporting --regional`)"
    )

    handover_keys_dir: Path | None = Field(
        None,
        description="intake: this country's private handover keys; default: data_dir/<country>/"
        "handover-keys (created on first use)",
    )
    handover_peers_file: Path | None = Field(
        None,
        description="intake: TOML of every country's public handover keys; unset: no handovers",
    )
    handover_authority_name: str = Field(
        "National child-protection authority", description="intake: who sends a handover"
    )
    handover_authority_contact: str = Field(
        "not configured", description="intake: the sending desk's phone or e-mail"
    )

    keycloak_url: str | None = Field(None, description="e.g. https://sso.example.org")
    keycloak_realm: str | None = Field(
        None, description="default: opi-<country>, or opi-rcm in the regional mode"
    )
    keycloak_client_id: str = Field("opi-platform", description="the platform's client")
    auth_issuer: str | None = Field(None, description="default: <keycloak_url>/realms/<realm>")
    auth_audience: str | None = Field(None, description="required 'aud' claim, if set")
    auth_jwks_file: Path | None = Field(
        None, description="development: trust the keys in this JWKS file instead of Keycloak"
    )
    auth_leeway_seconds: int = Field(30, ge=0, description="clock skew allowed on exp")

    telemetry_exporter: Literal["none", "console", "otlp"] = Field(
        "none", description="where traces go"
    )
    otlp_endpoint: str | None = Field(None, description="OTLP/HTTP traces endpoint")
    log_level: str = Field("INFO", description="uvicorn log level")

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        return check_country(value)

    @property
    def instance(self) -> str:
        """The name of this instance: the country code, or ``rcm`` for the regional one."""
        return REGIONAL_INSTANCE if self.reporting_regional else self.country.lower()

    @property
    def realm(self) -> str:
        return self.keycloak_realm or f"opi-{self.instance}"

    @property
    def issuer(self) -> str:
        if self.auth_issuer:
            return self.auth_issuer
        if self.keycloak_url:
            return f"{self.keycloak_url.rstrip('/')}/realms/{self.realm}"
        return f"opi-dev/{self.realm}"

    def database_url_for(self, service: str) -> str:
        if self.database_url:
            return self.database_url
        path = self.data_dir / self.instance / f"{service}.db"
        return f"sqlite+aiosqlite:///{path}"
