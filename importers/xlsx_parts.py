"""What each part of an .xlsx/.xlsm archive is, from ``[Content_Types].xml`` and the relationships
(``_rels/*.rels``), never from its path alone: Excel finds an external link at ``xl/other/link1.xml`` as well
as at ``xl/externalLinks/externalLink1.xml``, through the relationship that names it.

- Worksheets: what the workbook's relationships name for its ``<sheet>`` elements (as calamine finds them),
  what their content type or relationship says is a worksheet (or macro or dialog sheet), and anything under
  ``xl/worksheets/``.
- Parts that reach outside: external links (another workbook, DDE, OLE), data connections and query tables,
  by content type or by the relationship pointing at them; and any relationship to a target outside the
  file (``TargetMode="External"``), a hyperlink's excepted (``importers.links``).
- The workbook part: its sheets' names, its defined names (formulas, judged like cells') and the external
  references a formula's ``[1]`` stands for.
"""

from __future__ import annotations

import posixpath

from importers.links import Findings
from importers.sheet_scan import XmlPart, local

_ML = "application/vnd.openxmlformats-officedocument.spreadsheetml."
WORKSHEET_TYPES = {
    _ML + "worksheet+xml",
    "application/vnd.ms-excel.macrosheet+xml",
    _ML + "dialogsheet+xml",
    "application/vnd.ms-excel.intlmacrosheet+xml",
}
WORKSHEET_RELATIONSHIPS = frozenset(("worksheet", "xlMacrosheet", "xlIntlMacrosheet", "dialogsheet"))
LINK_TYPE, CONNECTIONS_TYPE, QUERY_TYPE = (
    _ML + "externalLink+xml",
    _ML + "connections+xml",
    _ML + "queryTable+xml",
)
TABLE_TYPE = _ML + "table+xml"
HYPERLINK = "hyperlink"
# What a relationship to outside the file is, by its type's last word (a hyperlink is not refused).
OUTSIDE = {
    "image": "a picture linked from outside",
    "oleObject": "an object linked from outside",
    "externalLinkPath": "a link to another workbook",
    "package": "a package linked from outside",
    "frame": "a frame linked from outside",
    "attachedTemplate": "a template linked from outside",
}


class ContentTypes(XmlPart):
    """``[Content_Types].xml``: the content type of each part, by its name or its extension."""

    def __init__(self, name: str):
        super().__init__(name)
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}
        self.parser.StartElementHandler = self._start

    def _start(self, name: str, attrs: dict) -> None:
        name = local(name)
        if name == "Default":
            self.defaults[attrs.get("Extension", "").lower()] = attrs.get("ContentType", "").strip()
        elif name == "Override":
            self.overrides[attrs.get("PartName", "").lstrip("/").lower()] = attrs.get(
                "ContentType", ""
            ).strip()

    def of(self, part: str) -> str:
        key = part.lower()
        return self.overrides.get(key) or self.defaults.get(key.rsplit(".", 1)[-1] if "." in key else "", "")


class Relationships(XmlPart):
    """A relationships part: (id, type's last word, target part or URL, external) of each relationship."""

    def __init__(self, name: str):
        super().__init__(name)
        folder, file = posixpath.split(name)
        self.source = posixpath.join(posixpath.dirname(folder), file[: -len(".rels")])
        self.base = posixpath.dirname(self.source)
        self.found: list[tuple[str, str, str, bool]] = []
        self.parser.StartElementHandler = self._start

    def _start(self, name: str, attrs: dict) -> None:
        if local(name) != "Relationship":
            return
        kind = attrs.get("Type", "").strip().rsplit("/", 1)[-1]
        target = attrs.get("Target", "").strip()
        external = attrs.get("TargetMode", "").strip().lower() == "external"
        if not external:
            target = posixpath.normpath(
                target.lstrip("/") if target.startswith("/") else posixpath.join(self.base, target)
            ).lstrip("/")
        self.found.append((attrs.get("Id", ""), kind, target, external))


class Workbook(XmlPart):
    """The workbook part: its sheets (name, relationship id), defined names and external references."""

    def __init__(self, name: str, findings: Findings):
        super().__init__(name)
        self.findings = findings
        self.sheets: list[tuple[str, str]] = []
        self.references: list[str] = []
        self.defined: str | None = None  # the defined name whose formula is being collected
        self.text: list[str] = []
        self.parser.StartElementHandler = self._start

    def _start(self, name: str, attrs: dict) -> None:
        self._name_done()
        name = local(name)
        if name == "sheet":
            self.sheets.append((attrs.get("name", ""), _relationship_id(attrs)))
        elif name == "externalReference":
            self.references.append(_relationship_id(attrs))
        elif name == "definedName":
            self.defined, self.text = attrs.get("name", ""), []
            self.parser.CharacterDataHandler = self.text.append

    def _name_done(self) -> None:
        if self.defined is not None:
            self.parser.CharacterDataHandler = None
            self.findings.rule("", f"name {self.defined}", "".join(self.text), "defined name")
            self.defined = None

    def close(self) -> None:
        super().close()
        self._name_done()


def _relationship_id(attrs: dict) -> str:
    """``r:id`` whatever the prefix (calamine accepts ``r:id`` and ``relationships:id``)."""
    return next((value for key, value in attrs.items() if key == "id" or key.endswith(":id")), "")


