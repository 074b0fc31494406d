"""The `vadesk` command: Django's management commands plus the practice's own."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    argv = sys.argv[:]
    if len(argv) == 1:
        argv.append("help")
    if argv[1] == "run":
        # The demo on this machine runs in debug unless told otherwise; every other start runs with debug off.
        os.environ.setdefault("VADESK_DEBUG", "true")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
