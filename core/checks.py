"""System checks of the deployment that are not errors in every setting."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.files, deploy=True)
def private_storage_check(app_configs=None, **kwargs):
    """Say where private files live: a local folder serves one machine only."""
    private = settings.STORAGES.get("private", {})
    if private.get("BACKEND") != "django.core.files.storage.FileSystemStorage":
        return []
    location = private.get("OPTIONS", {}).get("location", "")
    return [
        checks.Info(
            f"Private files (status report PDFs, import uploads) are kept in the local "
            f"folder {location}.",
            hint=(
                "Right for one machine running the web process and the worker. With more "
                "than one web node, or a worker on another machine, set S3_BUCKET (and "
                "S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION_NAME)."
            ),
            id="svc.I001",
        )
    ]
