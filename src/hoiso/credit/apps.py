from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "hoiso.credit"
    label = "credit"
    verbose_name = _("Savings and credit")

    def ready(self) -> None:
        from hoiso.core import audit, navigation
        from hoiso.core.permissions import Action
        from hoiso.credit import indicators  # noqa: F401  (registers the credit figures)

        # Every credit role holds COLLECT_CREDIT (branch leaders only that): the start page
        # leads each to her groups, the makers and checkers to the rest.
        navigation.register(
            navigation.NavItem(
                _("Savings and credit"), "credit:home", "piggy-bank", Action.COLLECT_CREDIT, 62
            )
        )

        audit.register_labels(
            groups={"credit": _("Savings and credit")},
            actions={
                "credit.group_create": _("Created a savings group"),
                "credit.group_update": _("Changed a savings group"),
                "credit.group_leader": _("Set a savings group's leader"),
                "credit.member_add": _("Added a member to a savings group"),
                "credit.member_remove": _("Removed a member from a savings group"),
                "credit.savings_open": _("Opened a savings account"),
                "credit.savings_close": _("Closed a savings account"),
                "credit.deposit": _("Took a savings deposit"),
                "credit.withdraw": _("Paid out savings"),
                "credit.loan_apply": _("Entered a loan application"),
                "credit.loan_approve": _("Approved a loan"),
                "credit.loan_reject": _("Rejected a loan application"),
                "credit.loan_disburse": _("Disbursed a loan"),
                "credit.loan_repay": _("Took a loan repayment"),
                "credit.loan_repay_early": _("Took an early repayment"),
                "credit.loan_reschedule": _("Rescheduled a loan"),
                "credit.loan_write_off": _("Wrote off a loan"),
                "credit.loan_close": _("Closed a loan"),
                "credit.entry_reverse": _("Reversed a journal entry"),
                "credit.period_close": _("Closed the books of a period"),
                "credit.collection_submit": _("Submitted a meeting's collections"),
                "credit.month_end": _("Ran the credit month-end"),
            },
        )
