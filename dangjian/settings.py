"""Settings for 社区党建.

Everything that differs between the demo and a deployment comes from the environment
(see docs/deploy.md). The defaults are safe for the demo: SQLite in ./var, DEBUG on only
when asked, and a development encryption key that refuses to run with DEBUG off.
"""

from pathlib import Path

import environ
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
DEBUG = env.bool("DEBUG", default=False)
DEMO_SECRET_KEY = "demo-only-secret-key-change-me-in-production-0123456789abcdef"
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
# 32 bytes, urlsafe base64. The demo key is public: a deployment must set its own.
DEMO_FIELD_ENCRYPTION_KEY = "ZGVtby1vbmx5LWtleS1jaGFuZ2UtbWUtaW4tcHJvZC0="
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default=DEMO_FIELD_ENCRYPTION_KEY)
# Key rotation (core/crypto.py, docs/deploy.md): when set, every readable key by id
# ("v1=<key>,v2=<key>"; FIELD_ENCRYPTION_KEY is then unused), and the id new ciphertexts use.
FIELD_ENCRYPTION_KEYS = env.dict("FIELD_ENCRYPTION_KEYS", default={})
FIELD_ENCRYPTION_CURRENT_KEY_ID = env.str("FIELD_ENCRYPTION_CURRENT_KEY_ID", default="v1")
# Backup archives (datasafety/sealed_stream.py): a separate secret, kept apart from the database.
BACKUP_ENCRYPTION_KEY = env.str("BACKUP_ENCRYPTION_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # unfold without its default site: the admin's site is core.admin_site's (a cheaper page shell)
    "unfold.apps.BasicAppConfig",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "dangjian.core.admin_site.BackOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "treebeard",
    "import_export",
    "simple_history",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "dangjian.core",
    "dangjian.organizations",
    "dangjian.accounts",
    "dangjian.members",
    "dangjian.concerns",
    "dangjian.dashboard",
    "dangjian.notices",
    "dangjian.portal",
    "dangjian.conference",
    "dangjian.school",
    "dangjian.coverage",
    "dangjian.orglife",
    "dangjian.dues",
    "dangjian.activities",
    "dangjian.evaluation",
    "dangjian.annual_report",
    "dangjian.datasafety",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "dangjian.core.csp.BackOfficePolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "dangjian.accounts.session_security.SessionSecurityMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dangjian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Persistent connections: CONN_MAX_AGE=0 costs ~8 ms a request (STACK_NOTES.md).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "dangjian.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "dangjian.accounts.passwords.PasswordHistoryValidator",
     "OPTIONS": {"count": env.int("PASSWORD_HISTORY", default=5)}},
]

# Content security policy (django-csp; dangjian/core/csp.py relaxes it for the admin theme only).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"],
        "img-src": ["'self'", "data:"], "font-src": ["'self'", "data:"], "connect-src": ["'self'"],
        "object-src": ["'none'"], "base-uri": ["'self'"], "form-action": ["'self'"], "frame-ancestors": ["'none'"],
    },
}

# Identity and sessions (issue 10; GB/T 22239-2019 8.1.4.1). REQUIRE_2FA: every back-office user
# signs in with a TOTP code (accounts/two_factor.py); SESSION_IDLE_MINUTES / SESSION_ABSOLUTE_HOURS:
# time-outs (accounts/session_security.py); PASSWORD_MAX_AGE_DAYS: periodic change (0 = off).
DANGJIAN_SECURITY = {
    "REQUIRE_2FA": env.bool("REQUIRE_2FA", default=True),
    "SESSION_IDLE_MINUTES": env.int("SESSION_IDLE_MINUTES", default=30),
    "SESSION_ABSOLUTE_HOURS": env.int("SESSION_ABSOLUTE_HOURS", default=12),
    "PASSWORD_MAX_AGE_DAYS": env.int("PASSWORD_MAX_AGE_DAYS", default=90),
}
OTP_TOTP_ISSUER = "社区党建"
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "/admin/"

