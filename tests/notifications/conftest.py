"""A real SMTP server on loopback (aiosmtpd) that the tests start and stop, and what it got.

`mail_server` is configured (settings point at its port) but not yet listening: a test
calls `.start()` for a server that is up, or leaves it down to see mail wait in the queue.
"""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass, field
from email import policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        # Django folds a long encoded subject onto the next line; readers drop that space.
        return str(self.message["subject"]).strip()

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class _Handler:
    """Takes every message, but refuses for good (550) any address starting with "nobody"."""

    def __init__(self, inbox: list[Received]):
        self.inbox = inbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nobody"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.inbox.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@dataclass
class MailServer:
    port: int
    received: list[Received] = field(default_factory=list)
    controller: Controller | None = None

    def start(self) -> MailServer:
        if self.controller is None:
            self.controller = Controller(
                _Handler(self.received), hostname="127.0.0.1", port=self.port
            )
            self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail_server(settings):
    """The SMTP server the settings point at, not started yet (a server that is down)."""
    server = MailServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "HộiSố <khongtraloi@hoiso.test>"
    settings.HOISO_SITE_URL = "https://hoiso.example.vn"
    yield server
    server.stop()


@pytest.fixture
def smtp(mail_server):
    """The SMTP server, up."""
    return mail_server.start()
