"""What every merge (publishers, topics) leaves in the admin's history."""

from django.contrib.admin.models import CHANGE, DELETION, LogEntry


def log_merge(user, survivor, others, describe=lambda obj: f"“{obj}”"):
    """One DELETION entry per merged object and one CHANGE entry on the survivor.

    ``describe`` names a merged object in the survivor's change message.
    """
    if user is None:
        return
    LogEntry.objects.log_actions(
        user.pk, others, DELETION, change_message=f"Merged into “{survivor}”"
    )
    LogEntry.objects.log_actions(
        user.pk,
        [survivor],
        CHANGE,
        change_message="Merged in " + ", ".join(describe(other) for other in others),
        single_object=True,
    )
