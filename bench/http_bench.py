"""HTTP benchmark: Gotong's page views and saves against a bare Starlette app on the same stack.

Run: ``.venv/bin/python bench/http_bench.py`` (about 2 minutes; ``--quick``: about 1 minute).

What it does, all in a fresh temp dir (nothing is written to the repository):

1. starts the real wiki (``python -m wiki.cli serve --workers 2``, SQLite, via tests/server.py);
2. creates a ~20 KB Markdown article (headings, wiki and external links, a table, footnotes)
   through the HTML edit form, and captures the exact bytes the wiki serves for it;
3. starts a bare Starlette app (uvicorn, 2 workers, same log level) that returns those bytes;
4. measures with ``wrk -t2 -c32 --latency`` on loopback, after a short warm-up each:
   (a) the bare app, (b) the wiki's anonymous page view, (c) the same URL with a session
   cookie (a logged-in reader: no full-page cache);
   (d) the anonymous view again while another client saves other pages once a second
   (save-while-serving: a save must not empty the cache of unrelated pages);
5. times ~200 saves of the 20 KB page through the HTML form with httpx (GET the form for the
   token and base revision, then POST; only the POST is timed; small changes, alternating),
   with the search indexer running (``wiki serve`` starts it).

Goals: (b)/(a) >= 0.5, (c)/(a) >= 0.15, (d)/(b) >= 0.9; saves p50 <= 50 ms, p99 <= 200 ms.
Every figure is printed with the load average (1 min) when it was measured: on a busy machine
they are noisy, so compare ratios measured in the same run. The exit status is 0 even when a
goal is missed or the machine is slow (socket timeouts are reported, not fatal: wrk waits up
to ``--timeout``); it is 1 only when the wiki answered wrongly (non-2xx) or a step failed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import WikiServer, free_port  # noqa: E402

TITLE = "Citarum_River"
BENCH_PASSWORD = "bench reader password 2026"
BENCH_RATE_LIMITS = "edit:anon=1000000/60"
ANON_GOAL = 0.5
LOGGED_IN_GOAL = 0.15
SAVING_GOAL = 0.9  # anonymous views while saving other pages, against without
SAVE_P50_GOAL_MS, SAVE_P99_GOAL_MS = 50.0, 200.0
OTHER_PAGES = ["Bench_other_1", "Bench_other_2", "Bench_other_3"]
HTTP_TIMEOUT = 120.0  # a busy machine is slow, not broken
START_TIMEOUT = 180.0


def load() -> float:
    """The 1-minute load average, printed beside every figure."""
    return os.getloadavg()[0]


WRK = shutil.which("wrk") or "/usr/bin/wrk"
TOKEN_RE = re.compile(r'name="wpEditToken" value="([^"]+)"')
BASE_RE = re.compile(r'name="wpBaseRevId" value="([^"]*)"')

BARE_APP = '''\
"""A bare Starlette app serving fixed bytes: the ceiling for Gotong's page view."""
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = (Path(__file__).parent / "article.html").read_bytes()


async def page(request: Request) -> Response:
    return Response(BODY, media_type="text/html; charset=utf-8")


app = Starlette(routes=[Route("/wiki/{title:path}", page)])
'''

# Why a custom protocol: with --workers N, uvicorn binds the listening socket itself with
# proto=0, so asyncio does not set TCP_NODELAY on accepted connections (it checks
# proto == IPPROTO_TCP). Every keep-alive response then waits ~40 ms for the client's delayed
# ACK, which caps any app at ~connections/44ms req/s (uvicorn issue Kludex/uvicorn#3149).
# The baseline must be the stack's real ceiling, so it sets TCP_NODELAY per connection.
NODELAY = '''\
"""uvicorn's HTTP protocol with TCP_NODELAY set on every connection (see http_bench.py)."""
import socket

try:
    import httptools  # noqa: F401  (uvicorn's "auto" prefers httptools when installed)
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as Base
except ImportError:
    from uvicorn.protocols.http.h11_impl import H11Protocol as Base


