"""Locust users for bench/contest_submit_load.py (not run on its own).

Each simulated participant takes the next attempt from the bench's file (BENCH_KEYS, from
line BENCH_OFFSET) and POSTs its form as the attempt page would (the bench wrote it: the CSRF
token, the attempt's submit token, an answer to each of its ten questions, a prediction),
with the CSRF cookie and her own address in X-Real-IP. A success is the 302 to the result
page; anything else is a failure. The submissions arrive as independent participants'
would: each user's are a Poisson process of BENCH_RATE / BENCH_USERS per second, scheduled on
the clock from a random start, so that together they are a Poisson stream of BENCH_RATE per
second (locust starts all the users at once: paced evenly, they would all send in the same
instant, in bursts of BENCH_USERS). Each submission is timed twice: from when it is sent
(locust's own figure, "submit") and from when it was due ("submit, from its due time"),
which also counts the time a user waited for her previous response. The forms are made
beforehand so that the load generator, on the same two cores as the server, spends as
little as it can.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time

import gevent
from locust import task
from locust.contrib.fasthttp import FastHttpUser

RATE = float(os.environ.get("BENCH_RATE", "400"))
USERS = int(os.environ.get("BENCH_USERS", "200"))
OFFSET = int(os.environ.get("BENCH_OFFSET", "0"))
DUE = "submit, from its due time"
COOKIE = f"csrftoken={os.environ.get('BENCH_CSRF', '')}"


def _attempts():
    with open(os.environ["BENCH_KEYS"]) as f:
        for line in itertools.islice(f, OFFSET, None):
            yield json.loads(line)


ATTEMPTS = _attempts()


class Participant(FastHttpUser):
    def on_start(self) -> None:
        self.due = time.monotonic()
        gevent.sleep(self.wait_time())

    def wait_time(self) -> float:
        # independent arrivals: each user's submissions a Poisson process of RATE / USERS per
        # second, scheduled on the clock (a slow response does not lower the offered rate)
        self.due += random.expovariate(RATE / USERS)
        return max(0.0, self.due - time.monotonic())

    @task
    def submit(self) -> None:
        late_ms = max(0.0, time.monotonic() - self.due) * 1000
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
        # The same submission timed from when it was due: a user still waiting for her
        # previous response sends late, and that wait belongs to the response time too
        # (coordinated omission).
        self.environment.events.request.fire(
            request_type="POST", name=DUE, response_length=0, exception=None, context={},
            response_time=late_ms + response.request_meta["response_time"])  # fmt: skip
