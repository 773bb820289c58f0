"""The vocabulary of what a user may do. Roles (accounts.roles) grant sets of these actions
at a unit, and the grant reaches the unit's whole subtree."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEW = "view", _("See the unit and its figures")
    VIEW_PERSONAL = "view_personal", _("See members' personal data")
    VIEW_SENSITIVE = "view_sensitive", _("See members' ethnicity and religion")
    MANAGE_MEMBERS = "manage_members", _("Admit, edit and transfer members")
    MANAGE_UNITS = "manage_units", _("Edit units, officials and population")
    RESTRUCTURE = "restructure", _("Restructure units")
    MANAGE_USERS = "manage_users", _("Manage user accounts")
    VIEW_AUDIT = "view_audit", _("Read the audit log")
    MANAGE_REPORTING = "manage_reporting", _("Define indicators and reporting periods")
    MANAGE_CONTESTS = "manage_contests", _("Organise contests and publish their results")
    MANAGE_CREDIT = "manage_credit", _("Run savings groups, savings and loans")
    APPROVE_CREDIT = "approve_credit", _("Approve loans, reverse entries and close credit periods")
    COLLECT_CREDIT = "collect_credit", _("Enter a savings group's meeting collections")
    MANAGE_STUDIES = "manage_studies", _("Issue study materials and follow their completion")
