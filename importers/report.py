"""What an import tells its user: problems with their cell, per-sheet notes, counts per kind, the outcome.

A problem names the sheet and cell of the uploaded file (``Trainings!G18``: the real column letter and row
number), the value found and what was expected. Values from case sheets are never repeated in a problem:
a case sheet may hold names or document numbers in the wrong column, and problems are stored with the upload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from indicators.i18n import N_, SOURCE, _, format_decimal, format_list, language, ngettext, translated

HIDDEN = N_("(not shown: case data)")
COUNT_KEYS = ("new", "updated", "unchanged", "skipped")
# Problems kept on the Upload row (the report itself keeps all of them).
STORED_PROBLEMS = 1000


@dataclass
class Problem:
    """One error or warning: ``Trainings!H14: found 'abc'; expected a whole number ≥ 0``.

    ``cell`` is the address within the sheet (``H14``), or a column (``H``) or row (``14``) when the problem
    concerns a whole column or row. A problem with the file itself (too large, damaged, encrypted) has no
    sheet, cell or value: ``expected`` then holds the whole sentence.
    """

    sheet: str
    cell: str
    value: str
    expected: str

    @property
    def where(self) -> str:
        """``Trainings!H14``, ``Trainings`` or empty."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    @property
    def file_level(self) -> bool:
        return not (self.sheet or self.cell or self.value)

    def __str__(self) -> str:
        if self.file_level:
            return self.expected
        if self.value == HIDDEN:
            found = f"found a value {HIDDEN}"
        elif self.value == "":
            found = "found a blank cell" if _is_cell(self.cell) else "found nothing"
        else:
            found = f"found '{self.value}'"
        text = f"{found}; expected {self.expected}" if self.expected else found
        return f"{self.where}: {text}" if self.where else text

    def said(self) -> str:
        """The problem in the language of the moment, cell reference unchanged (``str``: the English kept with
        the upload): ``Trainings!H14 : « douze » trouvé ; valeur attendue : un nombre entier ≥ 0``."""
        expected = translated(self.expected) if self.expected else ""
        if self.file_level:
            return expected
        if self.value == HIDDEN:
            found = _("found a value {hidden}").format(hidden=_(HIDDEN))
        elif self.value == "":
            found = _("found a blank cell") if _is_cell(self.cell) else _("found nothing")
        else:
            found = _("found '{value}'").format(value=self.value)
        text = _("{found}; expected {expected}").format(found=found, expected=expected) if expected else found
        return _("{where}: {problem}").format(where=self.where, problem=text) if self.where else text


@dataclass
class SheetNote:
    """What became of one sheet: its kind (None when ignored), why, how many data rows it held, and (for the
    dry run's page) its first rows as understood (``importers.preview``)."""

    name: str
    kind: str | None
    note: str
    rows: int = 0
    preview: object = None


@dataclass
class Conflict:
    """A row of the file that would undo a correction made in the browser (or bring back a voided record):
    what the file says, what the correction made it, by whom and why, and which one is kept."""

    sheet: str
    row: int
    reference: str | None
    what: str  # "Female participants: the file has 25, corrected to 52"
    by: str
    at: datetime
    reason: str
    kept: bool  # True: the correction stays; False: the file's value was chosen
    voided: bool = False  # the record was voided (kept: it stays out; chosen: it is stored again)

    @property
    def key(self) -> str:
        """``Trainings!7``: how a choice of the file's value names the row."""
        return f"{self.sheet}!{self.row}"

    def __str__(self) -> str:
        reference = f" ({self.reference})" if self.reference else ""
        if self.voided:
            choice = "it stays voided" if self.kept else "it is stored again from the file"
        else:
            choice = "the correction is kept" if self.kept else "the file's value is used"
        return (
            f"{self.sheet} row {self.row}{reference}: {self.what} by {self.by} on {self.at:%Y-%m-%d} "
            f"({self.reason}); {choice}"
        )


