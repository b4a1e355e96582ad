"""Command line: ``wiki serve | indexer | init | check | create-user | rebuild-links | reindex |
export | dump | import | backup | restore``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import func, select

from wiki import migrations
from wiki.db import Database
from wiki.dumps import export
from wiki.errors import ConfigError, WikiError
from wiki.models import Revision
from wiki.pages import revisions
from wiki.settings import Settings
from wiki.text import titles

SEED_DIR = Path(__file__).parent / "seed"
#: Pages seeded by ``wiki init``: title -> file stem in wiki/seed (``<stem>.<lang>.md``).
SEED_PAGES = {
    "Main Page": "main_page",
    "Help:Editing": "help_editing",
    "Help:Talk pages": "help_talk_pages",
    "Project:About": "project_about",
}
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
    if not _has_admin(settings):
        print(
            "No administrator yet. Create the first one with:\n"
            "    .venv/bin/wiki create-user YourName --role admin"
        )
    return 0


def _has_admin(settings: Settings) -> bool:
    from wiki.models import UserGroup

    db = Database(settings.database_url)
    try:
        with db.read() as session:
            found = session.scalar(select(UserGroup.user_id).where(UserGroup.group == "admin"))
    finally:
        db.dispose()
    return found is not None


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
        _print_search_lag(settings, db)
    db.dispose()
    return 0 if ok else 1


def _print_search_lag(settings: Settings, db: Database) -> None:
    """The search index's size and how far it is behind the database (its lag)."""
    from wiki.search import SearchIndex

    index = SearchIndex(settings.data_dir / "search", settings.language)
    try:
        status = index.status()
    finally:
        index.close()
    with db.read() as session:
        top = session.scalar(select(func.max(Revision.id))) or 0
    if status.watermark is None:
        print("search index: none yet (the server builds it when it starts; or `wiki reindex`)")
        return
    size = status.size_bytes / 2**20
    print(f"search index: {status.documents} pages, {status.segments} segments, {size:.1f} MiB")
    lag = max(0, top - status.watermark)
    print(f"index lag:    {lag} revisions (database at {top}, index at {status.watermark})")
    from wiki.search.signals import listening, socket_path

    state = "listening" if listening(socket_path(index.root)) else "not running on this host"
    print(f"indexer:      {state} (`wiki serve` runs it)")


def cmd_reindex(settings: Settings, procs: int) -> int:
    """Rebuild the search index in a new directory and swap it in, with a progress bar."""
    import time

    from wiki.search import SearchIndex

    tty = sys.stderr.isatty()
    shown = [-1]

    def progress(done: int, total: int) -> None:
        share = done / total if total else 1.0
        if tty:
            bar = "#" * int(30 * share)
            sys.stderr.write(f"\r[{bar:<30}] {done}/{total} pages")
            if done >= total:
                sys.stderr.write("\n")
        elif int(share * 10) > shown[0]:
            shown[0] = int(share * 10)
            sys.stderr.write(f"{done}/{total} pages\n")
        sys.stderr.flush()

    db = Database(settings.database_url)
    index = SearchIndex(settings.data_dir / "search", settings.language)
    started = time.monotonic()
    try:
        report = index.rebuild(db, progress=progress, procs=procs)
    finally:
        index.close()
        db.dispose()
    seconds = time.monotonic() - started
    rate = report.indexed / seconds if seconds else 0.0
    print(
        f"Rebuilt the search index: {report.indexed} pages in {seconds:.1f} s "
        f"({rate:.0f} pages/s); it reflects revisions up to {report.watermark}."
    )
    return 0


