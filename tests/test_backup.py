"""``wiki backup`` / ``wiki restore``: consistent online snapshots, restored only into empty
places, verified revision by revision."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text, update
from starlette.testclient import TestClient

from tests.conftest import GENEROUS_LIMITS, PG_URL, edit
from tests.server import ROOT, WikiServer, pg_schema_url
from wiki import cli
from wiki.db import Base, Database
from wiki.dumps import backup
from wiki.models import Page, Revision
from wiki.pages import revisions
from wiki.settings import Settings
from wiki.text.titles import Title, parse

CLIENTS = 10


def _restore_settings(tmp_path: Path, name: str = "restored") -> Settings:
    """An empty data dir and (SQLite) database to restore into."""
    if PG_URL:
        pytest.skip("restore into PostgreSQL is covered by the live-server test")
    return Settings(data_dir=tmp_path / name, language="en").validated()


def test_backup_and_restore_round_trip(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    edit(client, "Alpha", "first *alpha*")
    edit(client, "Alpha", "second *alpha* [[Beta]]")
    edit(client, "Beta", "Teks bahasa Indonesia: kucing.")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    report = backup.backup(settings, tmp_path / "bak")
    assert report.pages == 2 and report.revisions == 3
    manifest = json.loads((tmp_path / "bak" / backup.MANIFEST).read_text())
    assert manifest["revisions"] == 3 and manifest["dialect"] == report.dialect
    assert set(manifest["files"]) >= {backup.SECRET_FILE}
    assert (tmp_path / "bak" / backup.SECRET_FILE).read_text() == settings.secret_key
    assert oct((tmp_path / "bak" / backup.SECRET_FILE).stat().st_mode & 0o777) == "0o600"
    if PG_URL:
        return
    target = _restore_settings(tmp_path)
    restored = backup.restore(target, tmp_path / "bak")
    assert restored.integrity.ok and restored.integrity.revisions == 3
    assert restored.indexed == 2
    assert (target.data_dir / "secret_key").read_text() == settings.secret_key
    app_settings = Settings(
        data_dir=target.data_dir, database_url=target.database_url, search_interval=0.0
    ).with_secret()
    from wiki.app import create_app

    app = create_app(app_settings)
    with TestClient(app) as c2:
        for title in ("Alpha", "Beta"):
            old = client.get(f"/wiki/{title}?action=raw")
            new = c2.get(f"/wiki/{title}?action=raw")
            assert new.status_code == 200 and new.text == old.text
        found = c2.get("/w/rest.php/v1/search/page?q=kucing").json()
        assert [p["title"] for p in found["pages"]] == ["Beta"]
    app.state.wiki.db.dispose()


def test_backup_of_a_wiki_nobody_has_open(tmp_path: Path) -> None:
    """No server running: the WAL's -shm file is gone, and the backup still reads."""
    if PG_URL:
        pytest.skip("SQLite only")
    offline = Settings(data_dir=tmp_path / "offline", secret_key="k" * 40).validated()
    offline.data_dir.mkdir()
    db = Database(offline.database_url)
    Base.metadata.create_all(db.engine)
    with db.write() as s:
        revisions.save(s, parse("Alpha"), "alpha", author=revisions.Author("A"), max_bytes=4096)
    db.dispose()
    assert not (offline.data_dir / "wiki.sqlite3-shm").exists()
    report = backup.backup(offline, tmp_path / "bak")
    assert (report.pages, report.revisions) == (1, 1)


def test_backup_refuses_a_non_empty_directory(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "bak").mkdir()
    (tmp_path / "bak" / "keep.txt").write_text("mine")
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.backup(settings, tmp_path / "bak")
    assert (tmp_path / "bak" / "keep.txt").read_text() == "mine"


def test_restore_refuses_non_empty_places_and_damaged_backups(
    client: TestClient, settings: Settings, tmp_path: Path
) -> None:
    edit(client, "Alpha", "alpha")
    backup.backup(settings, tmp_path / "bak")
    target = _restore_settings(tmp_path)
    target.data_dir.mkdir()
    (target.data_dir / "notes.txt").write_text("x")
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(target, tmp_path / "bak")
    # The wiki's own (non-empty) database is never a restore target.
    with pytest.raises(backup.BackupError, match=r"not empty|exists"):
        backup.restore(settings, tmp_path / "bak")
    damaged = tmp_path / "bak" / backup.SQLITE_FILE
    with damaged.open("r+b") as fh:
        fh.seek(200)
        fh.write(b"\xff")
    with pytest.raises(backup.BackupError, match="checksum"):
        backup.restore(_restore_settings(tmp_path, "other"), tmp_path / "bak")
    (tmp_path / "bak" / backup.MANIFEST).unlink()
    with pytest.raises(backup.BackupError, match="unfinished"):
        backup.restore(_restore_settings(tmp_path, "third"), tmp_path / "bak")
    assert not (tmp_path / "other").exists() and not (tmp_path / "third").exists()


def test_check_finds_a_revision_whose_text_was_changed(client: TestClient, db: Database) -> None:
    edit(client, "Alpha", "alpha")
    edit(client, "Alpha", "alpha two")
    assert backup.check(db).ok
    with db.write() as s:
        rid = s.scalar(select(Revision.id).order_by(Revision.id).limit(1))
        s.execute(update(Revision).where(Revision.id == rid).values(text="tampered"))
    found = backup.check(db)
    assert found.bad_sha1 == [rid] and not found.ok


