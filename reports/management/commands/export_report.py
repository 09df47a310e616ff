"""`manage.py export_report --wave ID --format csv|xlsx --output PATH [--unit PATH] [--language nl|en]
[--respondents]`: the same exports as the pages, for automation. Exit 0 with the file written, 2 with a
clear message on a bad argument (CommandError's default exit code is 1, so it is raised with 2)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from assessments.models import Unit, Wave
from reports.exports import ExportRefused, figures_table, respondents_table
from reports.tabular import csv_write, xlsx_write

FORMATS = ("csv", "xlsx")


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Export a wave's disclosure-controlled figures (or respondent rows) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--wave", required=True, help="Wave id")
        parser.add_argument("--format", required=True, help="csv or xlsx")
        parser.add_argument("--output", required=True, help="File to write")
        parser.add_argument("--unit", default="", help="Unit path, e.g. Sales/North: only that subtree")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE[:2], help="nl or en")
        parser.add_argument("--respondents", action="store_true",
                            help="Respondent rows without identifying fields instead of figures")

    def handle(self, *args, **options):
        fmt = options["format"].lower()
        if fmt not in FORMATS:
            raise _fail(f"--format must be one of {', '.join(FORMATS)}, not {options['format']!r}.")
        language = options["language"]
        if language not in dict(settings.LANGUAGES):
            raise _fail(f"--language must be one of {', '.join(dict(settings.LANGUAGES))}, not {language!r}.")
        if not str(options["wave"]).isdigit():
            raise _fail(f"--wave must be a wave id (a number), not {options['wave']!r}.")
        wave = Wave.objects.select_related("assessment__organisation").filter(pk=int(options["wave"])).first()
        if wave is None:
            raise _fail(f"No wave with id {options['wave']}.")
        root = None
        if options["unit"]:
            root = Unit.objects.filter(organisation=wave.assessment.organisation, path=options["unit"]).first()
            if root is None:
                raise _fail(f"No unit {options['unit']!r} in {wave.assessment.organisation.name}.")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise _fail(f"The folder of --output does not exist: {output.parent}.")
        with translation.override(language):
            try:
                table = respondents_table(wave, root=root) if options["respondents"] else figures_table(wave, root=root)
                if fmt == "csv":
                    with output.open("w", encoding="utf-8-sig", newline="") as target:
                        rows = csv_write(target, table.header, table.rows)
                else:
                    rows = xlsx_write(str(output), [(table.title, table.header, table.rows)])
            except ExportRefused as refused:
                output.unlink(missing_ok=True)
                raise _fail(str(refused)) from None
        self.stdout.write(f"Wrote {rows} rows to {output}.")
