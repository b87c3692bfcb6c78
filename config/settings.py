"""Réglages du portail, tous lus dans l'environnement (voir `.env.example`).

Sans aucune variable, le portail tourne sur un fichier SQLite et exécute les
tâches Celery dans le processus : c'est ce que fait `make run`.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "La variable SECRET_KEY est obligatoire quand DEBUG est désactivé."
        )
    SECRET_KEY = "cle-de-developpement-non-secrete"  # noqa: S105 (DEBUG seulement)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    "dsfr",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Les couches du portail, de la plus basse à la plus haute (voir docs/architecture.md).
    "socle",
    "territoires",
    "comptes",
    "projets",
    "fonds",
    "programmation",
    "documents",
    "echanges",
    "pilotage",
    "portail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "socle.securite.PolitiqueDeContenuMiddleware",
    "socle.securite.RefusCaractereNulMiddleware",
    "socle.securite.IntrouvableEnJsonMiddleware",
    "comptes.audit.IdentifiantDeRequete",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "comptes.context_processors.portail",
                "pilotage.context_processors.donnees_demo",
                "portail.menu.menu",
                "echanges.context_processors.notifications",
            ],
            "builtins": ["socle.format_fr", "socle.formulaires"],
        },
    },
]

# Listes déroulantes rendues sans gabarit par option (voir socle/rendu.py).
FORM_RENDERER = "socle.rendu.RenduRapide"

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connexions gardées d'une requête à l'autre : ouvrir une connexion PostgreSQL (un processus
# serveur, son cache du catalogue) coûtait plus que la page elle-même. Vérifiée avant reprise.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Attente d'un verrou plutôt qu'une erreur « database is locked ».
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # L'index couvrant des totaux (`include=`) ne sert qu'à PostgreSQL ; SQLite (démo, `make
    # run`) crée un index simple à la place : l'avertissement W040 ne dit rien d'utile ici.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Mot de passe pour la page de connexion ; ProConnect (facultatif) ne reconnaît que des comptes
# existants (comptes/oidc.py). Le mot de passe, derrière la garde (comptes/securite.py), est
# essayé le premier.
AUTHENTICATION_BACKENDS = [
    "comptes.securite.BackendMotDePasse",
    "comptes.oidc.BackendProConnect",
]

LOGIN_URL = "comptes:connexion"
LOGIN_REDIRECT_URL = "echanges:mon_espace"  # ce qui attend l'agent
LOGOUT_REDIRECT_URL = "accueil"

# Langue, fuseau et formats français (séparateur de milliers, virgule décimale).
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Fichiers statiques servis par whitenoise (gunicorn seul suffit) après `collectstatic`.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Fichiers reçus et produits par les travaux de fond (imports, exports) : jamais servis à
# une adresse publique, téléchargés par une page qui vérifie le droit.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))


# --- Documents des projets ------------------------------------------------------------------
# Fichiers joints aux projets et lettres produites : un dossier local (MEDIA_ROOT/documents)
# par défaut, un stockage compatible S3 quand STOCKAGE_S3_BUCKET (ou AWS_STORAGE_BUCKET_NAME)
# est donné. Jamais d'adresse publique : téléchargés par une vue qui vérifie le droit.
def stockage_des_documents() -> dict:
    def lire(nom: str, nom_aws: str) -> str:
        return env.str(nom, default="") or env.str(nom_aws, default="")

    seau = lire("STOCKAGE_S3_BUCKET", "AWS_STORAGE_BUCKET_NAME")
    if not seau:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": seau,
            "endpoint_url": lire("STOCKAGE_S3_ENDPOINT", "AWS_S3_ENDPOINT_URL") or None,
            "access_key": lire("STOCKAGE_S3_CLE", "AWS_ACCESS_KEY_ID") or None,
            "secret_key": lire("STOCKAGE_S3_SECRET", "AWS_SECRET_ACCESS_KEY") or None,
            "region_name": lire("STOCKAGE_S3_REGION", "AWS_S3_REGION_NAME") or None,
            # Objets privés, jamais écrasés ; une adresse signée ne vit qu'une minute.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }


STORAGES["documents"] = stockage_des_documents()
DOCUMENTS_TAILLE_MAX = env.int("DOCUMENTS_TAILLE_MAX", default=20 * 1024 * 1024)
# Antivirus ClamAV (démon clamd, commande INSTREAM) : tcp://hôte:3310 ou unix:///chemin.sock.
# Sans lui, les documents ne sont pas analysés (la page le dit).
CLAMD_URL = env.str("CLAMD_URL", default="")
CLAMD_DELAI_SECONDES = env.int("CLAMD_DELAI_SECONDES", default=60)
# --- fin du bloc des documents --------------------------------------------------------------

# Cache partagé (compteurs de connexion, bannière) : Redis en production.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Le corps d'un tableau de bord est gardé en cache tant que ses chiffres n'ont pas changé,
# au plus ce nombre de secondes (0 : construit à chaque requête).
TABLEAU_DE_BORD_CACHE_S = env.int("TABLEAU_DE_BORD_CACHE_S", default=60)

# --- Sécurité -------------------------------------------------------------------------------
# Derrière un proxy TLS, HTTPS=true active la redirection, HSTS et les cookies sécurisés.
HTTPS = env.bool("HTTPS", default=False)
if env.bool("DERRIERE_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
# Lu par la documentation de l'API (Swagger UI) pour ses appels en session.
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "socle.vues.formulaire_expire"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Une session d'agent dure une journée de travail et se ferme avec le navigateur.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Corps de requête et fichiers envoyés : au-delà, refus (les imports de tableurs font < 5 Mo).
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# Verrouillage après des échecs de connexion répétés (comptes/securite.py) : par compte, et
# par adresse du client avec un seuil bien plus haut.
CONNEXION_ECHECS_MAX = env.int("CONNEXION_ECHECS_MAX", default=5)
CONNEXION_ECHECS_MAX_ADRESSE = env.int("CONNEXION_ECHECS_MAX_ADRESSE", default=50)
CONNEXION_VERROU_MINUTES = env.int("CONNEXION_VERROU_MINUTES", default=15)
# Durée de validité d'un jeton d'API, en jours (comptes/jetons.py).
API_JETON_DUREE_JOURS = env.int("API_JETON_DUREE_JOURS", default=30)
# Nombre de proxys de confiance devant le portail (0 : aucun, l'adresse du client est
# REMOTE_ADDR ; 1 : un nginx qui ajoute l'adresse du client à X-Forwarded-For).
PROXIES_DE_CONFIANCE = env.int("PROXIES_DE_CONFIANCE", default=0)

# --- ProConnect (OpenID Connect), facultatif ----------------------------------------------
# Sans PROCONNECT_CLIENT_ID, la connexion ProConnect est désactivée : pas de bouton, adresses
# /comptes/proconnect/... en 404. Les adresses du fournisseur sont données une à une (aucune
# découverte automatique : le portail n'appelle que ces adresses). Voir docs/exploitation.md.
OIDC_RP_CLIENT_ID = env.str("PROCONNECT_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("PROCONNECT_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("PROCONNECT_URL_AUTORISATION", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("PROCONNECT_URL_JETON", default="")
OIDC_OP_USER_ENDPOINT = env.str("PROCONNECT_URL_USERINFO", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("PROCONNECT_URL_JWKS", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("PROCONNECT_URL_DECONNEXION", default="")
OIDC_RP_SCOPES = env.str("PROCONNECT_SCOPES", default="openid email given_name usual_name")
# id_token signé RS256, vérifié avec les clés publiées à PROCONNECT_URL_JWKS ; state et nonce.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_NONCE = True
# Jamais de création de compte : l'adresse doit être celle d'un compte existant avec un profil.
OIDC_CREATE_USER = False
# L'id_token est gardé en session pour la déconnexion chez ProConnect (id_token_hint).
OIDC_STORE_ID_TOKEN = True
OIDC_AUTHENTICATION_CALLBACK_URL = "comptes:proconnect_retour"
OIDC_TIMEOUT = env.int("PROCONNECT_DELAI_SECONDES", default=10)
# --- fin du bloc ProConnect -----------------------------------------------------------------

# API v1 (Django REST framework) et son schéma OpenAPI.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "comptes.jetons.AuthentificationJeton",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["comptes.api.permissions.AccesPortail"],
    "DEFAULT_PARSER_CLASSES": [
        "socle.limites.ParseurJSON",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "socle.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "socle.api.gestionnaire_erreurs",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "socle.limites.LimiteEcritures",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_LIMITE_ANONYME", default="30/minute"),
        "user": env.str("API_LIMITE_UTILISATEUR", default="1200/minute"),
        "ecriture": env.str("API_LIMITE_ECRITURES", default="300/minute"),
        "jeton": env.str("API_LIMITE_JETON", default="10/minute"),
    },
    # L'adresse du client pour les limites de débit : comme la garde de connexion.
    "NUM_PROXIES": PROXIES_DE_CONFIANCE,
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "API du portail Territoires d'industrie",
    "DESCRIPTION": (
        "Référentiel, projets, avis, enveloppes, engagements et totaux du programme "
        "Territoires d'industrie. Montants en euros sous forme de chaînes décimales."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Le contrat de l'API : des corps JSON (les formulaires restent lus, sans être documentés).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "socle.schema_api.regles_du_portail",
    ],
    "PARSER_WHITELIST": ["socle.limites.ParseurJSON", "rest_framework.parsers.JSONParser"],
    # Pas de lien dans les boutons de Swagger UI (RGAA : éléments interactifs imbriqués).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "ENUM_NAME_OVERRIDES": {
        "StatutProjetEnum": "projets.models.Statut",
        "SensAvisEnum": "projets.models.SensAvis",
    },
}

# Celery : sans courtier, les tâches s'exécutent immédiatement dans le processus.
_COURTIER = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not _COURTIER
# En mode immédiat, un transport en mémoire : aucune connexion n'est tentée.
CELERY_BROKER_URL = _COURTIER or "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
# Un message par worker à la fois, acquitté après exécution (voir pilotage/tasks.py).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_ACCEPT_CONTENT = ["json"]
# Redis : un message reçu mais non acquitté (worker tué en pleine tâche) revient dans la
# file après ce délai, en secondes (défaut de Celery : une heure). Il dépasse à peine la
# durée maximale d'une tâche (recalcul complet : 900 s), sinon une tâche longue serait
# relancée pendant qu'elle tourne encore. Les demandes de recalcul restées en attente, elles,
# sont reprises toutes les deux minutes par beat (`config/celery.py`).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=960),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- Courriels ---------------------------------------------------------------------------
# EMAIL_URL au format de django-environ : `smtp://utilisateur:motdepasse@hote:587`,
# `smtp+tls://…`, `smtp+ssl://…:465` ; absente, les courriels s'écrivent dans la console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Portail Territoires d'industrie <ne-pas-repondre@localhost>"
)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # secondes, par tentative d'envoi
# L'adresse publique du portail, pour les liens des courriels.
PORTAIL_URL = env.str("PORTAIL_URL", default="http://127.0.0.1:8000")

# Dossier des fichiers de référence chargés par `importer_referentiel`.
REFERENTIEL_DIR = BASE_DIR / "fixtures" / "referentiel"

PORTAIL_NOM = "Portail Territoires d'industrie"
