"""Backup and restore: a consistent online snapshot of everything a wiki cannot rebuild.

A backup directory holds the database (SQLite: a copy taken with SQLite's online backup API;
PostgreSQL: a ``pg_dump`` custom-format archive), the secret key, the uploads (when there are
any) and ``manifest.json`` with the size and SHA-256 of every file. The manifest is written
last, through a rename, so a directory without one is an unfinished backup and restore refuses
it. The search index, caches and link tables are derived data and are rebuilt on restore.

Both snapshots are consistent while the wiki serves: SQLite's backup copies the whole file in
one step inside one read transaction (in WAL mode writers go on meanwhile), and ``pg_dump``
reads inside one repeatable-read transaction.

Restore goes only into an empty data dir and an empty database, and refuses anything else:
nothing is ever overwritten. It then checks that every revision's text still has its sha1,
that every revision's parent and every page's latest revision exist, and rebuilds the search
index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from wiki import migrations
from wiki.db import Database
from wiki.errors import WikiError
from wiki.models import Page, Revision
from wiki.pages import revisions
from wiki.settings import Settings

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
SECRET_FILE = "secret_key"
UPLOADS_DIR = "uploads"
#: Revisions whose sha1 is checked per database round trip on restore.
VERIFY_BATCH = 1000


class BackupError(WikiError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__("{message}", message=message)  # paths and tool output may hold braces


@dataclass(frozen=True)
class Integrity:
    """What a database holds, and what is wrong with it (empty lists: nothing)."""

    pages: int
    revisions: int
    orphans: list[int] = field(default_factory=list)  # revisions whose parent is missing
    no_latest: list[int] = field(default_factory=list)  # pages whose latest revision is missing
    bad_sha1: list[int] = field(default_factory=list)  # revisions whose text does not match

    @property
    def ok(self) -> bool:
        return not (self.orphans or self.no_latest or self.bad_sha1)


@dataclass(frozen=True)
class BackupReport:
    directory: Path
    dialect: str
    schema: str | None
    pages: int
    revisions: int
    files: dict[str, int]  # name -> bytes
    seconds: float


@dataclass(frozen=True)
class RestoreReport:
    dialect: str
    schema: str | None
    integrity: Integrity
    indexed: int
    seconds: float


# --- backup ------------------------------------------------------------------------------------


def backup(settings: Settings, target: Path) -> BackupReport:
    """Snapshot the wiki of ``settings`` into ``target``, a new or empty directory."""
    started = time.monotonic()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not empty: a backup goes into a new or empty directory")
    dialect = make_url(settings.database_url).get_backend_name()
    if dialect == "postgresql":
        _pg_tool("pg_dump")  # before anything is written
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    if dialect == "sqlite":
        _sqlite_snapshot(_sqlite_path(settings.database_url), target / SQLITE_FILE)
        integrity, schema = _sqlite_facts(target / SQLITE_FILE)
    elif dialect == "postgresql":
        integrity, schema = _pg_snapshot(settings.database_url, target / PG_FILE)
    else:
        raise BackupError(f"cannot back up a {dialect} database")
    secret = settings.data_dir / SECRET_FILE
    if secret.exists():
        _copy_private(secret, target / SECRET_FILE)
    elif settings.secret_key:  # given by WIKI_SECRET_KEY: keep it, or sessions die on restore
        _write_private(target / SECRET_FILE, settings.secret_key)
    uploads = settings.data_dir / UPLOADS_DIR
    if uploads.is_dir():
        shutil.copytree(uploads, target / UPLOADS_DIR)
    files = {name: path.stat().st_size for name, path in _files(target)}
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "site": settings.site_name,
        "dialect": dialect,
        "schema": schema,
        "pages": integrity.pages,
        "revisions": integrity.revisions,
        "files": {
            name: {"bytes": files[name], "sha256": _sha256(path)} for name, path in _files(target)
        },
    }
    partial = target / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, target / MANIFEST)
    return BackupReport(
        directory=target,
        dialect=dialect,
        schema=schema,
        pages=integrity.pages,
        revisions=integrity.revisions,
        files=files,
        seconds=time.monotonic() - started,
    )


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _sqlite_snapshot(source: Path, target: Path) -> None:
    """Copy ``source`` with SQLite's online backup API, in one step: one read transaction, so
    the copy is one consistent state; writers (WAL mode) are not blocked meanwhile."""
    if not source.exists():
        raise BackupError(f"no database at {source}: nothing to back up")
    partial = target.with_name(target.name + ".partial")
    # Not mode=ro: a WAL database whose -shm file is gone (no one has it open) cannot be opened
    # read-only. The backup only reads.
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(partial, 0o600)
    os.replace(partial, target)


def _sqlite_facts(path: Path) -> tuple[Integrity, str | None]:
    db = Database(f"sqlite:///{path}")
    try:
        return check(db, sha1=False), migrations.current_revision(db.engine)
    finally:
        db.dispose()


def _pg_conninfo(url: str) -> tuple[str, dict[str, str], str | None]:
    """(libpq URI without the password, extra environment, schema from ``search_path``)."""
    u = make_url(url)
    env: dict[str, str] = {}
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    raw = u.query.get("options")
    options = [raw] if isinstance(raw, str) else list(raw or ())
    schema = None
    for option in options:
        for part in option.split():
            if part.startswith("-csearch_path="):
                schema = part.split("=", 1)[1].split(",")[0].strip('"')
    host = (u.host or "") + (f":{u.port}" if u.port else "")
    user = quote(u.username, safe="") + "@" if u.username else ""
    conninfo = f"postgresql://{user}{host}/{quote(u.database or '', safe='')}"
    if options:
        conninfo += "?options=" + quote(" ".join(options), safe="")
    return conninfo, env, schema


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not on the PATH: install the PostgreSQL client tools "
            f"(Debian: apt-get install postgresql-client) to back up or restore PostgreSQL"
        )
    return path


def _pg_snapshot(url: str, target: Path) -> tuple[Integrity, str | None]:
    """``pg_dump`` inside a snapshot we export and hold: the manifest's counts and the archive
    describe exactly the same state of the database."""
    tool = _pg_tool("pg_dump")
    db = Database(url)
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            schema = MigrationContext.configure(conn).get_current_revision()
            integrity = _integrity(conn)
            _pg_dump(tool, url, target, snapshot)
            conn.exec_driver_sql("COMMIT")
    finally:
        db.dispose()
    return integrity, schema


def _pg_dump(tool: str, url: str, target: Path, snapshot: str) -> None:
    conninfo, env, schema = _pg_conninfo(url)
    partial = target.with_name(target.name + ".partial")
    args = [tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"]
    args.append(f"--snapshot={snapshot}")
    if schema:
        args.append(f"--schema={schema}")
    done = subprocess.run(
        [*args, f"--dbname={conninfo}"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    os.chmod(partial, 0o600)
    os.replace(partial, target)


def _copy_private(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)


def _write_private(target: Path, content: str) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(content)


def _files(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name not in (MANIFEST, MANIFEST + ".partial"):
            yield path.relative_to(root).as_posix(), path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- checks ------------------------------------------------------------------------------------


def check(db: Database, *, sha1: bool = True) -> Integrity:
    """Count pages and revisions; list revisions without their parent, pages without their
    latest revision and (``sha1``) revisions whose text does not match its sha1."""
    with db.engine.connect() as conn:
        found = _integrity(conn)
    if not sha1:
        return found
    return Integrity(found.pages, found.revisions, found.orphans, found.no_latest, _bad_sha1(db))


def _integrity(conn: Connection) -> Integrity:
    parent = Revision.__table__.alias("parent")
    latest = Revision.__table__.alias("latest")
    revision = Revision.__table__
    page = Page.__table__
    pages = conn.scalar(select(func.count()).select_from(page)) or 0
    count = conn.scalar(select(func.count()).select_from(revision)) or 0
    orphans = conn.scalars(
        select(revision.c.id)
        .outerjoin(parent, parent.c.id == revision.c.parent_id)
        .where(revision.c.parent_id.is_not(None), parent.c.id.is_(None))
        .order_by(revision.c.id)
    ).all()
    no_latest = conn.scalars(
        select(page.c.id)
        .outerjoin(latest, latest.c.id == page.c.latest_id)
        .where(latest.c.id.is_(None))
        .order_by(page.c.id)
    ).all()
    return Integrity(pages, count, list(orphans), list(no_latest))


def _bad_sha1(db: Database) -> list[int]:
    """Revisions whose text's sha1 is not the stored one, read in id order in batches."""
    bad: list[int] = []
    after = 0
    while True:
        with db.read() as session:
            rows = session.execute(
                select(Revision.id, Revision.text, Revision.sha1)
                .where(Revision.id > after)
                .order_by(Revision.id)
                .limit(VERIFY_BATCH)
            ).all()
        if not rows:
            return bad
        bad.extend(rid for rid, body, sha in rows if revisions.sha1_of(body) != sha)
        after = rows[-1][0]


