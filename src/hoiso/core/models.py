"""Core records shared by every app: the audit log and the progress of background tasks."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoiso.core.scoping import ScopedQuerySet, path_q, scope_paths


class AuditEntry(models.Model):
    """One thing a service did: who, what, to which object, in which unit, when and from where.

    Written only by services (core.audit.record), never edited. `unit_path` is rewritten by
    restructuring like every stored path, so the log follows the unit to its new superiors.
    """

    SCOPE_PATH_FIELD = "unit_path"

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    unit_path = models.CharField(_("unit path"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["unit_path"], name="core_audit_path_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"


class TaskProgressQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """A task's progress is its owner's; an official who sees the unit sees it too."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        paths = scope_paths(user, action)
        if paths is None:
            return self
        return self.filter(
            models.Q(owner=user) | (path_q("unit_path", paths) if paths else models.Q(pk__in=[]))
        )


class TaskProgress(models.Model):
    """What a background task reports as it runs: percent, message, result or errors.

    The Tasks API has no progress of its own; every import, export and roll-up creates
    one of these, updates it from the task, and the page polls it (core/partials/progress.html).
    """

    SCOPE_PATH_FIELD = "unit_path"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=255)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_path = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    percent = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
