"""Settings of HộiSố, all read from the environment (see docs/deployment.md).

With nothing set, the embedded mode runs: SQLite in the project folder, a
development secret key, DEBUG off. `HOISO_PRODUCTION=true` refuses to start
without a real SECRET_KEY and ALLOWED_HOSTS.
"""

import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hoiso.config.env import env_bool, env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = SRC_DIR.parent.parent

PRODUCTION = env_bool("HOISO_PRODUCTION", False)
DEBUG = env_bool("DJANGO_DEBUG", False)
_DEV_SECRET = "dev-only-insecure-key-never-used-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])

if PRODUCTION:
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("HOISO_PRODUCTION needs DJANGO_SECRET_KEY of 40+ characters.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("HOISO_PRODUCTION needs DJANGO_ALLOWED_HOSTS.")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off when HOISO_PRODUCTION is on.")

INSTALLED_APPS = [
    "hoiso.core",
    "hoiso.org",
    "hoiso.accounts",
    "hoiso.members",
    "hoiso.reporting",
    "hoiso.documents",
    "hoiso.campaigns",
    "hoiso.credit",
    "hoiso.contests",
    "hoiso.studies",
    "hoiso.notifications",
    "hoiso.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "simple_history",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The quiz's submit, lean: serves a public attempt's common submit before the rest of the
    # chain (its 302 has no body for a content policy to govern) and hands anything else on
    # (hoiso/contests/fastpath.py).
    "hoiso.contests.fastpath.QuizSubmitMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "hoiso.core.middleware.RequestContextMiddleware",
    "hoiso.accounts.middleware.RequireTwoFactorMiddleware",
    "hoiso.org.middleware.CurrentUnitMiddleware",
    # Axes last: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hoiso.config.urls"
WSGI_APPLICATION = "hoiso.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hoiso.core.context_processors.shell",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the task worker read and write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Prepared statements (Django turns psycopg's off): Django's own cursors bind parameters
    # on the client and never prepare, so this serves only the psycopg cursors that ask for it
    # — the quiz's lean submit (hoiso/contests/fastpath.py), whose statements would otherwise
    # be planned again on every submit. No connection pooler stands between (deployment.md).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) are a PostgreSQL feature; on SQLite the same index is made
# without the extra columns, which is what we want there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if env_bool("HOISO_FAST_PASSWORD_HASHER", False) and not PRODUCTION
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "hoiso.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
MFA_ADAPTER = "hoiso.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "HộiSố"
MFA_TOTP_TOLERANCE = 1
# Encrypts authenticator secrets at rest (accounts.adapters.MFAAdapter); defaults to SECRET_KEY.
HOISO_SECRETS_KEY = env_str("HOISO_SECRETS_KEY", "")
# Roles whose holders see personal data must sign in with two factors (docs/decisions.md).
HOISO_MFA_REQUIRED = env_bool("HOISO_MFA_REQUIRED", True)

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# allauth hands axes its credentials without the user name; read it from the sign-in form.
AXES_USERNAME_CALLABLE = "hoiso.accounts.lockout.username_from_request"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_thirdparty"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Off: ids in links and forms must never read "12.351". Figures are grouped where shown
# with `intcomma`, which follows the language (259.940 in Vietnamese).
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["hoiso.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
WHITENOISE_USE_FINDERS = not PRODUCTION
# Outside production, files come from the finders; no collected folder is expected.
warnings.filterwarnings("ignore", message="No directory at")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("HOISO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Uploads: the largest file any form takes (population lists, later member lists).
HOISO_MAX_UPLOAD_BYTES = env_int("HOISO_MAX_UPLOAD_MB", 20) * 1024 * 1024
# Uploaded member lists and their error reports hold personal data: they are deleted this
# many days after the upload (`manage.py members_import_purge`, daily), the batch's counts kept.
HOISO_IMPORT_RETENTION_DAYS = env_int("HOISO_IMPORT_RETENTION_DAYS", 30)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "hoiso_cache",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

TASKS = {
    "default": {
        "BACKEND": env_str("HOISO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "HộiSố <khongtraloi@hoiso.local>")
# A worker must not hang on a mail server that does not answer (seconds).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# The site's name (subject prefix of every e-mail) and its public address: links in e-mails
# are absolute, starting with this (scheme and host, no trailing slash).
HOISO_SITE_NAME = env_str("HOISO_SITE_NAME", "HộiSố")
HOISO_SITE_URL = env_str("HOISO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not HOISO_SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("HOISO_SITE_URL must start with http:// or https://.")

# Security headers. HTTPS-only settings switch on in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("HOISO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Fonts for PDF documents (member cards): Noto Sans covers Vietnamese; Debian's fonts-noto-core.
HOISO_PDF_FONT_DIR = Path(env_str("HOISO_PDF_FONT_DIR", "/usr/share/fonts/truetype/noto"))

# Quiz contests (contests.ratelimit, contests.review): how many starts and submits one phone
# number and one IP address may make in a sliding window of seconds (an IP is often a school
# or an office behind one address: keep it generous), and what the review list calls an
# impossible pace and a crowded address.
HOISO_CONTEST_RATE_WINDOW = env_int("HOISO_CONTEST_RATE_WINDOW", 600)
HOISO_CONTEST_RATE_PER_PHONE = env_int("HOISO_CONTEST_RATE_PER_PHONE", 12)
HOISO_CONTEST_RATE_PER_IP = env_int("HOISO_CONTEST_RATE_PER_IP", 240)
HOISO_CONTEST_MIN_SECONDS_PER_QUESTION = env_int("HOISO_CONTEST_MIN_SECONDS_PER_QUESTION", 2)
HOISO_CONTEST_CROWDED_IP = env_int("HOISO_CONTEST_CROWDED_IP", 5)

# Steps of `manage.py demo`, in order; each later app appends its own builder.
HOISO_DEMO_BUILDERS = [
    "hoiso.org.demo.build",
    "hoiso.accounts.demo.build",
    "hoiso.members.demo.build",
    "hoiso.campaigns.demo.build",
    "hoiso.contests.demo.build",
    "hoiso.contests.entry_demo.build",
    "hoiso.credit.demo.build",
    "hoiso.studies.demo.build",
]

# Called with restructuring=… inside the transaction of every restructuring, after its
# operations: apps that keep figures per unit recount what moved (members' summary table).
HOISO_AFTER_RESTRUCTURING = [
    "hoiso.members.tally.after_restructuring",
]
