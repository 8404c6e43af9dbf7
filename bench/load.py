"""The load generator of bench/run.py (b): `python -m bench.load plan.json` prints the latencies as
JSON, with the version each score row reached.

kind "trivial": GET /healthz. kind "autosave": each client saves its own assessment's indicators
one after another, as htmx does (one field, HX-Trigger-Name, the version it last saw + 1 each time),
alternating each row between two values so that every save changes the totals.

Closed loop (the default): one thread and one keep-alive connection per client, each sending its
next request when the last one answered, for a fixed time; the server's throughput.
Open loop ("rate" in the plan): requests are due on a fixed schedule, `rate` a second for `seconds`,
whatever the answers; a request's latency runs from when it was due, so a server that falls behind
shows it in the latency instead of slowing the load down. The clients take turns; a client's saves
stay one after another (the version of one save is the next one's), on `workers` connections.
"""

import http.client
import json
import os
import queue
import secrets
import sys
import threading
import time
from urllib.parse import urlencode

PORT = int(os.environ.get("BENCH_PORT", "8160"))


class Client:
    """One signed-in officer (or an anonymous probe of /healthz) on its own connection."""

    def __init__(self, spec: dict, kind: str):
        self.spec, self.kind = spec, kind
        self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret in the header
        self.headers = {
            "Cookie": f"sessionid={spec['session']}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "HX-Request": "true",
            "HX-Trigger-Name": "self_value",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        self.versions = {pk: version for pk, version, *_ in spec["scores"]}
        self.turn = 0
        self.lock = threading.Lock()

    def request(self) -> tuple[bool, str]:
        """Send the next request and read its answer: (ok, what went wrong)."""
        if self.kind == "trivial":
            method, path, body, pk = "GET", "/healthz", None, None
        else:
            pk, _, *values = self.spec["scores"][self.turn % len(self.spec["scores"])]
            value = values[(self.turn // len(self.spec["scores"])) % len(values)]
            self.turn += 1
            method, path = "POST", f"/assessments/{self.spec['assessment']}/scores/{pk}/self/"
            body = urlencode({"self_value": value, "version": self.versions[pk]})
        try:
            self.connection.request(method, path, body=body, headers=self.headers if body else {})
            response = self.connection.getresponse()
            text = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            return False, repr(exc)
        # A conflict or a refused value answers 200 with the row and an error message in it.
        if response.status != 200 or b"save-status error" in text:
            return False, f"{response.status} {text[:300]!r}"
        if pk is not None:
            self.versions[pk] += 1
        return True, ""


class Tally:
    def __init__(self):
        self.latencies, self.errors, self.samples = [], 0, []
        self.lock = threading.Lock()

    def add(self, latency: float, ok: bool, problem: str) -> None:
        with self.lock:
            self.latencies.append(latency)
            if not ok:
                self.errors += 1
                if len(self.samples) < 3:
                    self.samples.append(problem)


def closed_loop(clients: list[Client], seconds: float, tally: Tally) -> None:
    deadline = time.perf_counter() + seconds

    def run(client):
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            ok, problem = client.request()
            tally.add(time.perf_counter() - start, ok, problem)

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def open_loop(clients: list[Client], rate: float, seconds: float, workers: int, tally: Tally) -> dict:
    """`rate` requests a second on a fixed schedule; a bounded number (rate × seconds) in all."""
    due = queue.Queue()
    total = int(rate * seconds)

    def work():
        while (job := due.get()) is not None:
            when, client = job
            with client.lock:
                ok, problem = client.request()
            tally.add(time.perf_counter() - when, ok, problem)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    start, late = time.perf_counter(), 0
    for index in range(total):
        when = start + index / rate
        wait = when - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        elif wait < -0.005:
            late += 1  # the scheduler itself fell behind (its latency still counts from `when`)
        due.put((when, clients[index % len(clients)]))
    for _ in threads:
        due.put(None)
    for thread in threads:
        thread.join()
    return {"offered_per_second": rate, "scheduled": total, "sent_late": late}


def main() -> None:
    plan = json.loads(open(sys.argv[1], encoding="utf-8").read())  # noqa: SIM115
    clients = [Client(spec, plan["kind"]) for spec in plan["clients"]]
    tally = Tally()
    start = time.perf_counter()
    out = {}
    if plan.get("rate"):
        out.update(open_loop(clients, plan["rate"], plan["seconds"], plan.get("workers", 64), tally))
    else:
        closed_loop(clients, plan["seconds"], tally)
    out.update(
        {
            "elapsed": time.perf_counter() - start,
            "latencies": tally.latencies,
            "errors": tally.errors,
            "error_samples": tally.samples,
            "versions": {pk: v for client in clients for pk, v in client.versions.items()},
        }
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
