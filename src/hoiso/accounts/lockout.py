"""What django-axes counts failed sign-ins by."""


def username_from_request(request, credentials: dict | None) -> str | None:
    """The name typed in the sign-in form ("login": a user name or an e-mail address), lower
    case, so that failures are counted per account and not pooled per office connection."""
    typed = (
        (request.POST.get("login") if request is not None else None)
        or (credentials or {}).get("username")
        or (credentials or {}).get("email")
    )
    return typed.strip().lower() if isinstance(typed, str) and typed.strip() else None
