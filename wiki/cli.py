"""Command line: ``wiki serve | init | check``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import func, select

from wiki import migrations, revisions, titles
from wiki.db import Database
from wiki.errors import ConfigError, WikiError
from wiki.models import Revision
from wiki.settings import Settings

SEED_DIR = Path(__file__).parent / "seed"
#: Pages seeded by ``wiki init``: title -> file stem in wiki/seed (``<stem>.<lang>.md``).
SEED_PAGES = {"Main Page": "main_page", "Help:Editing": "help_editing"}
SEED_AUTHOR = revisions.Author(name="Gotong")


def seed(db: Database, settings: Settings) -> list[str]:
    """Create the seed pages that do not exist yet; returns the titles created."""
    created = []
    for raw, stem in SEED_PAGES.items():
        title = titles.parse(raw)
        path = SEED_DIR / f"{stem}.{settings.language}.md"
        if not path.exists():
            path = SEED_DIR / f"{stem}.en.md"
        text = path.read_text(encoding="utf-8").replace("{site}", settings.site_name)
        with db.write() as session:
            if revisions.get_page(session, title) is not None:
                continue
            revisions.save(
                session,
                title,
                text,
                author=SEED_AUTHOR,
                summary="Seed page",
                max_bytes=settings.max_page_bytes,
            )
            created.append(title.full)
    return created


def cmd_init(settings: Settings) -> int:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.with_secret()
    db = Database(settings.database_url)
    migrations.upgrade(db.engine)
    created = seed(db, settings)
    db.dispose()
    print(f"Database ready at {settings.database_url} (schema {migrations.head_revision()}).")
    for t in created:
        print(f"Seeded {t}.")
    return 0


def cmd_check(settings: Settings) -> int:
    ok = True
    print(f"data dir:     {settings.data_dir.resolve()}")
    print(f"database:     {settings.database_url}")
    print(f"language:     {settings.language}")
    try:
        db = Database(settings.database_url)
        current = migrations.current_revision(db.engine)
    except Exception as exc:  # report any connection failure plainly
        print(f"database:     UNREACHABLE ({exc.__class__.__name__}: {exc})")
        return 1
    head = migrations.head_revision()
    state = "ok" if current == head else "OUT OF DATE: run `wiki init`"
    ok = ok and current == head
    print(f"schema:       {current} (head {head}) {state}")
    if current == head:
        with db.read() as session:
            count = session.scalar(select(func.count()).select_from(Revision))
            print(f"revisions:    {count}")
    db.dispose()
    return 0 if ok else 1


def cmd_serve(settings: Settings, host: str, port: int, workers: int) -> int:
    import uvicorn

    uvicorn.run(
        "wiki.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        log_level="info",
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wiki", description="Gotong wiki")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the wiki over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    sub.add_parser("init", help="create or upgrade the database and seed the main page")
    sub.add_parser("check", help="check configuration, database and schema")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "init":
            return cmd_init(settings)
        if args.command == "check":
            return cmd_check(settings)
        return cmd_serve(settings, args.host, args.port, args.workers)
    except (ConfigError, WikiError) as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
