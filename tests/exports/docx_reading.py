"""Reading the quarterly report back with python-docx, as a reviewer would: its headings in order, the paragraphs
and tables under each, its result tables by indicator, its pictures with their alt text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

PICTURE = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


@dataclass
class Part:
    """What stands under one heading, until the next heading of any level."""

    level: int
    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


def open_report(data: bytes):
    return docx.Document(BytesIO(data))


def parts(document) -> list[Part]:
    """The body cut at every heading (the cover is the part before the first, at level 0)."""
    out = [Part(0, "")]
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph) and block.style.name.startswith("Heading "):
            out.append(Part(int(block.style.name.split()[-1]), block.text))
        elif isinstance(block, Paragraph):
            out[-1].paragraphs.append(block)
        else:
            out[-1].tables.append(block)
    return out


def part(document, heading: str) -> Part:
    return next(p for p in parts(document) if p.heading == heading)


def headings(document, level: int) -> list[str]:
    return [p.heading for p in parts(document) if p.level == level]


def rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def number(text: str) -> str:
    """A figure as the CSV writes it: ``1,120`` → ``1120``, ``81.3%`` → ``81.3``, ``–`` → ``""``."""
    text = text.strip()
    return "" if text == "–" else text.replace(",", "").rstrip("%")


def pictures(document) -> list[dict]:
    """Every picture's description (alt text) and title."""
    return [dict(node.attrib) for node in document.element.body.iter(PICTURE)]


def categories(text: str) -> dict[tuple[str, str], dict[str, str]]:
    """``By sex: this quarter: Female 30, Male 45; FY2019 to date: …`` → ``{("this quarter", "Female"): "30"}``
    per split word (``sex``)."""
    split, _, spans = text.partition(": ")
    out: dict[tuple[str, str], str] = {}
    for span in spans.rstrip(".").split("; "):
        when, _, values = span.partition(": ")
        for item in values.split(", "):
            category, _, value = item.rpartition(" ")
            out[(when, category)] = value
    return {split.removeprefix("By "): out}


def highlighted(paragraph: Paragraph) -> bool:
    return any(run.font.highlight_color is not None for run in paragraph.runs)


def fields(part) -> list[str]:
    """The field instructions (``PAGE``) in a header or footer."""
    return [
        re.sub(r"\s+", " ", node.text).strip()
        for node in part._element.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText"
        )
    ]
