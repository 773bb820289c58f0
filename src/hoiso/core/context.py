"""Request context that services read without taking the request: the client's IP for the
audit log. Set by core.middleware.RequestContextMiddleware; empty in commands and tasks."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
