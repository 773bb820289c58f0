"""Locust users for bench/contest_submit_load.py (not run on its own).

Each simulated participant takes the next attempt from the bench's file (BENCH_KEYS, from
line BENCH_OFFSET) and POSTs its form as the attempt page would (the bench wrote it: the CSRF
token, the attempt's submit token, an answer to each of its ten questions, a prediction),
with the CSRF cookie and her own address in X-Real-IP. A success is the 302 to the result
page; anything else is a failure. Users share the BENCH_RATE submissions per second evenly
(constant throughput per user). The forms are made beforehand so that the load generator,
on the same two cores as the server, spends as little as it can.
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

RATE = float(os.environ.get("BENCH_RATE", "400"))
USERS = int(os.environ.get("BENCH_USERS", "200"))
OFFSET = int(os.environ.get("BENCH_OFFSET", "0"))
COOKIE = f"csrftoken={os.environ.get('BENCH_CSRF', '')}"


def _attempts():
    with open(os.environ["BENCH_KEYS"]) as f:
        for line in itertools.islice(f, OFFSET, None):
            yield json.loads(line)


ATTEMPTS = _attempts()


class Participant(FastHttpUser):
    wait_time = constant_throughput(RATE / USERS)

    @task
    def submit(self) -> None:
        attempt = next(ATTEMPTS)
        n = random.getrandbits(24)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": COOKIE,
            "X-Real-IP": f"10.{n >> 16}.{n >> 8 & 255}.{n & 255}",
        }
        with self.client.post(f"/cuoc-thi/bai/{attempt['key']}/", data=attempt["body"], headers=headers,
                              name="submit", allow_redirects=False, catch_response=True) as response:  # fmt: skip
            if response.status_code == 302 and "/ket-qua" in (response.headers or {}).get(
                "Location", ""
            ):
                response.success()
            else:
                response.failure(
                    f"{response.status_code} {(response.headers or {}).get('Location', '')}"
                )
