"""Celery tasks of the privacy app: thin wrappers that take ids and call a service."""

from core.outbox import outbox_task

from .extract import services


@outbox_task(name=services.RENDER_TASK, acks_late=True, soft_time_limit=120, time_limit=180)
def render_register_extract(*, extract_id: int) -> dict:
    row = services.register_extract_render(extract_id=extract_id)
    return {"extract_id": extract_id, "status": row.status if row else "gone"}
