from .models import AuditEvent


def subject_of(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def audit(*, action: str, subject, actor=None, data: dict | None = None) -> AuditEvent:
    """Write an audit row; call inside the transaction that makes the change."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        subject=subject if isinstance(subject, str) else subject_of(subject),
        actor=actor,
        data=data or {},
    )
