"""The one registry of computed indicators.

A domain app declares the figures it can compute in its own `indicators.py`, imported from its
AppConfig.ready():

    @indicators.register("members.total", label=_("Members at the end of the period"))
    def members_total(unit, start, end):
        return ...

Reporting reads the registry (`get`, `choices`, `evaluate`) and never imports a domain app, so
the dependency arrows keep pointing down (DESIGN.md, "Indicators").

A computed function takes (unit, the first day of the period's figures, the cut-off date) and
returns a whole number, a Decimal, None (no figure: e.g. no population to divide by), or — for
a ratio — a `Ratio(numerator, denominator)`, so that ratios roll up weighted (the sum of the
numerators over the sum of the denominators), never as an average of percentages.

`evaluate(...)` computes several indicators of one unit and period at once; inside it,
`shared(key, compute)` lets the functions of one app share one expensive reading (the members
of a unit at a date are counted once for a dozen indicators).
"""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


@dataclass(frozen=True)
class Ratio:
    """A ratio kept as its two sums. `percent()` is the figure shown; roll-ups add the parts."""

    numerator: int | Decimal
    denominator: int | Decimal

    def percent(self, places: int = 2) -> Decimal | None:
        if not self.denominator:
            return None
        value = Decimal(self.numerator) * 100 / Decimal(self.denominator)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


Value = int | Decimal | Ratio | None
Function = Callable[[Any, datetime.date, datetime.date], Value]


@dataclass(frozen=True)
class Computed:
    """One registered figure. `ratio`: the function returns a Ratio (its indicator must roll
    up as a weighted ratio). `measure`: what it counts ("people", "percent", …; an indicator
    computed by it must declare the same). `sensitive`: it counts sensitive personal data
    (ethnicity, religion) and is shown only to roles allowed to see those."""

    key: str
    label: Any
    function: Function
    ratio: bool = False
    measure: str = ""
    sensitive: bool = False
    app: str = ""

    def __call__(self, unit, start: datetime.date, end: datetime.date) -> Value:
        value = self.function(unit, start, end)
        if self.ratio and not (value is None or isinstance(value, Ratio)):
            raise TypeError(f"{self.key} must return a Ratio or None, not {value!r}")
        if not self.ratio and isinstance(value, Ratio):
            raise TypeError(f"{self.key} returned a Ratio but was not registered with ratio=True")
        return value


class RegistryError(Exception):
    """A key registered twice, or asked for and never registered."""


_registry: dict[str, Computed] = {}
_shared: contextvars.ContextVar[dict | None] = contextvars.ContextVar("indicators", default=None)


def register(key: str, *, label, ratio: bool = False, measure: str = "", sensitive: bool = False):
    """Decorator: register `function` under `key` ("app.name"). Registering the same function
    again (a re-imported module) is harmless; another function under a used key is an error."""

    def decorator(function: Function) -> Function:
        existing = _registry.get(key)
        same = existing is not None and (
            existing.function.__module__,
            existing.function.__qualname__,
        ) == (function.__module__, function.__qualname__)
        if existing is not None and not same:
            raise RegistryError(f"indicator key {key!r} is already registered")
        _registry[key] = Computed(
            key=key,
            label=label,
            function=function,
            ratio=ratio,
            measure=measure,
            sensitive=sensitive,
            app=function.__module__.rsplit(".", 1)[0],
        )
        return function

    return decorator


def unregister(key: str) -> None:
    """For tests that register a function of their own."""
    _registry.pop(key, None)


def get(key: str) -> Computed:
    try:
        return _registry[key]
    except KeyError:
        raise RegistryError(f"no computed indicator is registered under {key!r}") from None


def is_registered(key: str) -> bool:
    return key in _registry


def all_computed() -> list[Computed]:
    return sorted(_registry.values(), key=lambda c: c.key)


def choices() -> list[tuple[str, str]]:
    """(key, "key — label") for forms."""
    return [(c.key, f"{c.key} — {c.label}") for c in all_computed()]


def shared(key: tuple, compute: Callable[[], Any]) -> Any:
    """The value of `compute()`, computed once per `key` inside one `evaluate(...)` (outside
    one, simply computed)."""
    cache = _shared.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def evaluate(
    keys: Iterable[str], *, unit, start: datetime.date, end: datetime.date
) -> dict[str, Value]:
    """The values of the registered functions `keys` for `unit` over [start, end], sharing
    what they read (see `shared`). Unknown keys raise RegistryError."""
    functions = [get(key) for key in keys]
    token = _shared.set({})
    try:
        return {f.key: f(unit, start, end) for f in functions}
    finally:
        _shared.reset(token)
