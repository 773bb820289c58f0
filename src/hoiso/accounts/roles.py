"""Roles and the actions each grants. A role is held at a unit and reaches its subtree.

Room for later roles (judge, credit officer) is here: a new role is one more entry.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hoiso.core.permissions import Action


class RoleKind(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    BRANCH_LEADER = "branch_leader", _("Branch leader")
    GROUP_LEADER = "group_leader", _("Group leader")
    VIEWER = "viewer", _("Viewer")
    JUDGE = "judge", _("Judge")
    CREDIT_OFFICER = "credit_officer", _("Credit officer")


ROLE_ACTIONS: dict[str, frozenset[str]] = {
    RoleKind.PROVINCE_ADMIN: frozenset(Action.values),
    RoleKind.COMMUNE_OFFICER: frozenset(
        {
            Action.VIEW,
            Action.VIEW_PERSONAL,
            Action.VIEW_SENSITIVE,
            Action.MANAGE_MEMBERS,
            Action.MANAGE_UNITS,
            Action.RESTRUCTURE,
            Action.MANAGE_USERS,
            Action.VIEW_AUDIT,
            Action.MANAGE_REPORTING,  # indicators of her own commune's subtree
            Action.MANAGE_CONTESTS,  # contests organised by her commune
            Action.MANAGE_CREDIT,  # savings groups and loans of her commune
            Action.APPROVE_CREDIT,  # the checker of loans another official entered
            Action.COLLECT_CREDIT,
            Action.MANAGE_STUDIES,  # study materials issued by her commune
        }
    ),
    RoleKind.BRANCH_LEADER: frozenset(
        {
            Action.VIEW,
            Action.VIEW_PERSONAL,
            Action.MANAGE_MEMBERS,
            Action.MANAGE_UNITS,
            Action.COLLECT_CREDIT,
        }  # the meeting collections of savings groups of her branch
    ),
    RoleKind.GROUP_LEADER: frozenset({Action.VIEW, Action.VIEW_PERSONAL, Action.MANAGE_MEMBERS}),
    RoleKind.VIEWER: frozenset({Action.VIEW}),
    RoleKind.JUDGE: frozenset({Action.VIEW}),
    RoleKind.CREDIT_OFFICER: frozenset(
        {
            Action.VIEW,
            Action.VIEW_PERSONAL,
            Action.MANAGE_CREDIT,
            Action.APPROVE_CREDIT,
            Action.COLLECT_CREDIT,
        }
    ),
}


def roles_granting(action: str) -> list[str]:
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]


def sees_personal_data(role: str) -> bool:
    return Action.VIEW_PERSONAL in ROLE_ACTIONS.get(role, frozenset())


# Rank among roles that may grant the same actions: a commune officer holds every action a
# province administrator holds (over a smaller subtree), yet must not create one.
ROLE_RANK: dict[str, int] = {
    RoleKind.PROVINCE_ADMIN: 50,
    RoleKind.COMMUNE_OFFICER: 40,
    RoleKind.BRANCH_LEADER: 30,
    RoleKind.CREDIT_OFFICER: 20,
    RoleKind.GROUP_LEADER: 20,
    RoleKind.JUDGE: 10,
    RoleKind.VIEWER: 10,
}


def grantable_roles(granter_roles: set[str]) -> list[str]:
    """Roles a user may hand out: none with rights she lacks, none ranked above her."""
    if not granter_roles:
        return []
    granted = frozenset().union(*(ROLE_ACTIONS[r] for r in granter_roles))
    rank = max(ROLE_RANK[r] for r in granter_roles)
    return [r for r, actions in ROLE_ACTIONS.items() if actions <= granted and ROLE_RANK[r] <= rank]
