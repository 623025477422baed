"""Settings, read once at start-up from the environment and an optional `.env` file."""

from __future__ import annotations

import contextlib
import re

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///coach.db"
# `scheme://user:password@`: the password as written, percent-encoded or not, even in a
# URL SQLAlchemy can't parse (a bad port).
URL_PASSWORD = re.compile(r"^[^:/]+://[^:/@]*:(.+)@")


def normalise_database_url(url: str) -> str:
    """Pick the async driver for plain URLs, so `postgres://…` from a platform just works."""
    for prefix, replacement in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(prefix):
            return replacement + url[len(prefix) :]
    return url


def normalise_bot_api_url(url: str) -> str:
    """Accept `http://host:8081` as well as `http://host:8081/bot`, as PTB wants the latter."""
    url = url.rstrip("/")
    return url if url.endswith("/bot") else url + "/bot"


class Settings(BaseSettings):
    """Everything the coach can be configured with; see the README for each variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

    bot_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    bot_api_url: str | None = None
    log_level: str = "INFO"
    log_lifter_content: bool = False  # what lifters write, in DEBUG lines (never by default)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    port: int = 8080
    bot_api_timeout: float = 5.0  # seconds a Bot API answer may take before the call fails
    database_timeout: float = Field(5.0, gt=0)  # seconds a database call may take

    @field_validator("bot_token", "webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `BOT_TOKEN=` in a platform's settings page means "not set", not an empty token.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("bot_api_url")
    @classmethod
    def _bot_api_url(cls, value: str | None) -> str | None:
        return normalise_bot_api_url(value) if value else None

    def secrets(self) -> list[str]:
        """Values no log line may show: the token, the webhook secret, the database password."""
        from sqlalchemy.engine import make_url  # here: `coach emulator` never needs SQLAlchemy
        from sqlalchemy.exc import ArgumentError

        values = [
            secret.get_secret_value()
            for secret in (self.bot_token, self.webhook_secret)
            if secret is not None
        ]
        written = URL_PASSWORD.match(self.database_url)
        if written:
            values.append(written.group(1))
        with contextlib.suppress(ArgumentError, ValueError):  # a malformed URL fails later
            password = make_url(self.database_url).password
            if password:
                values.append(str(password))
        return values

    @property
    def bot_file_url(self) -> str | None:
        """The file download base that matches `bot_api_url` (…/file/bot)."""
        if self.bot_api_url is None:
            return None
        return self.bot_api_url[: -len("/bot")] + "/file/bot"
