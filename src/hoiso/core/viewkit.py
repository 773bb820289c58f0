"""Shared steps of form views: post, call the service, show its refusal on the form."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages

from hoiso.core.errors import ServiceError


def submit(request, form, write: Callable[[dict], Any], success: Callable[[Any], str] | str) -> Any:
    """If the form was posted and is valid, call `write(cleaned_data)`; on success add the
    message and return the service's result, on refusal put its message on the form and
    return None (so the view renders the form again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = write(form.cleaned_data)
    except ServiceError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result if result is not None else True
