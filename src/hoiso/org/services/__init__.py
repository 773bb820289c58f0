"""All writes to the organisation: units, restructuring, officials, population.

Views, commands, tasks and the demo call these; each is atomic and writes the audit log.
"""

from hoiso.org.services.officials import official_appoint, official_end, official_update
from hoiso.org.services.population import population_import, population_set
from hoiso.org.services.restructuring import (
    MergePlan,
    Plan,
    SplitPart,
    plan_merge,
    plan_move,
    plan_rename,
    plan_revert,
    plan_split,
    restructuring_apply,
    restructuring_revert,
    unit_move,
    unit_rename,
    unit_split,
    units_merge,
)
from hoiso.org.services.units import OrgError, unit_create, unit_update

__all__ = [
    "MergePlan",
    "OrgError",
    "Plan",
    "SplitPart",
    "official_appoint",
    "official_end",
    "official_update",
    "plan_merge",
    "plan_move",
    "plan_rename",
    "plan_revert",
    "plan_split",
    "population_import",
    "population_set",
    "restructuring_apply",
    "restructuring_revert",
    "unit_create",
    "unit_move",
    "unit_rename",
    "unit_split",
    "unit_update",
    "units_merge",
]
