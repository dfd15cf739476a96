"""Bring stored rows to planned values, writing only what differs (the demo is idempotent)."""

from collections.abc import Iterable

from django.db import models

from .specs import BATCH_SIZE


class SyncWriter:
    """Counts the rows it wrote, so a second run of the demo can say it wrote none."""

    def __init__(self):
        self.written = 0

    def sync(
        self, queryset: models.QuerySet, *, key: tuple[str, ...], rows: Iterable[dict], prune=False
    ) -> dict[tuple, models.Model]:
        """Create missing rows, update differing ones; returns every planned row by key.

        Rows are dicts of attribute names (``department_id``, not ``department``).
        With ``prune``, rows of ``queryset`` that are not planned are deleted
        (used for link tables only).
        """
        model = queryset.model
        stored = {tuple(getattr(obj, k) for k in key): obj for obj in queryset}
        planned, new, changed, fields = {}, [], [], set()
        for row in rows:
            row_key = tuple(row[k] for k in key)
            obj = stored.get(row_key)
            if obj is None:
                obj = model(**row)
                new.append(obj)
            else:
                diff = [name for name, value in row.items() if getattr(obj, name) != value]
                for name in diff:
                    setattr(obj, name, row[name])
                if diff:
                    changed.append(obj)
                    fields.update(diff)
            planned[row_key] = obj
        model.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if changed:
            model.objects.bulk_update(changed, sorted(fields), batch_size=BATCH_SIZE)
        if prune:
            extra = [obj.pk for k, obj in stored.items() if k not in planned]
            self.written += model.objects.filter(pk__in=extra).delete()[0]
        self.written += len(new) + len(changed)
        if any(obj.pk is None for obj in new):  # the backend did not return the new ids
            stored = {tuple(getattr(obj, k) for k in key): obj for obj in queryset.all()}
            planned = {k: stored[k] for k in planned}
        return planned
