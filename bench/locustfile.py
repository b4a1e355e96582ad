"""The load test's visitors (run by ``bench/load_test.py``; see its docstring).

The mix: 90 % page views, 5 % searches, 4 % history or diff, 1 % saves. Each request goes to
one of the hosts in ``GOTONG_HOSTS`` at random (a load balancer without stickiness), and the
pages, words and revision ids come from ``GOTONG_SEED`` (a JSON file the driver writes).
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

HOSTS = os.environ.get("GOTONG_HOSTS", "http://127.0.0.1:8000").split(",")
SEED: dict[str, Any] = json.loads(Path(os.environ["GOTONG_SEED"]).read_text(encoding="utf-8"))
_counter = itertools.count()


class Reader(HttpUser):
    host = HOSTS[0]
    wait_time = between(0.0, 0.05)

    def _host(self) -> str:
        return random.choice(HOSTS)

    @task(90)
    def view(self) -> None:
        title = random.choice(SEED["titles"]).replace(" ", "_")
        self.client.get(f"{self._host()}/wiki/{title}", name="view")

    @task(5)
    def search(self) -> None:
        word = random.choice(SEED["words"])
        url = f"{self._host()}/wiki/Special:Search?search={word}&fulltext=1"
        self.client.get(url, name="search")

    @task(2)
    def history(self) -> None:
        title = random.choice(SEED["titles"]).replace(" ", "_")
        self.client.get(f"{self._host()}/wiki/{title}?action=history", name="history")

    @task(2)
    def diff(self) -> None:
        rev = random.choice(SEED["revisions"])
        url = f"{self._host()}/wiki/{SEED['diff_title']}?diff=prev&oldid={rev}"
        self.client.get(url, name="diff")

    @task(1)
    def save(self) -> None:
        n = f"{os.getpid()}-{next(_counter)}"
        body = {"title": f"Load test {n}", "source": f"Saved under load, number {n}."}
        with self.client.post(
            f"{self._host()}/w/rest.php/v1/page", json=body, name="save", catch_response=True
        ) as r:
            if r.status_code != 201:
                r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
