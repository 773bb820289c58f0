"""The one registry of computed indicators (core.indicators)."""

import datetime
import pathlib

import pytest

from hoiso.core import indicators
from hoiso.core.indicators import Ratio, RegistryError

START, END = datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)
MEMBER_KEYS = {
    "members.total", "members.joined", "members.left", "members.participation", "members.core",
    "members.core_pct", "members.party", "members.ethnic_minority", "members.religious",
    "members.vneid2", "members.vneid2_pct", "members.smartphone_pct", "members.digital_readiness",
}  # fmt: skip


@pytest.fixture
def scratch():
    """Keys registered by a test are removed after it."""
    made = []
    yield made
    for key in made:
        indicators.unregister(key)


def test_members_register_their_figures_at_startup():
    keys = {c.key for c in indicators.all_computed()}
    assert keys >= MEMBER_KEYS
    assert indicators.get("members.participation").ratio
    assert not indicators.get("members.total").ratio
    assert indicators.get("members.ethnic_minority").sensitive
    assert indicators.get("members.religious").sensitive
    assert not indicators.get("members.total").sensitive
    assert indicators.get("members.total").app == "hoiso.members"


def test_a_key_is_registered_once(scratch):
    @indicators.register("test.once", label="once")
    def first(unit, start, end):
        return 1

    scratch.append("test.once")
    with pytest.raises(RegistryError):

        @indicators.register("test.once", label="again")
        def second(unit, start, end):
            return 2

    assert indicators.get("test.once").function is first


def test_unknown_keys_are_refused():
    with pytest.raises(RegistryError):
        indicators.get("nobody.registered.this")
    with pytest.raises(RegistryError):
        indicators.evaluate(["nobody.registered.this"], unit=None, start=START, end=END)


def test_a_ratio_function_must_return_a_ratio(scratch):
    @indicators.register("test.bad_ratio", label="bad", ratio=True)
    def bad_ratio(unit, start, end):
        return 5

    @indicators.register("test.bad_number", label="bad")
    def bad_number(unit, start, end):
        return Ratio(1, 2)

    scratch.extend(["test.bad_ratio", "test.bad_number"])
    with pytest.raises(TypeError):
        indicators.get("test.bad_ratio")(None, START, END)
    with pytest.raises(TypeError):
        indicators.get("test.bad_number")(None, START, END)


def test_evaluate_shares_one_reading_between_functions(scratch):
    reads = []

    def reading(start, end):
        return indicators.shared(("test.reading", start, end), lambda: reads.append(1) or 10)

    @indicators.register("test.a", label="a")
    def a(unit, start, end):
        return reading(start, end)

    @indicators.register("test.b", label="b", ratio=True)
    def b(unit, start, end):
        return Ratio(reading(start, end), 20)

    scratch.extend(["test.a", "test.b"])
    values = indicators.evaluate(["test.a", "test.b"], unit=None, start=START, end=END)
    assert values == {"test.a": 10, "test.b": Ratio(10, 20)}
    assert len(reads) == 1  # shared inside one evaluation
    indicators.evaluate(["test.a"], unit=None, start=START, end=END)
    assert len(reads) == 2  # and not across evaluations: no stale figures
    assert Ratio(10, 20).percent() == 50


def test_reporting_never_imports_a_domain_app():
    """The arrows point down: reporting reads the registry, not the members app."""
    root = pathlib.Path(indicators.__file__).parents[1] / "reporting"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "hoiso.members" not in text, path
