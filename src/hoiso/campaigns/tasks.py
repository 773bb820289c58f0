"""Background work of campaigns."""

from django_tasks import task

from hoiso.campaigns.services import snapshot_all


@task()
def campaigns_snapshot() -> int:
    """Today's snapshot of every running campaign (the same as `manage.py campaigns_snapshot`)."""
    return sum(snapshot_all().values())


@task()
def campaign_snapshot(campaign_id: int) -> int:
    """Today's snapshot of one campaign (queued when it starts, so its computed progress
    shows at once rather than after the next daily run)."""
    from hoiso.campaigns.models import Campaign
    from hoiso.campaigns.services import snapshot_take

    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.RUNNING).first()
    return snapshot_take(campaign=campaign) if campaign else 0
