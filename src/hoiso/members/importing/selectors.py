"""Reads of import batches, scoped to the acting user (MANAGE_MEMBERS over the batch's unit)."""

from hoiso.core.permissions import Action
from hoiso.core.scoping import get_object_for_user
from hoiso.members.models import ImportBatch


def import_batches(*, user):
    return ImportBatch.objects.visible_to(user, Action.MANAGE_MEMBERS).select_related(
        "unit", "created_by"
    )


def import_batch_get(*, user, pk) -> ImportBatch:
    qs = ImportBatch.objects.select_related("unit", "unit__parent", "created_by", "progress")
    return get_object_for_user(qs, user, Action.MANAGE_MEMBERS, pk=pk)
