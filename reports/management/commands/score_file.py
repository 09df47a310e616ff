"""`manage.py score_file responses.csv --instrument instrument.yaml [--min-group 5] [--format json|csv] [--output PATH]`.

Scores responses collected elsewhere with Trustier's engine and disclosure rules (README, "Scoring a
file"). Bad input: one line per problem on stderr and exit code 2.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.score_file import ScoreFileError, score_file, to_csv, to_json


class Command(BaseCommand):
    help = "Score a responses CSV against an instrument file and print the figures as JSON or CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("responses", help="CSV: one row per respondent, one column per item key; "
                                              "optional unit (path like Sales/North) and wave columns")
        parser.add_argument("--instrument", required=True, help="instrument file (.yaml, .yml or .json)")
        parser.add_argument("--min-group", type=int, default=5, help="minimum group size to publish (≥ 3)")
        parser.add_argument("--format", choices=("json", "csv"), default="json")
        parser.add_argument("--output", help="write here instead of standard output")

    def handle(self, *args, **options) -> None:
        try:
            document = score_file(options["responses"], options["instrument"], min_group=options["min_group"])
        except ScoreFileError as exc:
            raise CommandError("\n".join(exc.problems), returncode=2) from None
        text = to_json(document) if options["format"] == "json" else to_csv(document)
        if options["output"]:
            try:
                Path(options["output"]).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"--output: cannot write '{options['output']}': {exc.strerror or exc}",
                                   returncode=2) from None
        else:
            self.stdout.write(text, ending="")
