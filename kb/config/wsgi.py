"""WSGI entry point, as gunicorn serves it: `gunicorn kb.config.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.config.settings")

application = get_wsgi_application()
