"""What a Data quality outlier says (``indicators.figures.quality``), as whole sentences marked for translation and
said in the language of the moment: the record ("Training KEC-T008", "Formation KEC-T008"), what was found
("500 participants"), why it stands out ("more than 3× the median training (33)") and where it came from
("trainings.xlsx · Trainings row 12"). They are built from an outlier's facts (plain values, as the store keeps
them), with numbers and dates written the language's way; English is the same words the page always showed.
The audit trail names records its own way (``indicators.store.records``), untouched by this.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from indicators import i18n
from indicators.i18n import N_, _, ngettext
from indicators.numbers import format_value

# The outlier rules, by the name an outlier keeps (``Outlier.rule``): why a record stands out.
WHY = {
    "crowded": N_("more than {factor}× the median training ({median})"),
    "empty": N_("a training with nobody"),
    "passed": N_("more passed the post-test than attended (over 100%)"),
    "children": N_("more children than people reached"),
    "percentage": N_("a percentage above 100%"),
}


def _number(value: int) -> str:
    return i18n.format_decimal(value, "#,##0")


def record(facts: dict[str, Any]) -> str:
    """The record named as its listing names it: by kind and reference, else by kind, day and district; an
    indicator's quarter by the indicator's code."""
    if "indicator" in facts:
        return _("{code} (indicator)").format(code=facts["indicator"])
    kind = _(facts["kind"])
    if facts.get("reference"):
        return _("{kind} {reference}").format(kind=kind, reference=facts["reference"])
    day = i18n.format_day(date.fromisoformat(facts["day"])) if facts.get("day") else None
    district = facts.get("district")
    if day and district:
        return _("{kind} of {day} in {district}").format(kind=kind, day=day, district=district)
    if day:
        return _("{kind} of {day}").format(kind=kind, day=day)
    if district:
        return _("{kind} in {district}").format(kind=kind, district=district)
    return kind


def value(rule: str, facts: dict[str, Any]) -> str:
    """What was found, in words: "500 participants", "15 passed of 14", "21 under 18 of 20", "104.2%"."""
    if rule in ("crowded", "empty"):
        count = facts["participants"]
        return ngettext("{count} participant", "{count} participants", count).format(count=_number(count))
    if rule == "passed":
        return _("{passed} passed of {count}").format(
            passed=_number(facts["passed"]), count=_number(facts["participants"])
        )
    if rule == "children":
        return _("{children} under 18 of {reached}").format(
            children=_number(facts["children"]), reached=_number(facts["reached"])
        )
    return format_value(facts["actual"], "percent")


def why(rule: str, facts: dict[str, Any]) -> str:
    """Why it stands out: the rule it breaks, in words."""
    if rule == "crowded":
        return _(WHY[rule]).format(factor=facts["factor"], median=_number(facts["median"]))
    return _(WHY[rule])


def source(facts: dict[str, Any]) -> str:
    """Where it came from: the file, sheet and row of a record; the sums a percentage was computed from."""
    if "indicator" in facts:
        if facts.get("numerator") is None:
            return _("entered as a value")
        return f"{_number(facts['numerator'])} ÷ {_number(facts['denominator'])}"
    return _("{file} · {sheet} row {row}").format(
        file=facts.get("file") or "–", sheet=facts.get("sheet") or "?", row=facts.get("row") or "?"
    )
