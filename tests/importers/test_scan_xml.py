"""Worksheet and shared strings XML written every way XML allows, and ways a hostile writer might choose, is
judged alike with the scan's fast path on and off (``tests.importers.test_scan_fast.scan``): quotes and spaces
around ``=``, prefixes, entities, references missing, in lower case, with leading zeros, beyond the last row
or column, rows out of order, shared string indexes in and out of range or padded, formulas, comments, CDATA,
carriage returns, text between elements; fed in chunks of every size."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.importers.test_scan_fast import Judged, scan

HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="urn:sheet"><sheetData>'
TAIL = b"</sheetData></worksheet>"
TEXTS = ["Ngoma", "Law enforcement", "é—ü", "a &amp; b", "&#8212;", " x ", "", "1<2".replace("<", "&lt;")]
ODD_TEXTS = ["line\r\nbreak", "<![CDATA[raw <text>]]>", "a > b", 'say "s"', "t='s'"]
LETTERS = ["A", "B", "L", "Z", "AA", "XFD", "XFE", "ZZZ", "a", "ab"]


@st.composite
def attribute(draw, name: str, value: str, wild: bool) -> str:
    """``name="value"`` as XML allows it: either quote, spaces around ``=``, an entity for a letter (when
    ``wild``; a plain sheet writes them as Excel does)."""
    if not wild:
        return f' {name}="{value}"'
    if draw(st.integers(0, 9)) == 0 and value[:1].isalpha():
        value = f"&#{ord(value[0])};{value[1:]}"
    quote = "'" if draw(st.integers(0, 7)) == 0 else '"'
    equals = " = " if draw(st.integers(0, 9)) == 0 else "="
    space = draw(st.sampled_from([" "] * 12 + ["\n", "\t", "  "]))
    return f"{space}{name}{equals}{quote}{value}{quote}"


@st.composite
def reference(draw, row: int, wild: bool) -> str | None:
    kind = draw(st.integers(0, 19)) if wild else draw(st.sampled_from([2, 3] + [5] * 30))
    letters = draw(st.sampled_from(LETTERS[:4])) if kind < 15 else draw(st.sampled_from(LETTERS))
    if kind == 0:
        return None
    if kind == 1:
        return f"{letters}0{row}"
    if kind == 2:
        return f"{letters}{draw(st.sampled_from([1, 7, 1_048_576, 1_048_577, 9_999_999]))}"
    if kind == 3:
        return f"{letters}{max(row - 1, 1)}"
    if kind == 4:
        return letters
    return f"{letters}{row}"


@st.composite
def cell(draw, row: int, prefix: str, wild: bool) -> str:
    r = draw(reference(row, wild))
    kind = draw(st.sampled_from(["s"] * 4 + ["n"] * 3 + ["inlineStr"] * 3 + ["str", None]))
    attrs = "" if r is None else draw(attribute("r", r, wild))
    if draw(st.booleans()):
        attrs += draw(attribute("s", str(draw(st.integers(0, 3))), wild))
    if kind is not None:
        attrs += draw(attribute("t", kind, wild))
    content = draw(st.integers(0, 19 if wild else 60))
    if content == 0:
        return f"<{prefix}c{attrs}/>"
    if content == 1:
        body = f"<{prefix}f>SUM(A1:A{row})</{prefix}f><{prefix}v>3</{prefix}v>"
    elif kind == "inlineStr":
        run = draw(st.sampled_from(TEXTS + ODD_TEXTS[: wild * 5]))
        t = "<t>" if draw(st.integers(0, 5)) else '<t xml:space="preserve">'
        body = f"<{prefix}is>{t}{run}</t></{prefix}is>"
    else:
        odd = [" 3 ", "-1", "0003", "&#49;", "1_0", ""] if wild else []
        index = draw(st.sampled_from(["0", "1", "2", "3", "7", "40"] + odd))
        body = f"<{prefix}v>{index}</{prefix}v>"
    between = draw(st.sampled_from([""] * 12 + ["\n  ", "<!-- note -->", "<extra/>", "5"][: 4 * wild + 1]))
    return f"<{prefix}c{attrs}>{body}{between}</{prefix}c>"


@st.composite
def worksheet(draw) -> bytes:
    wild = draw(st.booleans())
    prefix = "x:" if wild and draw(st.integers(0, 9)) == 0 else ""
    head = (
        HEAD.replace(b"<sheetData>", b'<dimension ref="A1:C9"/><sheetData>') if draw(st.booleans()) else HEAD
    )
    if prefix:
        head = head.replace(b'xmlns="urn:sheet"', b'xmlns:x="urn:sheet"')
    rows, number = [], 0
    for _ in range(draw(st.integers(0, 25))):
        number = draw(st.sampled_from([number + 1] * 8 + [number + 3, max(number - 2, 1), 1_048_576]))
        odd = [None, f"0{number}", f"A{number}", "x", "1048577"] if wild else []
        r = draw(st.sampled_from([str(number)] * 10 + odd))
        attrs = "" if r is None else draw(attribute("r", r, wild))
        if draw(st.booleans()):
            attrs += draw(attribute("spans", "1:12", wild)) + ' x14ac:dyDescent="0.25"'
        cells = "".join(draw(cell(number, prefix, wild)) for _ in range(draw(st.integers(0, 6))))
        closing = f"<{prefix}row{attrs}/>" if not cells and draw(st.booleans()) else None
        rows.append(closing or f"<{prefix}row{attrs}>{cells}</{prefix}row>")
        rows.append(
            draw(
                st.sampled_from([""] * 20 + ["\n", "\r\n", "<!-- a comment -->", "<?pi x?>"][: 4 * wild + 1])
            )
        )
    return head + "".join(rows).encode() + TAIL


@st.composite
def shared_strings(draw) -> bytes | None:
    if draw(st.integers(0, 4)) == 0:
        return None
    items = []
    for _ in range(draw(st.integers(0, 12))):
        text = draw(st.sampled_from(TEXTS + ODD_TEXTS))
        form = draw(st.integers(0, 9))
        if form == 0:
            items.append(f"<si><r><rPr><b/></rPr><t>{text}</t></r><r><t>{text}</t></r></si>")
        elif form == 1:
            items.append(f'<si><t xml:space="preserve">{text}</t><rPh sb="0" eb="1"><t>ruby</t></rPh></si>')
        elif form == 2:
            items.append(f"<si>\n  <t>{text}</t>\n</si>\n")
        else:
            items.append(f"<si><t>{text}</t></si>")
    declaration = draw(st.sampled_from(['encoding="UTF-8"'] * 5 + ['encoding="ISO-8859-1"', ""]))
    head = f'<?xml version="1.0" {declaration}?><sst xmlns="urn:sheet" count="{len(items)}">'
    return (head + "".join(items) + "</sst>").encode(
        "utf-8" if "8859" not in declaration else "latin-1", "replace"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet=worksheet(), strings=shared_strings(), chunk=st.sampled_from([3, 17, 64, 250, 1000, 1 << 20]))
def test_written_any_way_xml_allows_a_sheet_is_judged_alike(sheet, strings, chunk):
    assert scan(sheet, strings, chunk, fast=True) == scan(sheet, strings, chunk, fast=False)


def test_the_written_sheets_reach_the_fast_path():
    """The comparison above is not vacuous: the plainer of the sheets it writes are judged on the fast path."""
    judged = Judged()

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)  # the same sheets every run
    @given(sheet=worksheet(), strings=shared_strings())
    def run(sheet, strings):
        with judged:
            scan(sheet, strings, 250, fast=True)

    run()
    assert judged.portions > 20