# --- restore -----------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict[str, object]:
    """The manifest of a finished backup, after checking every file against it."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: not a backup, or an unfinished one")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format (this version reads format {FORMAT})")
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise BackupError(f"{path} lists no files")
    for name, meta in sorted(files.items()):
        file = source / name
        if not file.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if _sha256(file) != meta.get("sha256"):
            raise BackupError(f"{name} does not match its checksum in {MANIFEST}: damaged")
    return manifest


def restore(
    settings: Settings,
    source: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> RestoreReport:
    """Restore the backup in ``source`` into the (empty) data dir and database of
    ``settings``, check it and rebuild the search index."""
    from wiki.search import SearchIndex

    started = time.monotonic()
    manifest = read_manifest(source)
    dialect = make_url(settings.database_url).get_backend_name()
    if manifest.get("dialect") != dialect:
        raise BackupError(
            f"this backup is of a {manifest.get('dialect')} database; "
            f"WIKI_DATABASE_URL points at {dialect}"
        )
    data_dir = settings.data_dir
    if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
        raise BackupError(f"the data dir {data_dir} is not empty: restore only into an empty one")
    if dialect == "sqlite":
        target = _sqlite_path(settings.database_url)
        if target.exists() and target.stat().st_size > 0:
            raise BackupError(f"{target} exists: restore only into a new database")
    else:
        _refuse_nonempty_pg(settings.database_url)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if dialect == "sqlite":
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(source / SQLITE_FILE, partial)
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    else:
        _pg_restore(settings.database_url, source / PG_FILE)
    if (source / SECRET_FILE).is_file():
        _copy_private(source / SECRET_FILE, data_dir / SECRET_FILE)
    if (source / UPLOADS_DIR).is_dir():
        shutil.copytree(source / UPLOADS_DIR, data_dir / UPLOADS_DIR)
    db = Database(settings.database_url)
    try:
        schema = migrations.current_revision(db.engine)
        if schema is not None and schema != migrations.head_revision():
            migrations.upgrade(db.engine)  # a backup from an older version gets today's schema
            schema = migrations.current_revision(db.engine)
        integrity = check(db)
        index = SearchIndex(data_dir / "search", settings.language)
        try:
            indexed = index.rebuild(db, progress=progress).indexed
        finally:
            index.close()
    finally:
        db.dispose()
    return RestoreReport(dialect, schema, integrity, indexed, time.monotonic() - started)


def _refuse_nonempty_pg(url: str) -> None:
    engine: Engine = Database(url).engine
    try:
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar()
            tables = inspect(conn).get_table_names(schema=schema) if schema else []
    finally:
        engine.dispose()
    if tables:
        raise BackupError(
            f"the database already has tables ({', '.join(sorted(tables)[:5])}…): "
            "restore only into an empty database"
        )


def _pg_restore(url: str, archive: Path) -> None:
    tool = _pg_tool("pg_restore")
    conninfo, env, _schema = _pg_conninfo(url)
    done = subprocess.run(
        [
            tool,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={conninfo}",
            str(archive),
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was restored): {done.stderr.strip()}")
