"""Entry contests, the organiser's call and the units' entries: every write up to judging.

The call (EntryContest): created as a draft with its categories, edited while it has no
judging, its rubric (criteria with weights and maximum scores) set before judging starts,
opened (entries accepted until the deadline), then closed for judging (contests.judging
takes over). An entry is submitted for a unit below the organiser by an official holding
MANAGE_CONTESTS at that unit, before the deadline, with its files checked and blinded
(contests.entry_files) and its text checked not to name the entrant or the unit.

Every service checks the actor's scope, runs in one transaction and refuses with a
ServiceError (nothing written; stored files removed again).
"""

from __future__ import annotations

import datetime
import re
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hoiso.contests import entry_files
from hoiso.contests.models import Criterion, Entry, EntryCategory, EntryContest, EntryFile
from hoiso.contests.services import clean_text, require
from hoiso.core import audit
from hoiso.core.errors import ServiceError
from hoiso.core.permissions import Action
from hoiso.core.scoping import user_can
from hoiso.core.text import fold
from hoiso.org.models import Unit

SETTINGS = ("judges_per_entry", "disagreement", "forward_count",
            "prize_first", "prize_second", "prize_third", "prize_consolation")  # fmt: skip
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_CATEGORIES = 20
MAX_CRITERIA = 15
MAX_TEXT = 50_000


def _locked(contest: EntryContest) -> EntryContest:
    return EntryContest.objects.select_for_update().select_related("unit").get(pk=contest.pk)


# ------------------------------------------------------------------------------ the call


def _check_call(data: dict) -> list[str]:
    if not (data.get("title") or "").strip():
        raise ServiceError(_("Enter the contest's title."))
    if not 1 <= data["judges_per_entry"] <= 9:
        raise ServiceError(_("Each entry goes to between 1 and 9 judges."))
    if not 0 <= data["disagreement"] <= 100:
        raise ServiceError(_("The disagreement threshold is between 0 and 100 points."))
    if not 1 <= data["forward_count"] <= 50:
        raise ServiceError(_("Forward between 1 and 50 entries to the level above."))
    if any(not 0 <= data[f] <= 100 for f in SETTINGS[3:]):
        raise ServiceError(_("A contest has at most 100 prizes of each kind."))
    names = []
    for raw in data.get("categories") or []:
        name = clean_text(raw, limit=120, what=_("A category"))
        if name and fold(name) not in {fold(n) for n in names}:
            names.append(name)
    if not names:
        raise ServiceError(_("Give at least one category."))
    if len(names) > MAX_CATEGORIES:
        raise ServiceError(_("A contest has at most 20 categories."))
    return names


def _set_categories(contest: EntryContest, names: list[str]) -> None:
    """Keep the categories named (by folded name), add the new ones, remove the others —
    unless entries use them."""
    current = {fold(c.name): c for c in contest.categories.all()}
    wanted = {fold(n): n for n in names}
    gone = [c for key, c in current.items() if key not in wanted]
    used = [c.name for c in gone if c.entries.exists()]
    if used:
        raise ServiceError(_("The category “%(name)s” has entries: it cannot be removed.")
                           % {"name": used[0]})  # fmt: skip
    EntryCategory.objects.filter(pk__in=[c.pk for c in gone]).delete()
    for order, (key, name) in enumerate(wanted.items()):
        category = current.get(key)
        if category is None:
            EntryCategory.objects.create(contest=contest, name=name, order=order)
        elif (category.name, category.order) != (name, order):
            category.name, category.order = name, order
            category.save(update_fields=["name", "order"])


@transaction.atomic
def call_create(*, actor, unit: Unit, data: dict) -> EntryContest:
    """A draft call for entries organised by `unit`."""
    require(actor, unit.path)
    names = _check_call(data)
    contest = EntryContest.objects.create(
        unit=unit, title=data["title"].strip(), rules=data.get("rules", ""), deadline=data["deadline"],
        created_by=actor, **{f: data[f] for f in SETTINGS})  # fmt: skip
    _set_categories(contest, names)
    audit.record(actor=actor, action="entries.create", obj=contest)
    return contest


@transaction.atomic
def call_update(*, actor, contest: EntryContest, data: dict) -> EntryContest:
    """Change a call not yet being judged (the deadline of an open call may move: entries
    are accepted until the new one)."""
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status not in (EntryContest.Status.DRAFT, EntryContest.Status.OPEN):
        raise ServiceError(_("The contest is being judged: it can no longer be changed."))
    names = _check_call(data)
    if contest.status == EntryContest.Status.OPEN and data["deadline"] <= timezone.now():
        raise ServiceError(_("The deadline must be in the future."))
    contest.title, contest.rules, contest.deadline = (
        data["title"].strip(),
        data.get("rules", ""),
        data["deadline"],
    )
    for f in SETTINGS:
        setattr(contest, f, data[f])
    contest.save()
    _set_categories(contest, names)
    audit.record(actor=actor, action="entries.update", obj=contest)
    return contest


