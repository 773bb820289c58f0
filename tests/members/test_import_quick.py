"""The import's fast path (importing/quick.py and the memo in core.text) gives what the exact
functions give: every value it accepts is the value parse.py's readers and the member
services' clean_member_data would have produced, and an import of a varied file stores the
same records and reports the same problems with the fast path as without it."""

import datetime
import random
import unicodedata

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoiso.core import text as core_text
from hoiso.demo import names
from hoiso.members.importing import plan as plan_module
from hoiso.members.importing import quick
from hoiso.members.importing import services as imports
from hoiso.members.importing.parse import parse_cccd, parse_date, parse_phone
from hoiso.members.models import Member
from hoiso.members.services import MemberError, clean_member_data
from hoiso.members.validators import ValueProblem
from tests.members.helpers import admit, make_cccd
from tests.members.test_import import checked

DIGITS = st.text(alphabet="0123456789", min_size=8, max_size=13)
CELLS = st.one_of(DIGITS, st.text(max_size=14), DIGITS.map(lambda d: f" {d}"),
                  DIGITS.map(lambda d: d[:4] + " " + d[4:]), st.integers(0, 10**12),
                  st.floats(allow_nan=False, allow_infinity=False))  # fmt: skip


def _exact(read, cell):
    try:
        return read(cell)
    except ValueProblem:
        return "refused"


@given(CELLS)
def test_a_phone_taken_as_typed_is_what_parse_phone_gives(cell):
    if (value := quick.phone_cell(cell)) is not None:
        assert _exact(parse_phone, cell) == value


@given(CELLS)
def test_a_cccd_taken_as_typed_is_what_parse_cccd_gives(cell):
    if (value := quick.cccd_cell(cell)) is not None:
        assert _exact(parse_cccd, cell) == (value, False)


DATES = st.one_of(
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.from_regex(r"\A[0-9]{2}/[0-9]{2}/[0-9]{4}\Z"),
    st.from_regex(r"\A..../../....\Z"),
    st.text(max_size=12),
)


@given(DATES)
def test_a_date_taken_as_typed_is_what_parse_date_gives(cell):
    if (value := quick.date_cell(cell)) is not None:
        assert _exact(parse_date, cell) == value


NAMES = st.one_of(
    st.builds(lambda seed: names.woman_name(random.Random(seed)), st.integers(0, 10_000)),
    st.builds(
        lambda seed: unicodedata.normalize("NFD", names.woman_name(random.Random(seed))),
        st.integers(0, 1000),
    ),  # fmt: skip
    st.text(max_size=130),
    st.sampled_from(["", " Lan", "Lan  Anh", "Lan\u200bAnh", "=HYPERLINK()", "A" * 121]),
)


@given(NAMES)
def test_names_remembered_are_the_names_worked_out(name):
    assert quick.name_fields(name) == core_text.person_name_fields(name)
    assert quick.folded(name) == core_text.fold(name)


def _reference_collation_key(value):
    """core.text.collation_key as it was before its words were remembered."""
    return "".join(
        "".join(core_text._PRIMARY.get(letter, "99") for letter in letters) + "00" + tone
        for letters, tone in core_text._words(value or "")
    )


@given(NAMES)
def test_collation_keys_are_unchanged_by_remembering_words(name):
    assert core_text.collation_key(name) == _reference_collation_key(name)
    words = core_text.normalize(name).split(" ")
    given_first = [words[-1], *words[:-1]] if len(words) > 1 else words
    assert core_text.person_name_key(name) == _reference_collation_key(" ".join(given_first))


TODAY = datetime.date.today()
BORN = st.one_of(
    st.none(), st.dates(datetime.date(1850, 1, 1), TODAY + datetime.timedelta(days=400))
)


@st.composite
def records(draw):
    born = draw(BORN)
    female = draw(st.booleans())
    cccd = draw(st.one_of(
        st.none(), st.just(""), DIGITS,
        st.builds(lambda s: make_cccd(born=born or datetime.date(1990, 1, 1), female=female,
                                      serial=s), st.integers(0, 999_999)),  # fmt: skip
        st.builds(lambda s: make_cccd(province="001", born=born or datetime.date(1990, 1, 1),
                                      serial=s)[1:], st.integers(0, 999_999)),  # fmt: skip
    ))  # fmt: skip
    data = {
        "full_name": draw(NAMES),
        "date_of_birth": born,
        "gender": draw(st.sampled_from(["F", "M", "", None])),
        "cccd": cccd,
        "phone": draw(
            st.one_of(
                st.none(),
                st.just(""),
                DIGITS,
                st.text(max_size=12),
                st.sampled_from(
                    ["0912345678", "912345678", "+84912345678", "0912 345 678", "09123456789"]
                ),
            )
        ),  # fmt: skip
        "has_smartphone": draw(st.booleans()),
        "uses_zalo": draw(st.booleans()),
        "occupation": draw(st.sampled_from(["", "Nông dân"])),
    }
    drop = draw(st.sets(st.sampled_from(sorted(data))))
    return {k: v for k, v in data.items() if k not in drop}


def _cleaned(data):
    try:
        return clean_member_data(dict(data))
    except MemberError as exc:
        return str(exc)


@pytest.mark.django_db
@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(records())
def test_a_record_the_quick_path_accepts_is_cleaned_as_the_services_clean_it(data):
    found = quick.clean(dict(data), today=TODAY, member_pk=None, holders={})
    if found is not None:
        assert _cleaned(data) == found


