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
from urllib.parse import urlsplit

from wiki.errors import ConfigError

LANGUAGES = ("en", "id")

DEFAULT_RATE_LIMITS = (
    "edit:anon=8/60,edit:newbie=8/60,edit:user=90/60,"
    "createaccount:anon=6/86400,login:anon=20/300,login:user=20/300,"
    "patrol:user=120/60,move:newbie=2/60,move:user=20/60,topic:anon=10/60,"
    "preview:anon=16/60,preview:newbie=16/60,preview:user=180/60"
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
            "CPU seconds a word-level diff may take before it falls back to a coarser"
            " paragraph diff (CPU time, so a busy machine does not change the answer)."
        ),
    )
    page_cache_size: int = field(
        default=512,
        metadata=_help("Rendered pages kept in each process's memory for anonymous readers."),
    )
    search_interval: float = field(
        default=0.5,
        metadata=_help(
            "Seconds between the search indexer's fallback checks for new revisions (one "
            "integer read from the database; a save wakes it at once). 0 turns the indexer off."
        ),
    )
    search_indexer: str = field(
        default="thread",
        metadata=_help(
            "Where the search indexer runs: `thread` (one in each app process: development "
            "and tests) or `host` (none in the app; `wiki serve` runs one `wiki indexer` "
            "process per host and sets this for its workers, unless the environment says "
            "`thread`)."
        ),
    )

    anonymous_edits: bool = field(
        default=True,
        metadata=_help("Whether visitors without an account may edit (attributed to their IP)."),
    )
    trusted_proxies: str = field(
        default="",
        metadata=_help(
            "Comma-separated proxy IPs whose `X-Forwarded-For` and `X-Forwarded-Proto` are "
            "believed. Empty: the socket's peer address is the client, and the scheme is the "
            "socket's."
        ),
    )
    server_url: str = field(
        default="",
        metadata=_help(
            "The wiki's public origin, e.g. `https://wiki.example.org`. Absolute URLs (REST "
            "`Location`, `latest`/`older`, Atom ids and links, mail) are built from it, never "
            "from the request's `Host`, and requests for other hosts get 400. Empty: URLs "
            "follow the `Host` header (fine on loopback, not behind a public proxy)."
        ),
    )
    allowed_hosts: str = field(
        default="",
        metadata=_help(
            "Comma-separated extra host names (`host` or `host:port`) accepted besides "
            "`WIKI_SERVER_URL`'s, e.g. a load balancer's health-check address. Only used when "
            "`WIKI_SERVER_URL` is set."
        ),
    )
    hsts_seconds: int = field(
        default=31_536_000,
        metadata=_help(
            "`Strict-Transport-Security` max-age sent on https responses (https directly, or "
            "`X-Forwarded-Proto: https` from a trusted proxy). 0 sends none."
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
            "Redis URL (`redis://127.0.0.1:6379/0`) for rate-limit counters and, with several "
            "app hosts, the pub/sub channel carrying cache invalidations and live recent "
            "changes between them. Empty: counters live in the database, and hosts use "
            "PostgreSQL LISTEN/NOTIFY (on SQLite: one host)."
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

    worker_timeout: int = field(
        default=60,
        metadata=_help(
            "Seconds `wiki serve --workers N` gives a worker to start, and to answer the "
            "supervisor's health check, before it is killed and replaced (uvicorn's default of "
            "5 s killed workers that were still starting on a busy host)."
        ),
    )
    graceful_timeout: int = field(
        default=30,
        metadata=_help(
            "Seconds a stopping worker (shutdown, `SIGHUP` reload, max-requests recycling) "
            "lets requests in flight finish before it closes them."
        ),
    )
    keepalive_timeout: int = field(
        default=5, metadata=_help("Seconds an idle keep-alive connection stays open.")
    )
    max_requests: int = field(
        default=0,
        metadata=_help(
            "With `--workers` 2 or more, recycle a worker after this many requests (plus up to "
            "10 % random jitter, so workers do not restart together); the supervisor starts a "
            "fresh one. 0: never."
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
    license_url: str = field(
        default="",
        metadata=_help("URL of the content licence, reported by the APIs (`license.url`)."),
    )
    license_title: str = field(
        default="",
        metadata=_help("Name of the content licence, e.g. `CC BY-SA 4.0` (`license.title`)."),
    )
    cors_origins: str = field(
        default="",
        metadata=_help(
            "Comma-separated origins (`https://tool.example`) whose pages may read the APIs "
            "from a browser (CORS, reads only, no cookies). `*`: any origin."
        ),
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
        if self.search_indexer not in ("thread", "host"):
            raise ConfigError("WIKI_SEARCH_INDEXER must be thread or host")
        for name in ("worker_timeout", "graceful_timeout", "keepalive_timeout"):
            if getattr(self, name) < 1:
                raise ConfigError(f"WIKI_{name.upper()} must be at least 1 second")
        if self.max_requests < 0:
            raise ConfigError("WIKI_MAX_REQUESTS must be 0 (never) or positive")
        if self.hsts_seconds < 0:
            raise ConfigError("WIKI_HSTS_SECONDS must be 0 (off) or positive")
        if self.server_url:
            parsed = urlsplit(self.server_url)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ConfigError("WIKI_SERVER_URL must look like https://wiki.example.org")
            if parsed.path.strip("/") or parsed.query or parsed.fragment:
                raise ConfigError("WIKI_SERVER_URL must be an origin, without a path")
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

    @property
    def public_origin(self) -> str:
        """``server_url`` without a trailing slash ("" when unset)."""
        return self.server_url.rstrip("/")

    def host_allowed(self, host: str) -> bool:
        """Whether a request's ``Host`` header names this wiki (always, without a server URL)."""
        if not self.server_url:
            return True
        return host.lower().rstrip(".") in self.allowed_host_names

    @property
    def allowed_host_names(self) -> frozenset[str]:
        """Lower-case ``host`` and ``host:port`` forms a request may use."""
        parsed = urlsplit(self.server_url)
        names = {parsed.netloc.lower()}
        if parsed.port is None:
            names.add(f"{parsed.hostname}:{443 if parsed.scheme == 'https' else 80}")
        names.update(h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip())
        return frozenset(names)


def documented_settings() -> list[tuple[str, str]]:
    """(variable name, help) for every setting, in declaration order."""
    return [("WIKI_" + f.name.upper(), str(f.metadata["help"])) for f in fields(Settings)]
