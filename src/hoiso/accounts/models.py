"""Users and the roles they hold at units."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hoiso.accounts.roles import ROLE_ACTIONS, RoleKind, roles_granting
from hoiso.core.scoping import minimal_paths
from hoiso.core.text import fold, normalize
from hoiso.org.models import UnitOwnedModel


class User(AbstractUser):
    """A person who signs in: an official, a leader or (later) a member."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    name_folded = models.CharField(max_length=150, blank=True, editable=False, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.full_name = normalize(self.full_name)
        self.name_folded = fold(f"{self.full_name} {self.username} {self.email}")
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def _active_roles(self) -> list["Role"]:
        # Cached on the instance: request.user lives for one request.
        if not hasattr(self, "_roles_cache"):
            self._roles_cache = list(Role.objects.filter(user=self, is_active=True))
        return self._roles_cache

    def scope_paths(self, action: str) -> list[str]:
        """Roots of the subtrees where this user may do `action` (core.scoping)."""
        wanted = set(roles_granting(action))
        return minimal_paths(r.unit_path for r in self._active_roles() if r.role in wanted)

    def role_kinds(self) -> set[str]:
        return {r.role for r in self._active_roles()}

    def can_anywhere(self, action: str) -> bool:
        return self.is_superuser or any(
            action in ROLE_ACTIONS[r.role] for r in self._active_roles()
        )


class Role(UnitOwnedModel):
    """A role held by a user at a unit; it grants its actions over the unit's subtree."""

    # A merged unit's accounts go on working at the unit that absorbed it.
    FOLLOWS_UNIT_ON_MERGE = True

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["unit_path"])

    class Meta(UnitOwnedModel.Meta):
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
