"""Request-level plumbing: the client IP for the audit log."""

from hoiso.core.context import client_ip


def request_ip(request) -> str | None:
    # Behind the reverse proxy (docs/deployment.md) the proxy sets X-Real-IP.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(request_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
