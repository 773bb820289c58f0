"""Reads of notifications: always the acting user's own; anyone else's is a 404."""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from hoiso.core.scoping import get_object_for_user
from hoiso.notifications.models import DeliveryPreference, Notification

ORDERS = ("unread", "newest")
BADGE_CAP = 100  # the badge shows "99+" beyond; counting stops there


def inbox(*, user, order: str = "unread") -> QuerySet[Notification]:
    """The user's notifications, unread first (then newest) or simply newest first."""
    qs = Notification.objects.visible_to(user).select_related("unit")
    if order == "newest":
        return qs.order_by("-created_at", "-id")
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return qs.order_by(unread.desc(), "-created_at", "-id")


def notification_get(*, user, pk) -> Notification:
    return get_object_for_user(Notification, user, pk=pk)


def unread_count(*, user, cap: int = BADGE_CAP) -> int:
    """How many of the user's notifications are unread, counted up to `cap` (one query on
    the partial index of unread rows)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True)[:cap].count()


def email_mode(*, user) -> str:
    preference = DeliveryPreference.objects.filter(user=user).first()
    return preference.email_mode if preference else DeliveryPreference.Mode.IMMEDIATE