@pytest.mark.django_db
def test_a_cccd_on_record_is_left_to_the_exact_path(tree, xa_officer):
    born = datetime.date(1990, 5, 12)
    cccd = make_cccd(born=born, serial=77)
    data = {"full_name": "Lê Thị Hoa", "date_of_birth": born, "cccd": cccd}
    assert quick.clean(data, today=TODAY, member_pk=None, holders={cccd: 5}) is None
    assert quick.clean(data, today=TODAY, member_pk=5, holders={cccd: 5})["cccd"] == cccd
    holder = admit(xa_officer, tree.a1, **data)
    assert quick.clean(data, today=TODAY, member_pk=holder.pk, holders={cccd: holder.pk}) == (
        clean_member_data(data, member=holder)
    )


# --- a whole import, with and without the fast path -----------------------------------------


def _rows(count: int, seed: int = 5) -> list[list]:
    """Rows in the shape of tests/members/test_import.py's HEADERS, with the shapes and
    mistakes of real lists: dates as text, cells and serials; CCCDs and phones as text and
    as numbers; names in NFD; unknown branches; repeated rows; men; minors; bad phones."""
    rng = random.Random(seed)
    rows = []
    for r in range(1, count + 1):
        born = datetime.date(rng.randint(1935, 2012), rng.randint(1, 12), rng.randint(1, 28))
        name = names.woman_name(rng, khmer=rng.random() < 0.3)
        cccd = make_cccd(born=born, serial=10_000 + r)
        shape = r % 7
        dob = (born.strftime("%d/%m/%Y") if shape < 4 else born if shape == 4
               else (born - datetime.date(1899, 12, 30)).days if shape == 5 else born.strftime("%d/%m/%y"))  # fmt: skip
        phone = names.phone_number(rng)
        row = [r, name if r % 11 else unicodedata.normalize("NFD", name), dob,
               rng.choice(["Nữ", "nữ", "", "Nam"] if r % 13 == 0 else ["Nữ", "nữ", ""]),
               int(cccd) if r % 5 == 0 else (cccd if r % 3 else None),
               int(phone) if r % 6 == 0 else (phone if r % 17 else "09x 12"),
               rng.choice([None, "Khu vực 1", "Chi hội Khu vực 2", "Khu vực 9"] if r % 19 == 0
                          else [None, "Khu vực 1", "Chi hội Khu vực 2"]),
               None, rng.choice(["Kinh", "Khơ-me", "Hoa", None]),
               rng.choice(["Nông dân", "", "Buôn bán"]),
               rng.choice(["x", "", "có", "có lẽ" if r % 23 == 0 else ""])]  # fmt: skip
        rows.append(row)
        if r % 29 == 0:
            rows.append(list(row))  # the same member twice
    return rows


_FIELDS = ("full_name", "name_folded", "name_sort", "date_of_birth", "gender", "cccd", "phone",
           "unit_id", "unit_path", "ethnicity", "occupation", "uses_zalo", "has_phone",
           "joined_on", "status", "member_type")  # fmt: skip


def _imported(actor, unit, rows):
    """What an import of `rows` stores and reports, rolled back afterwards."""
    with transaction.atomic():
        batch = checked(actor, unit, rows)
        written = imports.batch_import(actor=actor, batch=batch, mode="valid")
        batch.refresh_from_db()
        members = sorted(Member.objects.values_list(*_FIELDS), key=repr)
        history = sorted(Member.history.values_list("history_type", "full_name", "cccd", "phone"),
                         key=repr)  # fmt: skip
        result = (written.created, written.updated, written.failed, batch.outcome["rows"],
                  members, history)  # fmt: skip
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_an_import_stores_and_reports_the_same_with_and_without_the_fast_path(
    tree, xa_officer, monkeypatch
):
    for serial in (10_003, 10_009):  # members on record whom the file names again
        born = datetime.date(1980, 1, 1)
        admit(xa_officer, tree.a1, full_name=f"Trần Thị Cũ {serial}", date_of_birth=born)
    rows = _rows(400)
    rows += [[401, "Trần Thị Cũ 10003", "01/01/1980", "Nữ", None, "0911222333", None, None,
              None, None, "x"]]  # fmt: skip
    fast = _imported(xa_officer, tree.a1, rows)
    monkeypatch.setattr(quick, "clean", lambda *args, **kwargs: None)
    monkeypatch.setattr(plan_module, "_QUICK", {})
    exact = _imported(xa_officer, tree.a1, rows)
    assert fast == exact
    created, updated, failed = fast[:3]
    assert created > 300 and updated == 1 and failed > 20  # the file's mistakes are there


@pytest.mark.django_db
def test_a_plain_record_takes_the_quick_path():
    born = datetime.date(1990, 5, 12)
    data = {"full_name": "Lê Thị Hoa", "date_of_birth": born, "gender": "F",
            "cccd": make_cccd(born=born, serial=78), "phone": "0912345678", "uses_zalo": True}  # fmt: skip
    found = quick.clean(dict(data), today=TODAY, member_pk=None, holders={})
    assert found is not None and found == clean_member_data(data)
    assert found["has_phone"] is True


@pytest.mark.django_db
def test_a_file_found_too_long_half_way_is_refused_and_nothing_is_written(
    tree, xa_officer, monkeypatch, english
):
    """The rows are counted as they are read: chunks before the limit were already checked
    and written when the limit is met, and the whole import is rolled back."""
    from hoiso.core.spreadsheets import SpreadsheetError

    batch = checked(xa_officer, tree.a1, _rows(12))
    monkeypatch.setattr("hoiso.members.importing.apply.CHUNK", 2)
    monkeypatch.setattr("hoiso.members.importing.reader.MAX_ROWS", 7)
    imports.batch_claim(actor=xa_officer, batch=batch)
    with pytest.raises(SpreadsheetError, match="more than 7 rows"):
        imports.batch_import(actor=xa_officer, batch=batch, mode="valid")
    assert not Member.objects.exists()
