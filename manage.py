#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")
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