def open_problems(contest: EntryContest) -> list[str]:
    """What keeps a draft call from being opened (empty: it can be)."""
    problems = []
    if not contest.categories.exists():
        problems.append(_("Give at least one category."))
    if not contest.criteria.exists():
        problems.append(_("Set the rubric: at least one criterion."))
    if contest.deadline <= timezone.now():
        problems.append(_("The deadline must be in the future."))
    return problems


@transaction.atomic
def call_open(*, actor, contest: EntryContest) -> EntryContest:
    """Open a draft call: units may submit entries until the deadline."""
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status != EntryContest.Status.DRAFT:
        raise ServiceError(_("Only a draft contest can be opened."))
    problems = open_problems(contest)
    if problems:
        raise ServiceError(" ".join(problems))
    contest.status, contest.opened_at = EntryContest.Status.OPEN, timezone.now()
    contest.save(update_fields=["status", "opened_at"])
    audit.record(actor=actor, action="entries.open", obj=contest)
    return contest


# ------------------------------------------------------------------------------ the rubric


def _rubric_open(actor, contest: EntryContest) -> EntryContest:
    contest = _locked(contest)
    require(actor, contest.unit_path)
    if contest.status not in (EntryContest.Status.DRAFT, EntryContest.Status.OPEN):
        raise ServiceError(_("Judging has started: the rubric can no longer change."))
    return contest


@transaction.atomic
def criterion_add(
    *, actor, contest: EntryContest, name: str, weight: int, max_score: int
) -> Criterion:
    contest = _rubric_open(actor, contest)
    name = clean_text(name, limit=200, what=_("The criterion"))
    if not name:
        raise ServiceError(_("Name the criterion."))
    if not 1 <= weight <= 100:
        raise ServiceError(_("A criterion's weight is between 1 and 100."))
    if not 1 <= max_score <= 100:
        raise ServiceError(_("A criterion's maximum score is between 1 and 100."))
    if contest.criteria.count() >= MAX_CRITERIA:
        raise ServiceError(_("A rubric has at most 15 criteria."))
    if any(fold(c.name) == fold(name) for c in contest.criteria.all()):
        raise ServiceError(_("The rubric already has this criterion."))
    order = (contest.criteria.aggregate(n=Max("order"))["n"] or 0) + 1
    criterion = Criterion.objects.create(contest=contest, name=name, weight=weight,
                                         max_score=max_score, order=order)  # fmt: skip
    audit.record(actor=actor, action="entries.rubric", obj=contest, details={"added": name})
    return criterion


@transaction.atomic
def criterion_remove(*, actor, criterion: Criterion) -> None:
    contest = _rubric_open(actor, criterion.contest)
    name = criterion.name
    Criterion.objects.filter(pk=criterion.pk, contest=contest).delete()
    audit.record(actor=actor, action="entries.rubric", obj=contest, details={"removed": name})


# ------------------------------------------------------------------------------ entries


def may_submit_for(actor, contest: EntryContest, unit: Unit) -> bool:
    """An official of `unit` (MANAGE_CONTESTS there), a unit below the organiser."""
    return (unit.path.startswith(contest.unit_path) and unit.path != contest.unit_path
            and unit.is_active and user_can(actor, Action.MANAGE_CONTESTS, unit.path))  # fmt: skip


def _names_in(text: str, names: list[str]) -> str | None:
    """The first of `names` (two words or more) found in `text`, whole words, ignoring
    case and diacritics."""
    folded = f" {' '.join(re.findall(r'[a-z0-9]+', fold(text)))} "
    for name in names:
        words = re.findall(r"[a-z0-9]+", fold(name))
        if len(words) >= 2 and f" {' '.join(words)} " in folded:
            return name
    return None


def _blind_check(*, title: str, text: str, files, entrant: str, unit: Unit) -> None:
    """Refuse an entry whose title, text or Word body names its entrant(s) or its unit."""
    names = [n.strip() for n in re.split(r"[,;\n]| và ", entrant) if n.strip()] + [unit.name]
    bodies = [title, text] + [entry_files.docx_text(f.data) for f in files if f.kind == "docx"]
    for body in bodies:
        found = _names_in(body, names)
        if found:
            raise ServiceError(
                _("The entry names “%(name)s”: judges must not know who wrote it. Remove the name "
                  "from the title, the text and the files (it is recorded in the entry form).")
                % {"name": found}
            )  # fmt: skip