class NoDelayProtocol(Base):
    def connection_made(self, transport):
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
'''

SERVE = '''\
"""Like `wiki serve`, plus TCP_NODELAY. Usage: serve.py [--factory] APP PORT WORKERS"""
import sys

import uvicorn

from nodelay import NoDelayProtocol

if __name__ == "__main__":
    factory = sys.argv[1] == "--factory"
    app, port, workers = sys.argv[2:] if factory else sys.argv[1:]
    uvicorn.run(
        app,
        factory=factory,
        host="127.0.0.1",
        port=int(port),
        workers=int(workers),
        proxy_headers=False,
        log_level="info",
        http=NoDelayProtocol,
    )
'''


# --- the article ---------------------------------------------------------------------------------

PLACES = ["Bandung", "Cianjur", "Karawang", "Bekasi", "Purwakarta", "Majalaya", "Dayeuhkolot"]
THINGS = [
    "rice terraces",
    "textile mills",
    "fish farms",
    "tea estates",
    "reservoirs",
    "irrigation canals",
    "villages",
    "markets",
]
LINKS = ["[[Main Page]]", "[[Help:Editing]]", "[[Java]]", "[[Jakarta Bay]]", "[[Saguling Dam]]"]
SENTENCES = [
    "The river rises on the slopes of Mount Wayang and flows north for about 270 km.",
    "Near {place} the valley widens and the water feeds {things} along both banks.",
    "Local farmers have used its floods for centuries to renew the soil of their {things}.",
    "The {place} regency drew much of its drinking water from the river until the 1990s.",
    "In the dry season the flow falls to a tenth of its peak, and {things} compete for it.",
    "Three dams, built between 1967 and 1988, turned the middle course into a chain of lakes.",
    "Surveys around {place} counted more than 2,000 factories within a kilometre of the water.",
    "Community groups in {place} organise clean-up days, planting bamboo along the banks.",
    "See {link} for how the river shaped the trade routes of the western highlands.",
    "Sediment from deforested hills raises the riverbed by several centimetres every year.",
    "The name is often explained as *tarum*, the indigo plant once grown in the valley.",
    "Fishermen near {place} report that catches fell sharply after the 1980s.",
    "Old maps of {place} show the river in a different bed, moved by the great flood of 1931.",
    "Water from the lower course irrigates about 420,000 hectares of {things}.",
]
SECTIONS = [
    ("History", ["Early kingdoms", "Colonial era", "Since independence"]),
    ("Geography", ["Upper course", "Middle course", "Delta"]),
    ("Ecology", ["Fish", "Birds"]),
    ("Economy", ["Agriculture", "Industry", "Electricity"]),
    ("Pollution", ["Sources", "Effects on health"]),
    ("Restoration", ["The Citarum Harum programme", "Results"]),
]


def make_article(target_bytes: int = 20_000, seed: int = 7) -> str:
    """A deterministic, realistic ~20 KB Markdown article."""
    rng = random.Random(seed)
    footnotes: list[str] = []

    def sentence() -> str:
        s = rng.choice(SENTENCES).format(
            place=rng.choice(PLACES), things=rng.choice(THINGS), link=rng.choice(LINKS)
        )
        if rng.random() < 0.15:
            n = len(footnotes) + 1
            footnotes.append(
                f"[^{n}]: {rng.choice(PLACES)} Water Board, *Annual report {1990 + n}*, "
                f"<https://example.org/reports/{1990 + n}.pdf>, p. {rng.randint(3, 300)}."
            )
            s = s[:-1] + f".[^{n}]"
        if rng.random() < 0.1:
            s += f" ([source](https://example.org/citarum/{rng.randint(100, 999)}))"
        return s

    def paragraph() -> str:
        return " ".join(sentence() for _ in range(rng.randint(3, 6)))

    parts = [
        "The **Citarum** is the longest and largest river in West Java, Indonesia. " + paragraph(),
        paragraph(),
    ]
    table = ["| Tributary | Joins near | Length (km) | Basin (km²) |", "|---|---|--:|--:|"]
    for i in range(12):
        table.append(
            f"| Ci{rng.choice(['kapundung', 'sangkuy', 'minyak', 'kundul', 'beet', 'hayam'])}"
            f"{i} | {rng.choice(PLACES)} | {rng.randint(8, 90)} | {rng.randint(40, 900):,} |"
        )
    sections = list(SECTIONS)
    i = 0
    while True:
        heading, subs = sections[i % len(sections)]
        if i >= len(sections):
            heading, subs = f"{heading} (continued)", ["Details"]
        i += 1
        parts.append(f"## {heading}")
        parts.append(paragraph())
        for sub in subs:
            parts.append(f"### {sub}")
            parts.append(paragraph())
            if sub == "Middle course":
                parts.append("\n".join(table))
            if sub == "Fish":
                parts.append("\n".join(f"- {sentence()}" for _ in range(5)))
        text = "\n\n".join(parts)
        if len(text.encode()) >= target_bytes - 4000:
            see_also = "## See also\n\n" + "\n".join(f"- {link}" for link in LINKS)
            notes = "## References\n\n" + "\n".join(footnotes)
            return "\n\n".join([text, see_also, notes]) + "\n"


# --- processes -----------------------------------------------------------------------------------


class BareServer:
    """uvicorn serving BARE_APP with the given workers, in its own process group."""

    command: list[str]

    def __init__(self, app_dir: Path, workers: int, *, nodelay: bool) -> None:
        self.app_dir = app_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if nodelay:
            self.command = [
                sys.executable,
                str(app_dir / "serve.py"),
                "bare_app:app",
                str(self.port),
                str(workers),
            ]
        else:  # plain uvicorn, as `wiki serve` runs it (Nagle on with --workers > 1)
            self.command = [
                sys.executable,
                "-m",
                "uvicorn",
                "bare_app:app",
                "--app-dir",
                str(app_dir),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--log-level",
                "info",  # as `wiki serve`: access log on
                "--no-proxy-headers",  # as `wiki serve`
            ]
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BareServer:
        log = open(self.app_dir / "bare.log", "ab")
        try:
            self.proc = subprocess.Popen(
                self.command,
                cwd=self.app_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError((self.app_dir / "bare.log").read_text())
            try:
                httpx.get(self.url + "/wiki/x", timeout=1)
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        self.__exit__()
        raise RuntimeError("bare app did not start")

    @property
    def pgid(self) -> int:
        assert self.proc is not None
        return self.proc.pid  # start_new_session: the group id is the leader's pid

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None


class NoDelayWikiServer(WikiServer):
    """Gotong served as `wiki serve` does, but through serve.py (TCP_NODELAY on)."""

    def __init__(self, runner: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runner = runner

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            str(self.runner),
            "--factory",
            "wiki.app:create_app",
            str(self.port),
            str(self.workers),
        ]


# --- measurements --------------------------------------------------------------------------------


@dataclass
class WrkResult:
    name: str
    command: list[str]
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bytes_per_request: float
    non_2xx: int
    socket_errors: str
    cpu_ms_per_request: float
    load: float = 0.0
    saves: int = 0


def _ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        return float("nan")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[m.group(2)]
    return float(m.group(1)) * scale


def _bytes(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(B|KB|MB|GB)", value)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[m.group(2)]


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    pgid: int
    header: str | None = None
    goal: float | None = None
    #: Save other pages once a second during the run (its ratio is against ``relative_to``).
    saving: bool = False
    relative_to: str | None = None

    def wrk_args(self, args: argparse.Namespace, seconds: int) -> list[str]:
        extra = ["-H", self.header] if self.header else []
        return [
            WRK,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds}s",
            f"--timeout={args.timeout}s",
            *extra,
        ]


def warm_up(target: Target, args: argparse.Namespace) -> None:
    subprocess.run(
        [*target.wrk_args(args, args.warmup), target.url], check=True, capture_output=True
    )


def group_cpu_seconds(pgid: int) -> float:
    """CPU time (user + system) used so far by the live processes of process group ``pgid``."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


class Saver:
    """Saves the other pages once a second, in a thread, while a wrk run measures views."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.stop = threading.Event()
        self.count = 0
        self.errors: list[str] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Saver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._thread.join(HTTP_TIMEOUT)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=HTTP_TIMEOUT) as editor:
            while not self.stop.is_set():
                started = time.monotonic()
                title = OTHER_PAGES[self.count % len(OTHER_PAGES)]
                try:
                    save(editor, title, f"Other page, save {self.count}.", "bench: other page")
                    self.count += 1
                except (httpx.HTTPError, RuntimeError) as exc:
                    self.errors.append(repr(exc))
                    return
                self.stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))


def wrk(target: Target, args: argparse.Namespace) -> WrkResult:
    """One measured wrk run; parse its summary; measure the server's CPU time per request."""
    name = target.name
    cmd = [*target.wrk_args(args, args.duration), "--latency", target.url]
    cpu_before = group_cpu_seconds(target.pgid)
    saves = 0
    if target.saving:
        base = target.url.split("/wiki/")[0]
        with Saver(base) as saver:
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        if saver.errors:
            raise RuntimeError(f"saving other pages failed: {saver.errors[0]}")
        saves = saver.count
    else:
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    cpu = group_cpu_seconds(target.pgid) - cpu_before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    total = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+\w+) read", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    requests = int(total.group(1)) if total else 0
    return WrkResult(
        name=name,
        command=cmd,
        rps=rps,
        p50_ms=_ms(p50.group(1)) if p50 else float("nan"),
        p99_ms=_ms(p99.group(1)) if p99 else float("nan"),
        requests=requests,
        bytes_per_request=_bytes(total.group(2)) / requests if total and requests else 0.0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sock.group(1).strip() if sock else "",
        cpu_ms_per_request=cpu * 1000 / requests if requests else float("nan"),
        load=load(),
        saves=saves,
    )


def edit_form(client: httpx.Client, title: str) -> tuple[str, str]:
    form = client.get(f"/wiki/{title}?action=edit")
    form.raise_for_status()
    token, base = TOKEN_RE.search(form.text), BASE_RE.search(form.text)
    if not token or not base:
        raise RuntimeError(f"no edit token in the form: {form.text[:300]}")
    return token.group(1), base.group(1)


def save(client: httpx.Client, title: str, text: str, summary: str) -> float:
    """One save through the HTML form; returns the POST's duration in seconds."""
    token, base = edit_form(client, title)
    data = {
        "wpEditToken": token,
        "wpBaseRevId": base,
        "wpTextbox1": text,
        "wpSummary": summary,
        "wpSave": "1",
    }
    t = time.perf_counter()
    r = client.post(f"/wiki/{title}?action=submit", data=data)
    elapsed = time.perf_counter() - t
    if r.status_code != 303:
        raise RuntimeError(f"save returned {r.status_code}: {r.text[:500]}")
    return elapsed


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def keepalive_ms(url: str, headers: dict[str, str] | None = None, n: int = 9) -> float:
    """Median time of sequential GETs on one kept-alive connection (Nagle check)."""
    times: list[float] = []
    with httpx.Client(headers=headers, timeout=HTTP_TIMEOUT) as client:
        client.get(url).raise_for_status()
        for _ in range(n):
            t = time.perf_counter()
            client.get(url).raise_for_status()
            times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs (about 1 minute)")
    parser.add_argument("--duration", type=int, help="seconds per measured wrk run (10; quick 4)")
    parser.add_argument("--warmup", type=int, help="seconds of wrk warm-up per target (3; quick 1)")
    parser.add_argument(
        "--rounds", type=int, help="interleaved rounds of the 3 targets (3; quick 2)"
    )
    parser.add_argument("--saves", type=int, help="saves timed (200; quick 100)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers, both apps (2)")
    parser.add_argument(
        "--plain-baseline",
        action="store_true",
        help="serve the bare app with plain `uvicorn --workers N` (no TCP_NODELAY fix)",
    )
    parser.add_argument(
        "--wiki-nodelay",
        action="store_true",
        help="serve Gotong like `wiki serve` but with the TCP_NODELAY fix (what-if)",
    )
    parser.add_argument(
        "--timeout", type=int, default=60, help="wrk's per-request timeout in seconds (60)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, bytes)")
    args = parser.parse_args()
    args.duration = args.duration or (4 if args.quick else 10)
    args.rounds = args.rounds or (2 if args.quick else 3)
    args.warmup = args.warmup or (1 if args.quick else 3)
    args.saves = args.saves or (100 if args.quick else 200)
    if not Path(WRK).exists():
        print(f"wrk not found ({WRK}): apt-get install wrk", file=sys.stderr)
        return 1

    tmp = Path(tempfile.mkdtemp(prefix="gotong-bench-"))
    try:
        ok = run(args, tmp)
    finally:
        if args.keep:
            print(f"\nkept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


def run(args: argparse.Namespace, tmp: Path) -> bool:
    article = make_article()
    wrk_version = subprocess.run([WRK, "-v"], capture_output=True, text=True).stdout
    print(
        f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{wrk_version.split(chr(10))[0].split(' Copyright')[0]}, "
        f"load average {load():.2f} (anything else running skews the numbers)"
    )
    (tmp / "nodelay.py").write_text(NODELAY)
    (tmp / "serve.py").write_text(SERVE)
    (tmp / "bare_app.py").write_text(BARE_APP)
    wiki_dir = tmp / "wiki"
    options: dict[str, Any] = {
        "workers": args.workers,
        "data_dir": wiki_dir,
        "database_url": f"sqlite:///{wiki_dir / 'wiki.sqlite3'}",
        # One client saving ~200 times a minute is what the bench does: keep the limiter
        # (its counter is part of a save's cost) but raise the anonymous edit limit.
        "env": {"WIKI_RATE_LIMITS": BENCH_RATE_LIMITS},
        "start_timeout": START_TIMEOUT,
    }
    server: WikiServer = (
        NoDelayWikiServer(tmp / "serve.py", **options)
        if args.wiki_nodelay
        else WikiServer(**options)
    )
    with server:
        url = f"{server.url}/wiki/{TITLE}"
        assert server.pid is not None
        wiki_pgid = server.pid  # tests.server starts it in its own session: pgid == pid
        with httpx.Client(base_url=server.url, timeout=HTTP_TIMEOUT) as editor:
            save(editor, TITLE, article, "Bench article")
            for other in OTHER_PAGES:  # saved during (d); they exist so those saves are edits
                save(editor, other, "Other page.", "bench: other page")
        anon = httpx.get(url, timeout=HTTP_TIMEOUT)
        anon.raise_for_status()
        body = anon.content
        (tmp / "article.html").write_bytes(body)
        # A logged-in reader: a real account, logged in through the form.
        subprocess.run(
            [sys.executable, "-m", "wiki.cli", "create-user", "Bench reader"],
            input=BENCH_PASSWORD + "\n",
            text=True,
            env=server.env,
            check=True,
            capture_output=True,
        )
        with httpx.Client(base_url=server.url, timeout=HTTP_TIMEOUT) as reader:
            form = reader.get("/wiki/Special:Login")
            form.raise_for_status()
            token = re.search(r'name="wpEditToken" value="([^"]+)"', form.text)
            assert token is not None
            done = reader.post(
                "/wiki/Special:Login",
                data={
                    "wpEditToken": token.group(1),
                    "wpName": "Bench reader",
                    "wpPassword": BENCH_PASSWORD,
                },
            )
            if done.status_code != 303:
                raise RuntimeError(f"login failed: {done.status_code}")
            cookie = reader.cookies.get("gotong_session")
        if not cookie:
            raise RuntimeError("no gotong_session cookie after logging in")
        cookie_header = {"Cookie": f"gotong_session={cookie}"}
        logged_in = httpx.get(url, headers=cookie_header, timeout=HTTP_TIMEOUT)
        logged_in.raise_for_status()
        print(f"Gotong: {server.url} (process group {server.pid})", flush=True)
        print(
            f"article: {len(article.encode()):,} bytes of Markdown -> {len(body):,} bytes of HTML "
            f"(anonymous), {len(logged_in.content):,} bytes (logged in)"
        )

        with BareServer(tmp, args.workers, nodelay=not args.plain_baseline) as bare:
            bare_url = f"{bare.url}/wiki/{TITLE}"
            print(f"bare app: {bare.url} (process group {bare.pgid})", flush=True)
            check = httpx.get(bare_url, timeout=HTTP_TIMEOUT)
            assert check.content == body, "the bare app must serve the same bytes"
            probes = {
                "bare": keepalive_ms(bare_url),
                "anonymous": keepalive_ms(url),
                "logged in": keepalive_ms(url, cookie_header),
            }
            targets = [
                Target("bare Starlette, same bytes", bare_url, bare.pgid),
                Target("Gotong, anonymous view", url, wiki_pgid, goal=ANON_GOAL),
                Target(
                    "Gotong, logged-in view",
                    url,
                    wiki_pgid,
                    header=f"Cookie: gotong_session={cookie}",
                    goal=LOGGED_IN_GOAL,
                ),
                Target(
                    "Gotong, anon, saving others",
                    url,
                    wiki_pgid,
                    goal=SAVING_GOAL,
                    saving=True,
                    relative_to="Gotong, anonymous view",
                ),
            ]
            for target in targets:
                warm_up(target, args)
            # Rounds interleave the targets, so a burst of load from elsewhere on the machine
            # hits all of them alike; each target's median round is reported.
            runs: dict[Target, list[WrkResult]] = {t: [] for t in targets}
            for _ in range(args.rounds):
                for target in targets:
                    runs[target].append(wrk(target, args))
            bare_command = bare.command

        # Save latency: alternate two small changes so every save is a real new revision.
        para = "The **Citarum** is the longest and largest river in West Java"
        variants = [
            article.replace(para, para.replace("longest and largest", "largest and longest")),
            article,
        ]
        posts: list[float] = []
        save_load_before = load()
        t0 = time.perf_counter()
        with httpx.Client(base_url=server.url, timeout=HTTP_TIMEOUT) as editor:
            for i in range(args.saves):
                posts.append(save(editor, TITLE, variants[i % 2], f"bench save {i}"))
        save_wall = time.perf_counter() - t0
        save_load_after = load()
        wiki_command = server.command
        wiki_env = {k: v for k, v in server.env.items() if k.startswith("WIKI_")}

    # --- report ---------------------------------------------------------------------------
    print(
        "keep-alive, one connection, sequential (median ms): "
        + ", ".join(f"{k} {v:.1f}" for k, v in probes.items())
    )
    stalled = [k for k, v in probes.items() if v > 20]
    if stalled:
        print(
            f"  WARNING: {', '.join(stalled)}: keep-alive responses wait ~40 ms for a delayed ACK "
            "(TCP_NODELAY is off: uvicorn --workers N, Kludex/uvicorn#3149); wrk's 32 "
            "connections then cap throughput near 32/0.044 s = ~730 req/s whatever the app does."
        )
    medians = {t: sorted(rs, key=lambda r: r.rps)[len(rs) // 2] for t, rs in runs.items()}
    bare_rps = medians[targets[0]].rps
    print()
    rounds = {t: "(" + "/".join(f"{x.rps:.0f}" for x in rs) + ")" for t, rs in runs.items()}
    width = max(len(x) for x in rounds.values())
    header = (
        f"{'target':<27} {'req/s':>6} {'(rounds)':<{width}} {'p50 ms':>6} {'p99 ms':>6} "
        f"{'KB/resp':>7} {'CPU ms/req':>10} {'load':>5} {'ratio':>5} {'goal':>6}  verdict"
    )
    print(header)
    print("-" * len(header))
    ok = True
    by_name = {t.name: r for t, r in medians.items()}
    for target, r in medians.items():
        base = by_name[target.relative_to].rps if target.relative_to else bare_rps
        ratio = r.rps / base
        goal = target.goal
        verdict = "" if goal is None else ("ok" if ratio >= goal else "MISSED")
        for x in runs[target]:
            if x.non_2xx:  # the wiki answered wrongly: that is an error of ours
                verdict += f" (non-2xx: {x.non_2xx})"
                ok = False
            if x.socket_errors and x.socket_errors != "connect 0, read 0, write 0, timeout 0":
                # A busy machine: reported, not fatal (see --timeout).
                verdict += f" (socket errors under load {x.load:.1f}: {x.socket_errors})"
        goal_text = "" if goal is None else f">={goal}"
        print(
            f"{r.name:<27} {r.rps:>6.0f} {rounds[target]:<{width}} "
            f"{r.p50_ms:>6.1f} {r.p99_ms:>6.1f} {r.bytes_per_request / 1024:>7.1f} "
            f"{r.cpu_ms_per_request:>10.3f} {r.load:>5.1f} {ratio:>5.2f} "
            f"{goal_text:>6}  {verdict}"
        )
    saving = next(t for t in targets if t.saving)
    print(
        f"ratio: against the bare app; '{saving.name}' against '{saving.relative_to}' "
        f"({', '.join(str(x.saves) for x in runs[saving])} saves of other pages in its "
        f"{args.duration} s rounds)"
    )
    bare_cpu = medians[targets[0]].cpu_ms_per_request
    print(
        "CPU ms/req: the servers' CPU time (all processes, user+system) per request served.\n"
        "Ratio if CPU-bound (bare CPU/req ÷ Gotong CPU/req): "
        + ", ".join(
            f"{t.name.split(', ')[1]} {bare_cpu / r.cpu_ms_per_request:.2f}"
            for t, r in list(medians.items())[1:]
        )
    )
    print()
    p50, p99 = percentile(posts, 50) * 1000, percentile(posts, 99) * 1000
    verdict = "ok" if p50 <= SAVE_P50_GOAL_MS and p99 <= SAVE_P99_GOAL_MS else "MISSED"
    print(
        f"save (HTML form POST, {len(article.encode()) / 1024:.0f} KB page, n={len(posts)}, "
        f"search indexer running): p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"mean {statistics.fmean(posts) * 1000:.1f} ms, max {max(posts) * 1000:.1f} ms "
        f"({save_wall:.1f} s for {len(posts)} form GET+POST pairs); load average "
        f"{save_load_before:.2f} -> {save_load_after:.2f}; goal p50 <= {SAVE_P50_GOAL_MS:.0f} "
        f"ms, p99 <= {SAVE_P99_GOAL_MS:.0f} ms: {verdict}"
    )
    print()
    print("commands (temp dir removed afterwards unless --keep):")
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in wiki_env.items())
    print(f"  wiki:  {env} {shlex.join(wiki_command)}")
    print("         (after `python -m wiki.cli init` with the same env)")
    print(f"  bare:  {shlex.join(bare_command)}")
    for r in medians.values():
        shown = [
            ("'Cookie: gotong_session=...'" if a.startswith("Cookie:") else a) for a in r.command
        ]
        print(f"  wrk:   {' '.join(shown)}")
    print(
        f"         ({args.rounds} interleaved rounds, after one {args.warmup} s warm-up run each "
        "with the same options)"
    )
    print(
        f"  saves: httpx, one client with a session; GET /wiki/{TITLE}?action=edit, then POST\n"
        "         ?action=submit (wpEditToken, wpBaseRevId, wpTextbox1, wpSummary); POST timed"
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())