def cmd_create_user(settings: Settings, name: str, role: str | None) -> int:
    """Create an account; the password comes from a prompt, or from stdin when piped."""
    import getpass

    from wiki.accounts import rights, users
    from wiki.patrol import logs

    if role and role not in rights.ASSIGNABLE:
        print(f"error: --role must be one of {', '.join(rights.ASSIGNABLE)}", file=sys.stderr)
        return 2
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {name}: ")
        if getpass.getpass("Again: ") != password:
            print("error: the passwords do not match", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\n")
    db = Database(settings.database_url)
    try:
        with db.write() as session:
            user = users.create_user(session, name, password)
            if role:
                users.set_groups(
                    session,
                    user,
                    {role},
                    performer=logs.Performer(name="Gotong"),
                    reason="wiki create-user",
                )
            created = user.name
    finally:
        db.dispose()
    print(f"Created user {created}" + (f" in group {role}." if role else "."))
    return 0


def cmd_rebuild_links(settings: Settings) -> int:
    """Recompute the link, category and redirect tables from the latest revision texts."""
    from wiki.cache_channels import page_cache
    from wiki.navigation import links
    from wiki.pages import rendering

    db = Database(settings.database_url)
    try:
        if migrations.current_revision(db.engine) != migrations.head_revision():
            print("error: the schema is out of date: run `wiki init` first", file=sys.stderr)
            return 1
        with db.write() as session:
            stats = links.rebuild(session, rendering.render_text)
    finally:
        db.dispose()
    cache = page_cache(settings)  # cached pages show the new tables, on every host
    cache.invalidate_all()
    cache.close()
    print(
        f"Rebuilt links of {stats.pages} pages: {stats.links} links to {stats.targets} titles, "
        f"{stats.categories} category memberships, {stats.redirects} redirects."
    )
    return 0


def _site(settings: Settings) -> export.SiteInfo:
    from wiki import __version__

    server = str(getattr(settings, "server_url", "") or "http://127.0.0.1:8000")
    base = server.rstrip("/") + "/wiki/Main_Page"
    return export.SiteInfo(
        sitename=settings.site_name,
        base=base,
        generator=f"Gotong {__version__}",
        lang=settings.language,
    )


def cmd_export(settings: Settings, names: list[str], current: bool, output: str) -> int:
    """Stream pages (all, or ``names``) with their history as MediaWiki XML."""
    db = Database(settings.database_url)
    wanted = [titles.parse(n) for n in names] if names else None
    out = sys.stdout.buffer if output == "-" else open(output, "wb")  # noqa: SIM115
    try:
        stats = export.write(db, out, _site(settings), pages=wanted, history=not current)
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    print(f"exported {stats.pages} pages, {stats.revisions} revisions", file=sys.stderr)
    return 0


def cmd_dump(settings: Settings, directory: str) -> int:
    """Write a public full-history dump (no hidden parts), compressed, with checksums."""
    from datetime import UTC, datetime

    db = Database(settings.database_url)
    for path in export.public_dump(db, Path(directory), _site(settings), day=datetime.now(UTC)):
        print(path)
    return 0


def cmd_import(settings: Settings, path: str, prefix: str, keep_authors: bool, rc: bool) -> int:
    """Import a MediaWiki XML export (``.gz``/``.bz2`` by extension), with a progress line."""
    import bz2
    import gzip
    import time

    from wiki.accounts.ratelimit import RateLimiter
    from wiki.actions import imports
    from wiki.actions.context import IMPORT, Actor, Env
    from wiki.cache_channels import page_cache

    db = Database(settings.database_url)
    cache = page_cache(settings)  # running servers, on every host, show the imported pages
    env = Env(
        settings,
        db,
        RateLimiter(db, settings.rate_limits),
        changed=lambda change: cache.invalidate_all(),
    )
    actor = Actor(
        user_id=None,
        name="Maintenance script",
        ip="127.0.0.1",
        groups=frozenset({"*", "user", "autoconfirmed", "admin"}),
        channel=IMPORT,
    )
    opener = {".gz": gzip.open, ".bz2": bz2.open}.get(Path(path).suffix, open)
    started = time.monotonic()

    def progress(report: imports.Report) -> None:
        rate = report.revisions / max(time.monotonic() - started, 1e-6)
        print(
            f"\r{report.pages} pages, {report.revisions} revisions "
            f"({report.skipped} already there), {rate:.0f} revisions/s",
            end="",
            file=sys.stderr,
        )

    options = imports.Options(prefix=prefix, keep_authors=keep_authors, recent_changes=rc)
    with opener(path, "rb") as stream:  # type: ignore[operator]
        report = imports.import_dump(env, actor, stream, options, progress)
    print(file=sys.stderr)
    for title, items in report.unconverted.items():
        print(f"not converted in {title}: {', '.join(items)}", file=sys.stderr)
    if report.renumbered:
        print(f"{len(report.renumbered)} revisions got new ids (their ids were taken)")
    print(f"imported {report.pages} pages, {report.revisions} revisions from {report.source}")
    return 0


def cmd_indexer(settings: Settings) -> int:
    """The host's search indexer: sleeps until a save rings it (``wiki serve`` runs it)."""
    import logging

    from wiki.search import SearchIndex, run_host_indexer

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    db = Database(settings.database_url)
    index = SearchIndex(settings.data_dir / "search", settings.language)
    try:
        return run_host_indexer(index, db, interval=settings.search_interval or 0.5)
    finally:
        index.close()
        db.dispose()


def cmd_backup(settings: Settings, directory: str) -> int:
    """Take a consistent online snapshot (database, secret key, uploads) with a manifest."""
    from wiki.dumps import backup

    report = backup.backup(settings, Path(directory))
    size = sum(report.files.values()) / 2**20
    print(
        f"Backed up {report.pages} pages, {report.revisions} revisions ({report.dialect}, "
        f"schema {report.schema}) to {report.directory}: {len(report.files)} files, "
        f"{size:.1f} MiB in {report.seconds:.1f} s."
    )
    return 0


def cmd_restore(settings: Settings, directory: str) -> int:
    """Restore a backup into an empty data dir and database; verify it; rebuild search."""
    from wiki.dumps import backup

    def progress(done: int, total: int) -> None:
        if done >= total or done % 1000 == 0:
            print(f"\rsearch index: {done}/{total} pages", end="", file=sys.stderr)

    report = backup.restore(settings, Path(directory), progress=progress)
    print(file=sys.stderr)
    checked = report.integrity
    print(
        f"Restored {checked.pages} pages, {checked.revisions} revisions ({report.dialect}, "
        f"schema {report.schema}); search index rebuilt with {report.indexed} pages "
        f"in {report.seconds:.1f} s."
    )
    problems = [
        (checked.bad_sha1, "revisions whose text does not match their sha1"),
        (checked.orphans, "revisions whose parent revision is missing"),
        (checked.no_latest, "pages whose latest revision is missing"),
    ]
    for ids, what in problems:
        if ids:
            shown = ", ".join(str(i) for i in ids[:20]) + (" …" if len(ids) > 20 else "")
            print(f"error: {len(ids)} {what}: {shown}", file=sys.stderr)
    if not checked.ok:
        return 1
    print("Every revision's sha1 verified; every revision has its parent, every page its latest.")
    return 0


def cmd_serve(settings: Settings, host: str, port: int, workers: int) -> int:
    import os

    from wiki import serving

    # One indexer for the host, not a thread in each worker: the workers only ring it (unless
    # the environment asks for threads explicitly).
    per_host = os.environ.get("WIKI_SEARCH_INDEXER", "host") != "thread"
    os.environ["WIKI_SEARCH_INDEXER"] = "host" if per_host else "thread"
    indexer = serving.IndexerProcess() if per_host and settings.search_interval > 0 else None
    if indexer is not None:
        indexer.start()
    try:
        serving.run(settings, host=host, port=port, workers=workers)
    finally:
        if indexer is not None:
            indexer.stop()
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
    create = sub.add_parser("create-user", help="create an account (password from prompt/stdin)")
    create.add_argument("name")
    create.add_argument("--role", choices=["patroller", "admin", "bot"], default=None)
    sub.add_parser("rebuild-links", help="rebuild the link tables from the latest page texts")
    exp = sub.add_parser("export", help="write pages as MediaWiki XML (schema 0.11)")
    exp.add_argument("titles", nargs="*", help="pages to export (default: every page)")
    exp.add_argument("--current", action="store_true", help="only the latest revisions")
    exp.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")
    imp = sub.add_parser("import", help="import a MediaWiki XML export (.xml, .xml.gz, .bz2)")
    imp.add_argument("file")
    imp.add_argument(
        "--username-prefix",
        default="imported",
        help='authors from elsewhere are "PREFIX>Name" (default: imported)',
    )
    imp.add_argument(
        "--keep-authors",
        action="store_true",
        help="recreate the exported accounts (moving a Gotong wiki); never merges accounts",
    )
    imp.add_argument("--rc", action="store_true", help="list imported revisions in recent changes")
    dump = sub.add_parser("dump", help="write a public full-history dump with checksums")
    dump.add_argument("directory", help="where to write the dump files")

    sub.add_parser("indexer", help="run the host's search indexer (wiki serve starts it)")
    bak = sub.add_parser("backup", help="snapshot database, secret key and uploads, online")
    bak.add_argument("directory", help="a new or empty directory for the backup")
    res = sub.add_parser("restore", help="restore a backup into an empty data dir and database")
    res.add_argument("directory", help="a directory written by `wiki backup`")
    reindex = sub.add_parser("reindex", help="rebuild the search index and swap it in")
    reindex.add_argument(
        "--procs",
        type=int,
        default=1,
        help="analyse pages in N processes: faster, but leaves N index segments (slower "
        "queries until they merge); default 1",
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        titles.set_content_language(settings.language)  # as create_app: names in the index
        if args.command == "init":
            return cmd_init(settings)
        if args.command == "check":
            return cmd_check(settings)
        if args.command == "create-user":
            return cmd_create_user(settings, args.name, args.role)
        if args.command == "rebuild-links":
            return cmd_rebuild_links(settings)
        if args.command == "indexer":
            return cmd_indexer(settings)
        if args.command == "reindex":
            return cmd_reindex(settings, max(1, args.procs))
        if args.command == "export":
            return cmd_export(settings, args.titles, args.current, args.output)
        if args.command == "import":
            return cmd_import(settings, args.file, args.username_prefix, args.keep_authors, args.rc)
        if args.command == "dump":
            return cmd_dump(settings, args.directory)
        if args.command == "backup":
            return cmd_backup(settings, args.directory)
        if args.command == "restore":
            return cmd_restore(settings, args.directory)
        return cmd_serve(settings, args.host, args.port, args.workers)
    except (ConfigError, WikiError) as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
