"""The JSON API's map figures (``/api/v1/programmes/{code}/districts``): what the Logframe and Victims maps draw,
district by district, from the same functions (``indicators.figures.places``), with victims as the disclosure plan lets
the token's account see them."""

from __future__ import annotations

from dashboard._api_models import DistrictFigure, Districts


def districts_answer(session, programme, args, plan, error) -> Districts:
    """The answer for one programme and the request's ``indicator``, ``period`` and ``span``; ``plan``: the
    disclosure plan for a donor's token (None: exact); ``error(status, message)`` builds the refusal to raise."""
    from indicators.figures import geography, places

    asked = (args.get("indicator") or "").strip()
    if not asked:
        raise error(400, "indicator is required, e.g. ?indicator=KEC-4.2, or ?indicator=victims")
    if asked.lower() == "victims":
        span = (args.get("span") or "lop").strip().lower()
        if span != "lop":
            raise error(
                400, f"span: victims are counted to date; ask span=lop or leave it out (found {span!r})"
            )
        found, unknown = places.victims_by_district(session, programme.code)
        rows = [_figure(name, place.value, plan, ("district", name)) for name, place in sorted(found.items())]
        unknown_value = _figure("", unknown, plan, ("district", "")).value if found or unknown else None
        return Districts(
            programme=programme.code,
            indicator="victims",
            period=None,
            span="lop",
            districts=rows,
            unknown_place=unknown_value,
        )
    code = asked.upper()
    indicator = next((i for i in programme.indicators if i.code == code), None)
    if indicator is None:
        raise error(404, f"no indicator {code!r} in {programme.code}")
    if not places.mappable(indicator):
        raise error(
            400,
            f"indicator: {code} is not counted from activities that name a district; mapped are "
            + (", ".join(i.code for i in programme.indicators if places.mappable(i)) or "none"),
        )
    span = (args.get("span") or "quarter").strip().lower()
    if span not in places.SPANS:
        raise error(400, f"span: {span!r} is none of quarter, year, lop")
    period = (args.get("period") or "").strip()
    if not period:
        raise error(400, "period is required for an indicator, e.g. ?period=FY2019Q3")
    quarter = _quarter(programme, period, error)
    codes = geography.districts()
    values = places.by_district(session, code, quarter, span)
    rows = [
        DistrictFigure(district=name, code=codes[name].code, value=place.value)
        for name, place in sorted(values.items())
    ]
    return Districts(programme=programme.code, indicator=code, period=quarter.code, span=span, districts=rows)


def _quarter(programme, period: str, error):
    from indicators.figures.figures import FiguresError, report_quarter

    try:
        return report_quarter(programme, period)
    except FiguresError as exc:
        raise error(400, f"period: {exc}") from None


def _figure(name: str, value, plan, key) -> DistrictFigure:
    from indicators.figures import geography

    code = geography.districts()[name].code if name else ""
    if plan is None:
        return DistrictFigure(district=name, code=code, value=value)
    cell = plan.cell(key)
    if cell.withheld:
        return DistrictFigure(district=name, code=code, value=None, withheld=cell.text)
    plan.check(key, value)
    return DistrictFigure(district=name, code=code, value=value)
