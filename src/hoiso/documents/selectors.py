"""Every read of the documents app, scoped to the acting user through visible_to /
get_object_for_user (out of scope: 404)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, When
from django.http import Http404

from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user
from hoiso.core.text import fold
from hoiso.documents.models import Attachment, Delivery, IncomingDocument, OutgoingDocument
from hoiso.org.models import Unit


def _words_q(field: str, query: str) -> Q:
    """Every word of the query, without diacritics, somewhere in the folded field."""
    condition = Q()
    for word in fold(query).split():
        condition &= Q(**{f"{field}__contains": word})
    return condition


def outgoing_list(*, user, unit: Unit | None, query: str = "", status: str = "") -> QuerySet:
    """The outgoing documents of `unit` (or of every visible unit), newest first."""
    rows = OutgoingDocument.objects.visible_to(user, Action.VIEW).select_related("unit")
    if unit is not None:
        rows = rows.filter(unit=unit)
    if query:
        rows = rows.filter(_words_q("search_folded", query))
    if status:
        rows = rows.filter(status=status)
    return rows


def outgoing_get(*, user, pk: int, action: str = Action.VIEW) -> OutgoingDocument:
    queryset = OutgoingDocument.objects.select_related("unit", "issued_by", "created_by")
    return get_object_for_user(queryset, user, action, pk=pk)


def deliveries_of(document: OutgoingDocument) -> list[Delivery]:
    """The recipients' status on the issuer's page: not answered/not read first."""
    return list(
        document.deliveries.select_related("unit", "read_by", "responded_by")
        .order_by(
            Case(When(responded_at__isnull=False, then=1), default=0,
                 output_field=IntegerField()),
            Case(When(read_at__isnull=False, then=1), default=0, output_field=IntegerField()),
            "unit__name_sort",
        )
    )  # fmt: skip


def inbox(*, user, unit: Unit | None, query: str = "") -> QuerySet:
    """Documents delivered to `unit` (or to every visible unit), unread first."""
    rows = (Delivery.objects.visible_to(user, Action.VIEW)
            .select_related("document", "document__unit", "unit"))  # fmt: skip
    if unit is not None:
        rows = rows.filter(unit=unit)
    if query:
        rows = rows.filter(_words_q("document__search_folded", query))
    return rows.order_by(
        Case(When(read_at__isnull=True, then=0), default=1, output_field=IntegerField()),
        "-delivered_at", "-pk",
    )  # fmt: skip


def delivery_get(*, user, pk: int, action: str = Action.VIEW) -> Delivery:
    queryset = Delivery.objects.select_related(
        "document", "document__unit", "unit", "read_by", "responded_by"
    )
    return get_object_for_user(queryset, user, action, pk=pk)


def attachment_get(*, user, pk: int) -> Attachment:
    """An attachment readable by the issuer's scope, or by a recipient unit's scope once the
    document is issued; 404 for anyone else."""
    attachment = Attachment.objects.select_related("document").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    document = attachment.document
    if OutgoingDocument.objects.visible_to(user, Action.VIEW).filter(pk=document.pk).exists():
        return attachment
    if (
        not document.is_draft
        and Delivery.objects.visible_to(user, Action.VIEW).filter(document=document).exists()
    ):
        return attachment
    raise Http404


def incoming_list(*, user, unit: Unit | None, query: str = "") -> QuerySet:
    """The register: documents registered by `unit` or handled in its subtree."""
    rows = IncomingDocument.objects.visible_to(user, Action.VIEW).select_related(
        "unit", "registered_by_unit"
    )
    if unit is not None:
        rows = rows.filter(Q(registered_by_unit=unit) | Q(unit_path__startswith=unit.path))
    if query:
        rows = rows.filter(_words_q("search_folded", query))
    return rows


def incoming_get(*, user, pk: int) -> IncomingDocument:
    queryset = IncomingDocument.objects.select_related("unit", "registered_by_unit", "created_by")
    return get_object_for_user(queryset, user, Action.VIEW, pk=pk)


def level_choices(unit: Unit) -> list[tuple[str, str]]:
    """The kinds of active unit below `unit` (for "all units of a level below me")."""
    kinds = set(
        Unit.objects.active().filter(path__startswith=unit.path).exclude(pk=unit.pk)
        .values_list("kind", flat=True).distinct()
    )  # fmt: skip
    return [(value, label) for value, label in Unit.Kind.choices if value in kinds]


def units_below(unit: Unit) -> QuerySet:
    return (Unit.objects.active().filter(path__startswith=unit.path).exclude(pk=unit.pk)
            .order_by("path"))  # fmt: skip


def units_managed(user) -> QuerySet:
    """Units where the user may register incoming documents or draft outgoing ones."""
    return Unit.objects.visible_to(user, Action.MANAGE_UNITS).active().order_by("path")


def handler_choices(unit: Unit) -> QuerySet:
    """The registering unit itself and the active units below it."""
    return Unit.objects.active().filter(path__startswith=unit.path).order_by("path")
