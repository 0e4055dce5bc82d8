"""Wipe class data from the command line (for whoever runs the server).

    python -m classroom purge --older-than-days 30   # sessions started over 30 days ago
    python -m classroom purge --all                  # every session
    python -m classroom where                        # which database is used
"""

from __future__ import annotations

import argparse
import sys

from classroom.config import database_url
from classroom.store import Classroom, create_classroom_engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classroom", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    purge = sub.add_parser("purge", help="delete class sessions with all their answers")
    which = purge.add_mutually_exclusive_group(required=True)
    which.add_argument("--older-than-days", type=float, metavar="DAYS")
    which.add_argument("--all", action="store_true")
    sub.add_parser("where", help="print the database URL in use (password hidden)")
    args = parser.parse_args(argv)

    engine = create_classroom_engine(database_url())
    if args.command == "where":
        print(engine.url.render_as_string(hide_password=True))
        return 0
    seconds = -1.0 if args.all else args.older_than_days * 86400
    if seconds < 0 and not args.all:
        parser.error("--older-than-days must be 0 or more")
    deleted = Classroom(engine).delete_sessions_older_than(seconds)
    print(f"deleted {deleted} class session(s) from "
          f"{engine.url.render_as_string(hide_password=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