# django-axes: lock an account+address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "dangjian" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In the demo (DEBUG off, no collectstatic run by hand) whitenoise serves straight from the apps.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
WHITENOISE_AUTOREFRESH = DEBUG

# Reverting from the history page would bypass the services' checks and audit.
SIMPLE_HISTORY_REVERT_DISABLED = True

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SESSION_COOKIE_HTTPONLY = True
# The cookie lives as long as a session may (the absolute lifetime); idleness is checked per request.
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_HOURS", default=12) * 3600
# HTTPS=true is the production setting (docs/deploy.md; `manage.py check --deploy` is clean with
# it): secure cookies, HSTS for a year, and a redirect of plain HTTP (SECURE_SSL_REDIRECT; where TLS
# ends at a proxy, set SECURE_PROXY_SSL_HEADER_FROM_PROXY=true so the proxy's header is trusted).
HTTPS = env.bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("SECURE_PROXY_SSL_HEADER_FROM_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Code-table driven thresholds (RULES.md): every number a rule uses is data, not a literal.
DANGJIAN_RULES = {
    # ORG-06: term lengths (years) by organization kind; remind 6 months before the end.
    "ORG_TERM_YEARS_COMMUNITY": 5,
    "ORG_TERM_YEARS_BRANCH": 3,
    "ORG_TERM_YEARS_COMMITTEE": 5,
    "ORG_TERM_REMIND_MONTHS": 6,
    # ORG-03: a branch generally has no more than 50 members; ORG-04: 7+ full members → committee.
    "BRANCH_MAX_MEMBERS": 50,
    "BRANCH_COMMITTEE_FROM_FULL_MEMBERS": 7,
    # MEM-01: probation may be extended once, by at most 12 months.
    "PROBATION_MAX_EXTENSION_MONTHS": 12,
    # MEM-03: lost contact 6+ months → consider suspension; 2 more years → consider removal.
    "LOST_CONTACT_REMOVAL_YEARS": 2,
    # MEM-02/MEM-03/MEM-04: months without contact before a warning and a finding.
    "LOST_CONTACT_FINDING_MONTHS": 6,
    "FLOATING_NO_CONTACT_MONTHS": 6,
    # MEM-06: default validity of an introduction letter, in days.
    "TRANSFER_LETTER_VALID_DAYS": 90,
    # MEM-07: 光荣在党50年.
    "HONOUR_STANDING_YEARS": 50,
    # MEM-08 (local practice, configurable): months between care visits per group.
    "CARE_VISIT_MONTHS": {"retired": 6, "laid_off": 6, "difficulty": 3, "floating": 3},
    # CON-01 (local practice, configurable; RULES.md sets no national figure): days to resolve a
    # residents' concern, by category, counted from intake (and again from a reopening).
    "CONCERN_DEADLINE_DAYS": {"employment": 15, "medical": 7, "migrants": 15, "elderly": 10, "security": 5,
                              "environment": 10, "other": 15},
    # CON-02 (local practice): a concern not assigned within this many days is flagged.
    "CONCERN_ASSIGN_WITHIN_DAYS": 2,
    # DUES-07: back-payment generally at most 6 months (C); prepayment is not in the national
    # text, many localities cap it at 3 months (L). Counted from the month the payment is made.
    "DUES_BACK_PAY_MAX_MONTHS": 6,
    "DUES_PREPAY_MAX_MONTHS": 3,
    # DUES-10 / MEM-02: consecutive months unpaid without reason: warn at 3, finding at 6.
    "DUES_ARREARS_WARN_MONTHS": 3,
    "DUES_ARREARS_FINDING_MONTHS": 6,
    # DUES-08: a single voluntary payment of this much or more goes entirely to the Centre.
    "DUES_TO_CENTRE_FROM": "1000",
    # Rounding of the computed monthly amount: the regulation is silent; local practice is to the
    # fen, half up (L).
    "DUES_ROUNDING": "0.01",
    # SVC-03 (seed §2, local practice): plenary meetings and research sessions a year when the
    # conference's charter does not set them (the charter's own figures win).
    "CONFERENCE_PLENARY_PER_YEAR": 2,
    "CONFERENCE_RESEARCH_PER_YEAR": 4,
    # CONF-02 (local practice, not in RULES.md): a seat attending fewer than this share (%) of the
    # year's meetings is flagged.
    "CONFERENCE_ATTENDANCE_MIN_RATE": 75,
    # CONF-03 reminders (local practice): tasks due within this many days are "due soon".
    "CONFERENCE_TASK_DUE_SOON_DAYS": 14,
    # Joint-conference attachments (documents, progress reports): size cap in MB.
    "CONFERENCE_ATTACHMENT_MAX_MB": 10,
    # EDU-01: members study at least 32 hours a year (全国党员教育培训工作规划): the default
    # target of a party school's education plan; a plan may set more.
    "SCHOOL_MEMBER_TARGET_HOURS": 32,
    # EDU-02: secretaries of basic party organizations study at least 56 hours a year (same plan);
    # checked pro rata through the year against the school attendance of the recorded secretary.
    "SECRETARY_TRAINING_HOURS": 56,
    # EDU-03: new members are trained once during probation and once within a year of becoming
    # full; warn when a probationary member is this many months in without a class (local practice).
    "NEW_MEMBER_TRAINING_WARN_MONTHS": 6,
    "NEW_MEMBER_TRAINING_AFTER_FULL_MONTHS": 12,
    # SCH-01 (local practice serving EDU-01, not in RULES.md): days after a planned class's month
    # ends before it is flagged as not held.
    "SCHOOL_PLANNED_CLASS_GRACE_DAYS": 0,
    # SCH-02 (local practice serving EDU-01 and the seed's 一个阵地, not in RULES.md): a teacher on
    # the books this long with no class held in as many days is flagged.
    "SCHOOL_TEACHER_IDLE_DAYS": 365,
    # COV-01: a non-public enterprise or social organization with this many full members forms its own organization.
    "COVERAGE_OWN_ORGANIZATION_FROM": 3,
    # COV-04 (local practice, set by the street): months between an instructor's visits to a unit.
    "INSTRUCTOR_VISIT_EVERY_MONTHS": 3,
    # SVC-01 (local practice): confirmed service hours a reported in-service member gives a year.
    "SERVICE_HOURS_PER_YEAR": 20,
    # LIFE-01…07 (支部工作条例 Arts. 11–19): how often a branch holds each kind of meeting —
    # "month", "quarter" or "year". LIFE-04 (party lecture) has no national figure: quarterly is
    # local practice, configurable. The rules look back over the last 12 months of whole periods.
    "ORGLIFE_FREQUENCIES": {"members_meeting": "quarter", "committee_meeting": "month", "group_meeting": "month",
                            "party_lecture": "quarter", "theme_day": "month", "life_meeting": "year",
                            "democratic_review": "year"},
}

# Attachments to organizational-life records (minutes scans, sign-in sheets, photos).
ORGLIFE_ATTACHMENTS = {
    "max_bytes": 10 * 1024 * 1024,
    "types": {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
              ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
}

# QR check-in (core/checkin.py) for classes and activities: a code is accepted from this long
# before the start to this long after the end, and is dead otherwise.
DANGJIAN_CHECKIN = {"opens_before_minutes": 30, "closes_after_minutes": 30}

# The public concern pages and endpoints (no login): per source address, at most ``count``
# attempts in ``seconds``. Filing counts each concern filed; lookups count every code tried
# (tracking and rating), found or not, so a code cannot be guessed by trying many.
# The counters live in Django's cache: with several app servers set a shared CACHES backend.
CONCERN_RATE_LIMITS = {
    "file": {"count": env.int("CONCERN_FILE_LIMIT", default=5), "seconds": 3600},
    "lookup": {"count": env.int("CONCERN_LOOKUP_LIMIT", default=20), "seconds": 600},
}

# Local memory by default; several app servers need a shared cache, e.g. CACHE_URL=dbcache://django_cache
# (then ``manage.py createcachetable``) or redis://… (docs/deploy.md).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# The member portal (/m/ and /api/v1/portal/). Failed attempts are counted in the cache above.
PORTAL = {
    "ACTIVATION_CODE_VALID_DAYS": env.int("PORTAL_ACTIVATION_CODE_VALID_DAYS", default=30),
    # Failed activations or sign-ins allowed per phone number and per address in the window.
    "ATTEMPTS_PER_PHONE": env.int("PORTAL_ATTEMPTS_PER_PHONE", default=5),
    "ATTEMPTS_PER_IP": env.int("PORTAL_ATTEMPTS_PER_IP", default=30),
    "ATTEMPT_WINDOW_SECONDS": env.int("PORTAL_ATTEMPT_WINDOW_SECONDS", default=15 * 60),
    # Codes issued at once (a whole import batch is usually a few hundred members).
    "MAX_CODES_PER_ISSUE": 2000,
    # Bearer tokens the mini-program receives at sign-in.
    "TOKEN_VALID_DAYS": env.int("PORTAL_TOKEN_VALID_DAYS", default=30),
}

UNFOLD = {
    "SITE_TITLE": _("社区党建"),
    "SITE_HEADER": _("社区党建"),
    "SITE_SUBHEADER": _("社区党建工作平台"),
    "SITE_URL": "/",
    "SITE_SYMBOL": "flag",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_LANGUAGES": True,
    "DASHBOARD_CALLBACK": "dangjian.dashboard.views.admin_index_context",
    "STYLES": [lambda request: static("dangjian/admin.css")],
    "SCRIPTS": [lambda request: static("dangjian/behaviours.js")],
    "COLORS": {
        # The conventional party-building red, as an OKLCH scale.
        "primary": {
            "50": "oklch(97.1% .013 17.38)",
            "100": "oklch(93.6% .032 17.717)",
            "200": "oklch(88.5% .062 18.334)",
            "300": "oklch(80.8% .114 19.571)",
            "400": "oklch(70.4% .191 22.216)",
            "500": "oklch(63.7% .237 25.331)",
            "600": "oklch(57.7% .245 27.325)",
            "700": "oklch(50.5% .213 27.518)",
            "800": "oklch(44.4% .177 26.899)",
            "900": "oklch(39.6% .141 25.723)",
            "950": "oklch(25.8% .092 26.042)",
        },
    },
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": False,
        "navigation": "dangjian.dashboard.navigation.sidebar_navigation",
    },
}

# The dashboard's rollup (dashboard/rollup.py): figures of the city, its districts and streets
# (area depth ≤ DEPTH) are computed by a background job (cron: `manage.py refresh_dashboard
# --enqueue` nightly) and read from the table while younger than MAX_AGE_HOURS; older, or deeper
# areas, are computed live. The page says how fresh its figures are.
# Roster import (members/import_check.py): a file of PARALLEL_FROM_ROWS rows or more is checked
# in PROCESSES processes at once (at most one per core; forked from the task worker). 1 = never.
DANGJIAN_IMPORT = {
    "PROCESSES": env.int("IMPORT_PROCESSES", default=2),
    "PARALLEL_FROM_ROWS": env.int("IMPORT_PARALLEL_FROM_ROWS", default=5000),
}
DANGJIAN_DASHBOARD_ROLLUP = {
    "DEPTH": env.int("DASHBOARD_ROLLUP_DEPTH", default=3),
    "MAX_AGE_HOURS": env.int("DASHBOARD_ROLLUP_MAX_AGE_HOURS", default=26),
}
