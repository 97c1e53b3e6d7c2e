"""The baseline's WSGI application: Django's, nothing loaded ahead (gunicorn -c config/gunicorn.py bench.baseline.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.baseline.settings")

application = get_wsgi_application()
