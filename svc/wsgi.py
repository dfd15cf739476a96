import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "svc.settings.base")

application = get_wsgi_application()

# Refuse to serve with seal keys that do not open what the database was sealed with.
from evaluations.services.canary import seal_canary_verify  # noqa: E402

seal_canary_verify()
