"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`. Values come from the environment."""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "2"))
# The app (Django, jieba's dictionary, the OpenCC tables) loads once in the master and is shared by forks.
preload_app = True
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
