#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (lit les réglages : une variable manque-t-elle ?)
    except ImproperlyConfigured as exc:
        # Sans cela, Django mettrait l'erreur de côté et échouerait plus loin, sans la dire.
        sys.exit(f"Configuration incomplète : {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
