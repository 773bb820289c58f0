"""The current unit: the unit an official works in now, chosen with the switcher."""

from hoiso.org.selectors import current_unit_for_request, unit_switcher


class CurrentUnitMiddleware:
    """Sets `request.current_unit` lazily (one query, only when a page asks for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.get_current_unit = lambda: current_unit_for_request(request)
        request.get_unit_switcher = lambda: unit_switcher(request)
        return self.get_response(request)
