#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Management commands may run with the development key when SECRET_KEY is unset (migrations,
    # checks, data loading sign nothing); the web application (config/wsgi.py) still refuses to start.
    os.environ.setdefault("FRIENDLYGOV_ALLOW_INSECURE_KEY", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
