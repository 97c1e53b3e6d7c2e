"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`. Values come from the environment."""
import os

from gunicorn.http import wsgi

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "2"))
# The app (Django, jieba's dictionary, the OpenCC tables) loads once in the master and is shared by forks.
preload_app = True
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"

# gunicorn 27 writes "Server: gunicorn" into every HTTP/1 response and has no setting to stop it (an app's own
# Server header would only be sent as a second one), so its default headers are filtered where they are made.
_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(response) -> list[str]:
    return [line for line in _default_headers(response) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
