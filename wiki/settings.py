"""Settings: one frozen object, read once from ``WIKI_*`` environment variables.

Every field carries a ``help`` line in its metadata; README's settings table is checked against
these fields by a test, so a setting cannot be added without being documented.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from wiki.errors import ConfigError

LANGUAGES = ("en", "id")

DEFAULT_RATE_LIMITS = (
    "edit:anon=8/60,edit:newbie=8/60,edit:user=90/60,"
    "createaccount:anon=6/86400,login:anon=20/300,login:user=20/300,"
    "patrol:user=120/60,move:newbie=2/60,move:user=20/60,topic:anon=10/60"
)


def _help(text: str, env: bool = True) -> dict[str, Any]:
    return {"help": text, "env": env}


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know about its environment."""

    data_dir: Path = field(
        default=Path("./instance"),
        metadata=_help("Directory for the SQLite database, secret key, search index and caches."),
    )
    database_url: str = field(
        default="",
        metadata=_help(
            "SQLAlchemy URL. Default: SQLite file `wiki.sqlite3` in the data dir. "
            "PostgreSQL: `postgresql+psycopg://user@host/db`."
        ),
    )
    secret_key: str = field(
        default="",
        metadata=_help(
            "Signs session cookies and CSRF tokens. Default: generated once into "
            "`<data dir>/secret_key`."
        ),
    )
    site_name: str = field(default="Gotong", metadata=_help("Name shown in the header and title."))
    language: str = field(
        default="en",
        metadata=_help(
            "Site language, `en` or `id`: the default UI language and content language."
        ),
    )
    max_page_bytes: int = field(
        default=2 * 1024 * 1024,
        metadata=_help("Largest page text accepted, in bytes (UTF-8). Larger saves get 413."),
    )
    import_max_bytes: int = field(
        default=64 * 1024 * 1024,
        metadata=_help(
            "Largest file Special:Import accepts, in bytes (the whole upload). Larger dumps: "
            "`wiki import FILE` on the server, which streams."
        ),
    )
    diff_timeout: float = field(
        default=1.0,
        metadata=_help(
            "Seconds a word-level diff may take before it falls back to a coarser paragraph diff."
        ),
    )
    page_cache_size: int = field(
        default=512,
        metadata=_help("Rendered pages kept in each process's memory for anonymous readers."),
    )
    search_interval: float = field(
        default=0.5,
        metadata=_help(
            "Seconds between the search indexer's checks for new revisions, in each app process "
            "(sooner after a save in the same data dir). 0 turns the indexer off in that process."
        ),
    )

    anonymous_edits: bool = field(
        default=True,
        metadata=_help("Whether visitors without an account may edit (attributed to their IP)."),
    )
    trusted_proxies: str = field(
        default="",
        metadata=_help(
            "Comma-separated proxy IPs whose `X-Forwarded-For` is believed. Empty: the socket's "
            "peer address is the client."
        ),
    )
    auto_revert: bool = field(
        default=False,
        metadata=_help(
            "Revert likely vandalism automatically: edits scored above the model's <1 % "
            "false-positive threshold, by editors who are not autoconfirmed, at most once per "
            "page per editor per day; logged and explained on the editor's talk page."
        ),
    )
    autoconfirm_days: int = field(
        default=4, metadata=_help("Account age in days before a user is autoconfirmed.")
    )
    autoconfirm_edits: int = field(
        default=10, metadata=_help("Edits a user must have made before being autoconfirmed.")
    )
    session_days: int = field(
        default=30, metadata=_help("Days a login session lasts without logging in again.")
    )
    redis_url: str = field(
        default="",
        metadata=_help(
            "Redis URL for rate-limit counters (`redis://127.0.0.1:6379/0`). Empty: counters "
            "live in the database. Either way every app process shares them."
        ),
    )
    rate_limits: str = field(
        default=DEFAULT_RATE_LIMITS,
        metadata=_help(
            "Rate limits as `action:group=count/seconds`, comma-separated. Groups: `anon` (per "
            "IP), `newbie` (not autoconfirmed), `user`. Users with the noratelimit right are "
            "exempt."
        ),
    )

    smtp_url: str = field(
        default="",
        metadata=_help(
            "Mail server for password resets (`smtp://user:pass@host:587`, `smtps://…`, "
            "`smtp+starttls://…`). Empty: messages are written to `<data dir>/outbox/`."
        ),
    )
    mail_from: str = field(
        default="wiki@localhost", metadata=_help("Sender address of the wiki's e-mail.")
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ``WIKI_*`` variables; unknown values raise ConfigError."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = "WIKI_" + f.name.upper()
            if key not in env:
                continue
            raw = env[key]
            default = f.default
            try:
                if isinstance(default, bool):
                    values[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
                elif isinstance(default, int):
                    values[f.name] = int(raw)
                elif isinstance(default, float):
                    values[f.name] = float(raw)
                elif isinstance(default, Path):
                    values[f.name] = Path(raw)
                else:
                    values[f.name] = raw
            except ValueError as exc:
                raise ConfigError(f"{key}={raw!r} is not a valid value: {exc}") from exc
        return cls(**values).validated()

    def validated(self) -> Settings:
        """Check values and fill in derived defaults (database URL, secret key)."""
        if self.language not in LANGUAGES:
            raise ConfigError(f"WIKI_LANGUAGE must be one of {', '.join(LANGUAGES)}")
        if self.max_page_bytes < 1024:
            raise ConfigError("WIKI_MAX_PAGE_BYTES must be at least 1024")
        if self.diff_timeout <= 0:
            raise ConfigError("WIKI_DIFF_TIMEOUT must be positive")
        if self.search_interval < 0:
            raise ConfigError("WIKI_SEARCH_INTERVAL must be 0 (off) or positive")
        settings = self
        if not settings.database_url:
            db_path = (settings.data_dir / "wiki.sqlite3").resolve()
            settings = replace(settings, database_url=f"sqlite:///{db_path}")
        return settings

    def with_secret(self) -> Settings:
        """Return settings with a secret key, generating and storing one in the data dir."""
        if self.secret_key:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "secret_key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        return replace(self, secret_key=path.read_text().strip())


def documented_settings() -> list[tuple[str, str]]:
    """(variable name, help) for every setting, in declaration order."""
    return [("WIKI_" + f.name.upper(), str(f.metadata["help"])) for f in fields(Settings)]