def test_cli_backup_and_restore(
    client: TestClient,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    edit(client, "Alpha", "alpha")
    monkeypatch.setenv("WIKI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("WIKI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("WIKI_SECRET_KEY", settings.secret_key)
    assert cli.main(["backup", str(tmp_path / "bak")]) == 0
    assert "Backed up 1 pages, 1 revisions" in capsys.readouterr().out
    assert cli.main(["backup", str(tmp_path / "bak")]) == 2  # not empty any more
    assert "not empty" in capsys.readouterr().err
    if PG_URL:
        return
    monkeypatch.setenv("WIKI_DATA_DIR", str(tmp_path / "restored"))
    monkeypatch.delenv("WIKI_DATABASE_URL")
    monkeypatch.delenv("WIKI_SECRET_KEY")
    assert cli.main(["restore", str(tmp_path / "bak")]) == 0
    out = capsys.readouterr().out
    assert "Restored 1 pages, 1 revisions" in out and "sha1 verified" in out


# --- a backup while 10 clients save, through real server processes ---------------------------


def _saver(
    url: str, n: int, stop: threading.Event, saved: list[list[int]], errors: list[str]
) -> None:
    title = f"Busy {n}"
    with httpx.Client(base_url=url, timeout=60) as http:
        r = http.post("/w/rest.php/v1/page", json={"title": title, "source": f"{n}: 0"})
        if r.status_code != 201:
            errors.append(f"{title}: {r.status_code} {r.text[:200]}")
            return
        latest = r.json()["latest"]["id"]
        i = 0
        while not stop.is_set():
            i += 1
            r = http.put(
                f"/w/rest.php/v1/page/Busy_{n}",
                json={"source": f"{n}: {i}", "comment": f"save {i}", "latest": {"id": latest}},
            )
            if r.status_code != 200:
                errors.append(f"{title}: {r.status_code} {r.text[:200]}")
                return
            latest = r.json()["latest"]["id"]
            saved[n].append(latest)


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wiki.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_backup_while_ten_clients_save_is_consistent_and_restores(tmp_path: Path) -> None:
    limits = {"WIKI_RATE_LIMITS": GENEROUS_LIMITS, "WIKI_SEARCH_INTERVAL": "0"}
    with WikiServer(workers=2, env=limits) as server:
        stop = threading.Event()
        saved: list[list[int]] = [[] for _ in range(CLIENTS)]
        errors: list[str] = []
        threads = [
            threading.Thread(target=_saver, args=(server.url, n, stop, saved, errors))
            for n in range(CLIENTS)
        ]
        for t in threads:
            t.start()
        try:
            # Wait until every client has saved at least twice (polling the clients' own
            # progress; the deadline is only a guard against a hung server).
            started = time.monotonic()
            while min(len(s) for s in saved) < 2 and not errors:
                assert time.monotonic() - started < 600, "the clients never got going"
                time.sleep(0.05)
            before = sum(len(s) for s in saved)
            done = _cli(server.env, "backup", str(tmp_path / "bak"))
            after = sum(len(s) for s in saved)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
        assert not errors, errors
        assert done.returncode == 0, done.stderr
        assert after > before, "no save happened while the backup ran: it proves nothing"
        manifest = json.loads((tmp_path / "bak" / backup.MANIFEST).read_text())

        # The snapshot on its own: every revision has its parent, every page its latest.
        if manifest["dialect"] == "sqlite":
            snap = Database(f"sqlite:///{tmp_path / 'bak' / backup.SQLITE_FILE}")
            found = backup.check(snap)
            with snap.read() as s:
                latest = {
                    Title(p.namespace, p.title).key: s.get(Revision, p.latest_id).text  # type: ignore[union-attr]
                    for p in s.scalars(select(Page))
                }
            snap.dispose()
            assert found.ok, found
            assert found.revisions == manifest["revisions"]
        restore_dir = tmp_path / "restored"
        restore_env = {k: v for k, v in server.env.items() if k != "WIKI_SECRET_KEY"}
        restore_env["WIKI_DATA_DIR"] = str(restore_dir)
        restore_db = _empty_database(tmp_path, server.database_url)
        restore_env["WIKI_DATABASE_URL"] = restore_db
        done = _cli(restore_env, "restore", str(tmp_path / "bak"))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "sha1 verified" in done.stdout
        assert f"{manifest['revisions']} revisions" in done.stdout
    if manifest["dialect"] != "sqlite":
        snap = Database(restore_db)
        with snap.read() as s:
            latest = {
                Title(p.namespace, p.title).key: s.get(Revision, p.latest_id).text  # type: ignore[union-attr]
                for p in s.scalars(select(Page))
            }
        snap.dispose()
    assert sum(t.startswith("Busy") for t in latest) == CLIENTS
    # The restored wiki serves the snapshot's pages, with the backed-up secret key.
    with (
        WikiServer(data_dir=restore_dir, database_url=restore_db) as again,
        httpx.Client(base_url=again.url, timeout=60) as http,
    ):
        for title, body in latest.items():
            r = http.get(f"/wiki/{title.replace(' ', '_')}?action=raw")
            assert r.status_code == 200 and r.text == body, title
    _drop_database(restore_db)


def _empty_database(tmp_path: Path, source_url: str) -> str:
    """SQLite: a new file in the restore data dir. PostgreSQL: a new database with the same
    schema name (``pg_dump --schema`` archives restore into a schema of their own name)."""
    if not source_url.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'restored' / 'wiki.sqlite3'}"
    schema = source_url.rsplit("search_path%3D", 1)[1]
    name = "restore_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    base = PG_URL.rsplit("/", 1)[0] + "/" + name
    return pg_schema_url(base, schema)


def _drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    name = url.split("?", 1)[0].rsplit("/", 1)[1]
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_says_clearly_when_pg_dump_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    pg = Settings(data_dir=tmp_path / "pg", database_url=url)
    with pytest.raises(backup.BackupError, match="pg_dump is not on the PATH"):
        backup.backup(pg, tmp_path / "bak")
    assert not (tmp_path / "bak" / backup.MANIFEST).exists()