class LinkPart(XmlPart):
    """An external link part: a DDE link, an OLE link or (else) another workbook."""

    def __init__(self, name: str, findings: Findings):
        super().__init__(name)
        self.findings = findings
        findings.link_parts.setdefault(name, ("workbook", ""))
        self.parser.StartElementHandler = self._start

    def _start(self, name: str, attrs: dict) -> None:
        name = local(name)
        if name == "ddeLink":
            service, topic = attrs.get("ddeService", ""), attrs.get("ddeTopic", "")
            self.findings.link_parts[self.name] = ("dde", f"{service} {topic}".strip()[:200])
        elif name == "oleLink":
            self.findings.link_parts[self.name] = ("ole", "an embedded program's object")


class Connections(XmlPart):
    """A data connections part: the names of its connections."""

    def __init__(self, name: str, findings: Findings):
        super().__init__(name)
        self.findings, self.named = findings, False
        self.parser.StartElementHandler = self._start

    def _start(self, name: str, attrs: dict) -> None:
        if local(name) == "connection":
            self.named = True
            self.findings.connections.append((self.name, attrs.get("name", "unnamed")[:100]))

    def close(self) -> None:
        super().close()
        if not self.named:
            self.findings.connections.append(
                (self.name, "a query table" if "query" in self.name.lower() else "unnamed")
            )


class TableFormulas(XmlPart):
    """A table part's column formulas (``calculatedColumnFormula``, ``totalsRowFormula``)."""

    def __init__(self, name: str, findings: Findings):
        super().__init__(name)
        self.findings, self.table = findings, ""
        self.text: list[str] | None = None  # a table column's formula, while it is read
        self.parser.StartElementHandler = self._start

    def _start(self, name: str, attrs: dict) -> None:
        self._done()
        name = local(name)
        if name == "table":
            self.table = attrs.get("displayName", "")
        elif name in ("calculatedColumnFormula", "totalsRowFormula"):
            self.text = []
            self.parser.CharacterDataHandler = self.text.append

    def _done(self) -> None:
        if self.text is not None:
            self.parser.CharacterDataHandler = None
            self.findings.rule("", f"table {self.table}", "".join(self.text), "table column")
            self.text = None

    def close(self) -> None:
        super().close()
        self._done()


class Package:
    """The roles of an archive's parts, from its content types, relationships and workbook (read first)."""

    def __init__(
        self,
        names: set[str],
        types: ContentTypes,
        relationships: list[Relationships],
        workbook: Workbook | None,
        findings: Findings,
    ):
        self.types, self.findings = types, findings
        self.lower = {name.lower(): name for name in names}
        self.targeted: dict[str, set[str]] = {}
        for rels in relationships:
            for _, kind, target, external in rels.found:
                if not external:
                    self.targeted.setdefault(self._part(target), set()).add(kind)
        self.worksheets: dict[str, str] = {}
        if workbook is not None:
            ids = {
                r[0]: r[2]
                for rels in relationships
                if self._part(rels.source) == workbook.name
                for r in rels.found
            }
            for sheet, rel_id in workbook.sheets:
                if rel_id in ids:
                    self.worksheets[self._part(ids[rel_id])] = sheet
            findings.indexes = {
                str(n): self._part(ids.get(rel_id, ""))
                for n, rel_id in enumerate(workbook.references, start=1)
            }
        for name in sorted(names):
            if self.role(name) == "worksheet":
                self.worksheets.setdefault(name, posixpath.basename(name).rsplit(".", 1)[0])
        findings.sheets = self.worksheets
        for rels in relationships:
            source = self._part(rels.source)
            for _, kind, target, external in rels.found:
                if not external:
                    continue
                if self.role(source) == "link":  # what the link part links to: named with it
                    if kind in ("externalLinkPath", "xlPathMissing"):
                        findings.link_parts[source] = ("workbook", target[:200])
                elif kind != HYPERLINK:
                    findings.outside.append(
                        (rels.name, OUTSIDE.get(kind, f"a relationship of type {kind[:60]}"), target)
                    )

    def _part(self, name: str) -> str:
        return self.lower.get(name.lower(), name)

    def role(self, name: str) -> str | None:
        """worksheet | link | connections | table, or None for a part nothing reaches through."""
        kinds, content, lower = self.targeted.get(name, set()), self.types.of(name), name.lower()
        if (
            name in self.worksheets
            or content in WORKSHEET_TYPES
            or kinds & WORKSHEET_RELATIONSHIPS
            or (lower.startswith("xl/worksheets/") and lower.endswith(".xml"))
        ):
            return "worksheet"
        if (
            content == LINK_TYPE
            or "externalLink" in kinds
            or lower.startswith("xl/externallinks/")
            and lower.endswith(".xml")
        ):
            return "link"
        if (
            content in (CONNECTIONS_TYPE, QUERY_TYPE)
            or kinds & {"connections", "queryTable"}
            or posixpath.basename(lower) == "connections.xml"
        ):
            return "connections"
        if content == TABLE_TYPE or "table" in kinds:
            return "table"
        return None

    def scanner(self, name: str):
        """The scanner of a part that may reach outside (a worksheet's is ``sheet_scan.Worksheet``), or None."""
        role = self.role(name)
        if role == "link":
            return LinkPart(name, self.findings)
        if role == "connections":
            return Connections(name, self.findings)
        if role == "table":
            return TableFormulas(name, self.findings)
        return None
