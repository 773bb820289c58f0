"""Locust users for bench/contest_submit_load.py (not run on its own).

Each simulated participant takes the next attempt from the bench's file (BENCH_KEYS, from
line BENCH_OFFSET), answers its ten questions (the first option shown of each: some right,
some wrong, as the shuffle falls) with a prediction, and POSTs the attempt page's form as the
browser would: the CSRF cookie and token, the attempt's submit token, her own address in
X-Real-IP. A success is the 302 to the result page; anything else is a failure. Users share
the BENCH_RATE submissions per second evenly (constant throughput per user).
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import string

from locust import constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

RATE = float(os.environ.get("BENCH_RATE", "400"))
USERS = int(os.environ.get("BENCH_USERS", "200"))
OFFSET = int(os.environ.get("BENCH_OFFSET", "0"))


def _attempts():
    with open(os.environ["BENCH_KEYS"]) as f:
        for line in itertools.islice(f, OFFSET, None):
            yield json.loads(line)


ATTEMPTS = _attempts()
CSRF = "".join(secrets.choice(string.ascii_letters + string.digits) for _n in range(32))


class Participant(FastHttpUser):
    wait_time = constant_throughput(RATE / USERS)

    @task
    def submit(self) -> None:
        attempt = next(ATTEMPTS)
        data = {"csrfmiddlewaretoken": CSRF, "token": attempt["token"],
                "prediction": str(secrets.randbelow(5000))}  # fmt: skip
        for question, options in attempt["layout"]:
            data[f"q{question}"] = str(options[0])
        n = secrets.randbelow(2**24)
        headers = {
            "Cookie": f"csrftoken={CSRF}",
            "X-Real-IP": f"10.{n >> 16}.{n >> 8 & 255}.{n & 255}",
        }
        with self.client.post(f"/cuoc-thi/bai/{attempt['key']}/", data=data, headers=headers,
                              name="submit", allow_redirects=False, catch_response=True) as response:  # fmt: skip
            if response.status_code == 302 and "/ket-qua" in (response.headers or {}).get(
                "Location", ""
            ):
                response.success()
            else:
                response.failure(
                    f"{response.status_code} {(response.headers or {}).get('Location', '')}"
                )
