#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that read the code only: they neither serve nor sign anything, so they need no SECRET_KEY
# (a throwaway one is used). Everything else still refuses to start without it outside debug.
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate", "makemessages", "compilemessages"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
    if len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS:
        os.environ["RELAIS_KEYLESS_COMMAND"] = "1"
    from django.core.exceptions import ImproperlyConfigured

    try:
        # Load the settings first: Django's command runner would swallow a configuration error
        # here and fail later with an unrelated "Models aren't loaded yet".
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as error:
        sys.exit(f"Relais cannot start: {error}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
