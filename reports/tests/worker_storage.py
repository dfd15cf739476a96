"""The private storage a `celery worker` subprocess writes to, for tests that read its files."""

import contextlib
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


@contextlib.contextmanager
def worker_storage():
    """The worker's private storage (its environment's, not the test's temporary one).

    Yields a storage on that folder; files and folders made meanwhile are removed afterwards.
    """
    root = Path(os.environ.get("PRIVATE_STORAGE_ROOT", settings.BASE_DIR / "private"))
    before = set(root.rglob("*")) if root.exists() else set()
    try:
        yield FileSystemStorage(location=root)
    finally:
        made = sorted(set(root.rglob("*")) - before, key=lambda p: len(p.parts), reverse=True)
        for path in made:
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink()