def _new_code(contest: EntryContest) -> str:
    taken = set(contest.entries.values_list("code", flat=True))
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(6))
        if code not in taken:
            return code


def _clean_entry(data: dict, contest: EntryContest) -> dict:
    title = clean_text(data.get("title"), limit=300, what=_("The title"))
    entrant = clean_text(data.get("entrant"), limit=200, what=_("The entrant"))
    text = clean_text(data.get("text"), limit=MAX_TEXT, what=_("The text"))
    video = (data.get("video_url") or "").strip()
    if not title:
        raise ServiceError(_("Enter the entry's title."))
    if not entrant:
        raise ServiceError(_("Name the entrant (the author or authors)."))
    category = data.get("category")
    if category is None or category.contest_id != contest.pk:
        raise ServiceError(_("Choose one of this contest's categories."))
    if video:
        try:
            URLValidator(schemes=["http", "https"])(video)
        except ValidationError as exc:
            raise ServiceError(_("The video link must be a web address (https://…).")) from exc
        if len(video) > 500:
            raise ServiceError(_("The video link is too long."))
    return {
        "title": title,
        "entrant": entrant,
        "text": text,
        "video_url": video,
        "category": category,
    }


@transaction.atomic
def entry_submit(*, actor, contest: EntryContest, unit: Unit, data: dict, uploads=()) -> Entry:
    """An entry for `unit`: checked whole (deadline, fields, every file, the names) before
    anything is written; the files stored with their blind copies."""
    contest = EntryContest.objects.select_for_update().get(pk=contest.pk)
    if not may_submit_for(actor, contest, unit):
        raise ServiceError(_("You cannot submit entries for this unit."))
    now = timezone.now()
    if contest.status != EntryContest.Status.OPEN or now > contest.deadline:
        raise ServiceError(_("Entries are no longer accepted: the deadline was %(at)s.")
                           % {"at": date_format(timezone.localtime(contest.deadline), "SHORT_DATETIME_FORMAT")}
                           if contest.status != EntryContest.Status.DRAFT else
                           _("This contest is not accepting entries."))  # fmt: skip
    fields = _clean_entry(data, contest)
    files = entry_files.check_all(uploads)
    if not (fields["text"] or fields["video_url"] or files):
        raise ServiceError(_("An entry needs its text, a file or a video link."))
    _blind_check(title=fields["title"], text=fields["text"], files=files,
                 entrant=fields["entrant"], unit=unit)  # fmt: skip
    entry = Entry.objects.create(contest=contest, unit=unit, code=_new_code(contest), submitted_by=actor,
                                 submitted_at=now, **fields)  # fmt: skip
    audit.record(actor=actor, action="entries.submit", obj=entry,
                 details={"contest": contest.pk, "files": len(files)})  # fmt: skip
    _store_files(entry, files)  # last: nothing after it can fail and leave files behind
    return entry


def _store_files(entry: Entry, files) -> None:
    """Store every file and its blind copy; if anything fails, remove what was stored (the
    transaction removes the rows)."""
    stored = []
    try:
        for order, checked in enumerate(files):
            row = EntryFile(entry=entry, kind=checked.kind, name=checked.name, size=len(checked.data),
                            order=order)  # fmt: skip
            stem = uuid.uuid4().hex
            row.file.save(f"{stem}.{row.extension}", ContentFile(checked.data), save=False)
            stored.append(row.file)
            row.blind.save(f"{stem}-blind.{row.extension}", ContentFile(checked.blind), save=False)
            stored.append(row.blind)
            row.save()
    except Exception:
        for f in stored:
            f.delete(save=False)
        raise


def remove_stored(entry_files_rows) -> None:
    for row in entry_files_rows:
        row.file.delete(save=False)
        row.blind.delete(save=False)


@transaction.atomic
def entry_withdraw(*, actor, entry: Entry) -> None:
    """Withdraw an entry before the deadline (its unit's official)."""
    contest = EntryContest.objects.select_for_update().get(pk=entry.contest_id)
    if not user_can(actor, Action.MANAGE_CONTESTS, entry.unit_path):
        raise ServiceError(_("You cannot withdraw this entry."))
    if not contest.accepts_entries():
        raise ServiceError(_("The deadline has passed: the entry can no longer be withdrawn."))
    rows = list(entry.files.all())
    audit.record(actor=actor, action="entries.withdraw", obj=contest,
                 details={"entry": entry.code, "title": entry.title})  # fmt: skip
    entry.delete()
    transaction.on_commit(lambda: remove_stored(rows))


def deadline_passed(contest: EntryContest, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) > contest.deadline