@dataclass
class ImportReport:
    ok: bool
    outcome: str  # stored | unchanged | refused | dry-run
    filename: str
    sha256: str
    size: int
    kinds: list[str] = field(default_factory=list)
    sheets: list[SheetNote] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    upload_id: int | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    # The file holds case data (a case sheet, or a sheet headed with a case sheet's identifying columns): it
    # is then named "case sheet, <date>" wherever it is stored, listed or logged, never by its file's name.
    case_data: bool = False
    # per kind: rows read and rows with an error (what a refused file's zero counts would hide)
    read: dict[str, dict[str, int]] = field(default_factory=dict)
    stored_before: bool = False  # the same file (SHA-256) was stored by an earlier upload
    programmes: list[str] = field(default_factory=list)  # the programmes its rows belong to

    @property
    def for_whom(self) -> str:
        """``KEC``, ``KEC and PVR`` (``KEC et PVR``), or nothing when no row named a programme."""
        return " and ".join(self.programmes) if language() == SOURCE else format_list(self.programmes)

    @property
    def outcome_text(self) -> str:
        """What became of the file, in words (the Upload page's verdict after a commit)."""
        if self.outcome == "stored":
            return _("Stored {file}.").format(file=self.filename) + (
                " " + _("Programme: {programmes}.").format(programmes=self.for_whom)
                if self.programmes
                else ""
            )
        if self.outcome == "unchanged" and self.stored_before:
            return _("{file} was already stored: nothing changed.").format(file=self.filename)
        if self.outcome == "unchanged":
            return _(
                "Nothing new in {file}: each of its rows matches a record stored from earlier uploads (or a "
                "correction kept), so nothing changed."
            ).format(file=self.filename)
        return _("{file} was refused: nothing was stored.").format(file=self.filename)

    def read_text(self) -> str:
        """``trainings: 42 rows read, 3 with errors``, per kind."""
        return "; ".join(
            f"{kind}: "
            + ngettext(
                "{rows} row read, {errors} with errors", "{rows} rows read, {errors} with errors", n["rows"]
            ).format(
                rows=f"{n['rows']:,}" if language() == SOURCE else format_decimal(n["rows"], "#,##0"),
                errors=f"{n['with_errors']:,}"
                if language() == SOURCE
                else format_decimal(n["with_errors"], "#,##0"),
            )
            for kind, n in self.read.items()
        )

    def as_text(self, limit: int = 200) -> str:
        """The report as the command line prints it, in the language of the moment: outcome, sheets, counts,
        errors, warnings."""
        outcome = _(_OUTCOME_TEXT[self.outcome]) if self.outcome in _OUTCOME_TEXT else self.outcome
        if self.outcome == "unchanged" and self.stored_before:
            outcome = _("nothing new (this file was already stored)")
        lines = [
            _("{file}: {outcome}").format(file=self.filename, outcome=outcome)
            + (" " + _("(upload #{number})").format(number=self.upload_id) if self.upload_id else "")
        ]
        for sheet in self.sheets:
            kind = f" → {sheet.kind}" if sheet.kind else ""
            lines.append(
                "  "
                + _("sheet {name}{kind}: {note}").format(
                    name=repr(sheet.name), kind=kind, note=translated(sheet.note)
                )
            )
        for kind, counts in self.counts.items() if self.outcome != "refused" else ():
            lines.append(
                f"  {kind}: " + ", ".join(f"{counts.get(key, 0)} {_(COUNT_WORDS[key])}" for key in COUNT_KEYS)
            )
        if self.outcome == "refused" and self.read:
            lines.append(f"  {self.read_text()}")
        if self.conflicts:
            kept = sum(c.kept for c in self.conflicts)
            lines.append(
                f"  {len(self.conflicts)} row{'s' if len(self.conflicts) != 1 else ''} corrected in the "
                f"browser since ({kept} correction{'s' if kept != 1 else ''} kept; --use-file-values "
                "takes the file's values instead):"
            )
            lines.extend(f"    {conflict}" for conflict in self.conflicts[:limit])
        for title, problems in (("error", self.errors), ("warning", self.warnings)):
            if not problems:
                continue
            heading = (
                ngettext("{count} error:", "{count} errors:", len(problems))
                if title == "error"
                else ngettext("{count} warning:", "{count} warnings:", len(problems))
            )
            lines.append("  " + heading.format(count=len(problems)))
            lines.extend(f"    {problem.said()}" for problem in problems[:limit])
            if len(problems) > limit:
                lines.append("    " + _("… and {count} more").format(count=len(problems) - limit))
        return "\n".join(lines)

    def stored_problems(self, problems: list[Problem]) -> list[str]:
        """Problems as the Upload row keeps them: their text, at most ``STORED_PROBLEMS`` of them."""
        texts = [str(p) for p in problems[:STORED_PROBLEMS]]
        if len(problems) > STORED_PROBLEMS:
            texts.append(f"… and {len(problems) - STORED_PROBLEMS} more")
        return texts


def _is_cell(cell: str) -> bool:
    """``H14`` is a cell; ``H`` (a column) and ``14`` (a row) are not."""
    return bool(cell) and cell[0].isalpha() and cell[-1].isdigit()


_OUTCOME_TEXT = {
    "stored": N_("stored"),
    "unchanged": N_("nothing new (every row matches a stored record)"),
    "refused": N_("refused, nothing stored"),
    "dry-run": N_("dry run, nothing stored"),
}
COUNT_WORDS = {
    "new": N_("new"),
    "updated": N_("updated"),
    "unchanged": N_("unchanged"),
    "skipped": N_("skipped"),
}


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)
