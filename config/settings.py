"""Settings for the replies archive, read from the environment.

Development defaults are safe: DEBUG is off unless asked for, and without DEBUG the
project refuses to start unless SECRET_KEY is a real secret.
"""
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string "
            "(`make run` makes one in var/secret_key), or DEBUG=1 for development."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("SECRET_KEY is too weak for DEBUG=0: use at least 32 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "csp",
    # Before haystack, so that search's rebuild_index (build aside, then swap) replaces haystack's.
    "search",
    "haystack",
    "replies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/replies_archive"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# collectstatic's manifest (staticfiles.json) is kept beside STATIC_ROOT, not in it: WhiteNoise (or a proxy)
# serves everything in STATIC_ROOT, and the manifest is no file for the public.
STATIC_MANIFEST_ROOT = STATIC_ROOT.with_name(f"{STATIC_ROOT.name}-manifest")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names in production; tests serve the plain files through the finders.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "OPTIONS": {"manifest_storage": FileSystemStorage(location=STATIC_MANIFEST_ROOT)},
    }
    if env_bool("STATIC_MANIFEST", True)
    else {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# The search engine (search/backends/): "whoosh", embedded, its index in SEARCH_INDEX_DIR; or "opensearch", a
# cluster whose nodes OPENSEARCH_URL names (comma-separated), the index behind the alias OPENSEARCH_INDEX.
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "whoosh").strip().lower()
if SEARCH_BACKEND not in ("whoosh", "opensearch"):
    raise ImproperlyConfigured(f"SEARCH_BACKEND must be whoosh or opensearch; got {SEARCH_BACKEND!r}")
OPENSEARCH_URL = env_list("OPENSEARCH_URL", ["http://127.0.0.1:9200"])
OPENSEARCH_INDEX = env_str("OPENSEARCH_INDEX", "replies")
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR", str(VAR_DIR / "index")))
# haystack keeps the index definition (search/search_indexes.py) and, for Whoosh, the backend's connection.
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "search.backends.whoosh.engine.JiebaWhooshEngine",
        "PATH": str(SEARCH_INDEX_DIR),
    }
}
# Index updates are made explicitly by the reply services after commit, never by signals.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
# Seconds the index writer waits for Whoosh's lock before the update is left queued for a retry.
SEARCH_INDEX_LOCK_TIMEOUT = env_int("SEARCH_INDEX_LOCK_TIMEOUT", 60)
# Processes that analyse and write a full rebuild, each its own segment (default: one per core).
SEARCH_REBUILD_PROCESSES = env_int("SEARCH_REBUILD_PROCESSES", os.cpu_count() or 1)
JIEBA_CACHE_DIR = Path(env_str("JIEBA_CACHE_DIR", str(VAR_DIR / "cache")))

MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# External programs for scans and legacy Word/WPS files; when missing, such files are stored
# flagged "needs_ocr" / "needs_conversion" instead of being read (see docs/ingestion.md).
TESSERACT_COMMAND = env_str("TESSERACT_COMMAND", "tesseract")
LIBREOFFICE_COMMAND = env_str("LIBREOFFICE_COMMAND", "soffice")
# A .zip upload is expanded into its files; these limits refuse archive bombs.
MAX_ARCHIVE_MEMBERS = env_int("MAX_ARCHIVE_MEMBERS", 1000)
MAX_ARCHIVE_EXPANDED_BYTES = env_int("MAX_ARCHIVE_EXPANDED_BYTES", 500 * 1024 * 1024)
MAX_ARCHIVE_COMPRESSION_RATIO = env_int("MAX_ARCHIVE_COMPRESSION_RATIO", 100)
# Originals of deleted replies stay recoverable this long before `purge_trash` removes them.
TRASH_RETENTION_DAYS = env_int("TRASH_RETENTION_DAYS", 30)
# A .zip uploaded in the admin is ingested in pieces of about this many seconds, one per request, well within
# WEB_TIMEOUT; the progress page asks for the next piece until the batch is done.
UPLOAD_BATCH_SECONDS = env_int("UPLOAD_BATCH_SECONDS", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_PAGINATION_CLASS": "replies.api.pagination.ReplyPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "replies.api.exceptions.chinese_exception_handler",
}

LOGIN_URL = "admin:login"
# Where a sign-in lands when its ?next= is missing or refused (another host, say): the admin, the only sign-in.
LOGIN_REDIRECT_URL = "admin:index"

# Production behind HTTPS: secure cookies, HSTS and redirects (see docs/deploy.md).
# Whether the public sees the commitments (承诺) of published replies, read-only: on the replies' pages, the
# 承诺跟踪 page, its feed and export. Staff always see them. Off unless the archive's owner decides otherwise.
PUBLIC_COMMITMENTS = env_bool("PUBLIC_COMMITMENTS", False)
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy: every script, style, font and image comes from this site (no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The Django admin sets a few style attributes inline.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Rate limits per client address, shared by all workers through the database cache. Generous
# enough that a person reading never meets them; RATELIMIT_ENABLE=0 turns them off for load tests.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_VIEW = "config.middleware.rate_limited"
RATELIMIT_SEARCH = env_str("RATELIMIT_SEARCH", "120/m")
RATELIMIT_API = env_str("RATELIMIT_API", "300/m")
RATELIMIT_LOGIN = env_str("RATELIMIT_LOGIN", "10/m")
# Behind a reverse proxy the client address is the one the proxy appended to X-Forwarded-For.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
RATELIMIT_IP_META_KEY = "config.middleware.client_address" if BEHIND_PROXY else None
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "archive_cache"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # pdfminer warns about every oddity of a damaged PDF; a refusal already says what went wrong.
    # opensearch-py logs every request at INFO; failures still show as warnings.
    "loggers": {"jieba": {"level": "WARNING"}, "pdfminer": {"level": "ERROR"}, "opensearch": {"level": "WARNING"}},
}
