"""The load generator of bench/run.py (b): one process, one thread and one keep-alive connection
per client, for a fixed time. `python -m bench.load plan.json` prints the latencies as JSON.

kind "trivial": GET /healthz. kind "autosave": each client saves its own assessment's indicators
one after another, as htmx does (one field, HX-Trigger-Name, the version it last saw + 1 each time).
"""

import http.client
import json
import secrets
import sys
import threading
import time
from urllib.parse import urlencode

PORT = 8160


def client(spec: dict, kind: str, deadline: float, out: dict, lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret in the header
    headers = {
        "Cookie": f"sessionid={spec['session']}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "HX-Request": "true",
        "HX-Trigger-Name": "self_value",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    versions = {pk: version for pk, version, _ in spec["scores"]}
    latencies, errors, samples, turn = [], 0, [], 0
    while time.perf_counter() < deadline:
        if kind == "trivial":
            method, path, body = "GET", "/healthz", None
        else:
            pk, _, value = spec["scores"][turn % len(spec["scores"])]
            turn += 1
            method, path = "POST", f"/assessments/{spec['assessment']}/scores/{pk}/self/"
            body = urlencode({"self_value": value, "version": versions[pk]})
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers if body else {})
            response = connection.getresponse()
            text = response.read()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            latencies.append(time.perf_counter() - start)
            errors += 1
            samples.append(repr(exc))
            continue
        latencies.append(time.perf_counter() - start)
        # A conflict or a refused value answers 200 with the row and an error message in it.
        failed = response.status != 200 or b"save-status error" in text
        if failed:
            errors += 1
            samples.append(f"{response.status} {text[:300]!r}")
        elif body:
            versions[pk] += 1
    with lock:
        out["latencies"] += latencies
        out["errors"] += errors
        out["error_samples"] += samples[:2]


def main() -> None:
    plan = json.loads(open(sys.argv[1], encoding="utf-8").read())  # noqa: SIM115
    out = {"latencies": [], "errors": 0, "error_samples": []}
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + plan["seconds"]
    threads = [
        threading.Thread(target=client, args=(spec, plan["kind"], deadline, out, lock))
        for spec in plan["clients"]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out["elapsed"] = time.perf_counter() - start
    print(json.dumps(out))


if __name__ == "__main__":
    main()
