"""`manage.py export_report --wave ID --format pdf|csv|xlsx --output PATH [--unit PATH] [--language nl|en]
[--respondents]`: the same exports as the pages, for automation. Exit 0 with the file written, 2 with a
clear message on a bad argument (CommandError's default exit code is 1, so it is raised with 2).
Whoever runs it has the server's shell, so it exports as an owner would see it (never below the
anonymity threshold: the same snapshots and rules); every run is written to the audit log."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import translation

from assessments.access import Access
from assessments.models import Membership, Unit, Wave
from reports.exports import ExportRefused, figures_table, respondents_table
from reports.models import ReportExport
from reports.pdf_report import report_pdf
from reports.tabular import csv_write, xlsx_write
from trustier.audit import audit_record

FORMATS = ("pdf", "csv", "xlsx")


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
        if fmt == "pdf" and options["respondents"]:
            raise _fail("--respondents exports are CSV or XLSX, not PDF.")
        with translation.override(language):
            try:
                rows = self._write(fmt, wave, root, options["respondents"], output)
            except (ExportRefused, Http404) as refused:
                output.unlink(missing_ok=True)
                raise _fail(str(refused) or f"Wave {wave.pk} has no built results yet (it must be closed).") from None
        audit_record(actor=None, organisation=wave.assessment.organisation, verb="export.command", obj=wave,
                     after={"format": fmt, "unit": options["unit"], "language": language,
                            "respondents": options["respondents"], "output": str(output)})
        self.stdout.write(f"Wrote {output}" + (f" ({rows} rows)." if rows is not None else "."))

    @staticmethod
    def _write(fmt: str, wave: Wave, root: Unit | None, respondents: bool, output: Path) -> int | None:
        """Write the file; the number of data rows (None for a PDF)."""
        if fmt == "pdf":
            organisation = wave.assessment.organisation
            owner = Access(organisation=organisation,
                           membership=Membership(organisation=organisation, role=Membership.Role.OWNER))
            output.write_bytes(report_pdf(access=owner, export=ReportExport(wave=wave, unit=root)))
            return None
        table = respondents_table(wave, root=root) if respondents else figures_table(wave, root=root)
        if fmt == "csv":
            with output.open("w", encoding="utf-8-sig", newline="") as target:
                return csv_write(target, table.header, table.rows)
        return xlsx_write(str(output), [(table.title, table.header, table.rows)])
