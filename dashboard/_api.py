"""The read-only JSON API for partners' systems, under ``/api/v1``.

- ``GET /api/v1/programmes``: the programmes the token's user may see;
- ``GET /api/v1/programmes/{code}``: one programme's logframe and targets;
- ``GET /api/v1/programmes/{code}/figures?period=FY2019Q3``: exactly the rows of the CSV results
  (``exports.results_csv``) for that quarter, as JSON (numbers as numbers, empty as null);
- ``GET /api/v1/programmes/{code}/activities?quarter=FY2019Q3``: the quarter's activity records with their
  provenance, for staff accounts only;
- ``GET /api/v1/programmes/{code}/districts?indicator=KEC-4.2&period=FY2019Q3&span=lop``: the maps' figures,
  an activity indicator per district, or ``indicator=victims`` (to date; donors' rules applied);
- ``GET /api/v1/openapi.json``: the OpenAPI 3 document, generated from the declarations below; ``GET /api/v1``:
  where it is. Anything else under ``/api`` is a JSON 404, never a page.

Every request but the document needs ``Authorization: Bearer <token>`` (``indicators.access.tokens``): no token, or
an unknown, revoked or expired one, is 401; another donor's programme or staff-only data is 403; more than
the token's requests per minute is 429. Every answer is JSON, errors included. Browser sessions do not open
the API.

The audit trail: every request with a valid token is recorded (who, which route, the answer's status), a
token sent in the address (``?access_token=``) redacted. Requests without a valid token are counted per client
address and minute, in one counted entry each (``audit.tally``), and the same count throttles them: past
``REFUSALS_PER_MINUTE`` an address is answered 429 with ``Retry-After`` until its minute is over, so a flood of
guessed tokens neither fills the audit trail nor gets a guess checked for free.
"""

from __future__ import annotations

import logging
from datetime import date
from urllib.parse import quote

from flask import Blueprint, Response, current_app, g, jsonify, request
from pydantic import BaseModel
from werkzeug.exceptions import HTTPException

from dashboard._api_models import (
    Activities,
    ActivityRecord,
    Districts,
    FigureRow,
    Figures,
    Index,
    ProgrammeDetail,
    ProgrammeList,
    ProgrammeSummary,
    ResultDefinition,
)
from dashboard._api_rows import indicator_definition, json_number, json_value
from dashboard._openapi import PERIOD_PATTERN, Endpoint, Parameter, document

PREFIX = "/api/v1"
VERSION = "1.0"
ACTIVITY_LIMIT = 10_000
REFUSALS_PER_MINUTE = 20  # requests without a valid token one client address may make in a minute
log = logging.getLogger("ctmonitor.api")
api = Blueprint("api", __name__, url_prefix=PREFIX)
PUBLIC = (PREFIX, PREFIX + "/", PREFIX + "/openapi.json")  # answered without a token


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


# --- the routes -----------------------------------------------------------------------------------------

CODE = Parameter("code", "path", "the programme's code", example="KEC")
ENDPOINTS: list[Endpoint] = []


def endpoint(declared: Endpoint):
    """Declare a route once: its Flask view and its entry in the OpenAPI document."""

    def register(view):
        ENDPOINTS.append(declared)
        api.add_url_rule(declared.flask_rule, view.__name__, view, methods=["GET"])
        return view

    return register


def _answer(model: BaseModel) -> Response:
    return jsonify(model.model_dump(mode="json"))


@endpoint(
    Endpoint("/programmes", "The programmes this token's account may read", ProgrammeList, errors=(401, 429))
)
def programmes():
    from indicators.store.models import Programme

    with _store().Session() as session:
        visible = _visible(session)
        rows = session.query(Programme).filter(Programme.code.in_(visible)).order_by(Programme.code).all()
        return _answer(ProgrammeList(programmes=[_summary(p) for p in rows]))


@endpoint(
    Endpoint(
        "/programmes/{code}",
        "A programme's logframe: results, indicators and their targets",
        ProgrammeDetail,
        parameters=(CODE,),
    )
)
def programme(code: str):
    from indicators.figures.figures import programme_quarters

    with _store().Session() as session:
        prog = _programme(session, code)
        results = [
            ResultDefinition(
                code=r.code,
                level=r.level,
                category=r.category,
                statement=r.statement,
                indicators=[
                    indicator_definition(i) for i in sorted(r.indicators, key=lambda i: i.sort_order)
                ],
            )
            for r in sorted(prog.results, key=lambda r: r.sort_order)
        ]
        return _answer(
            ProgrammeDetail(
                **_summary(prog).model_dump(),
                results=results,
                quarters=[q.code for q in programme_quarters(prog)],
            )
        )


PERIOD = Parameter("period", "query", "the report quarter", example="FY2019Q3", pattern=PERIOD_PATTERN)


@endpoint(
    Endpoint(
        "/programmes/{code}/figures",
        "A quarter's figures, exactly as the CSV results",
        Figures,
        description="One row per indicator, period (the quarter, the year to date, LOP to date) and "
        "disaggregation category, as `ctmonitor export --format csv` writes them.",
        parameters=(CODE, PERIOD),
        errors=(400, 401, 403, 404, 429),
    )
)
def figures(code: str):
    from exports.results_csv import rows
    from indicators.figures.figures import FiguresError
    from indicators.protection import disclosure
    from indicators.reporting.reporting import report_for

    with _store().Session() as session:
        prog = _programme(session, code)
        period = _required("period")
        try:
            plan = disclosure.plan(session, prog.code, _settings().small_cell) if _for_donor() else None
            report = report_for(session, prog.code, period, plan=plan)
        except FiguresError as exc:
            raise ApiError(400, f"period: {exc}") from None
        table = [
            FigureRow(
                programme=p,
                indicator=i,
                period=pe,
                disaggregation=d,
                category=c,
                actual=json_number(a),
                target=json_number(t),
                withheld=None if json_number(a) is not None or a == "" else a,
                period_start=date.fromisoformat(start),
                period_end=date.fromisoformat(end),
                unit=unit,
                indicator_title=title,
            )
            for p, i, pe, d, c, a, t, start, end, unit, title in rows(report)
        ]
        return _answer(Figures(programme=prog.code, period=report.cover.period_code, figures=table))


QUARTER = Parameter(
    "quarter", "query", "the quarter the records count in", example="FY2019Q3", pattern=PERIOD_PATTERN
)


@endpoint(
    Endpoint(
        "/programmes/{code}/activities",
        "A quarter's activity records, with where each came from",
        Activities,
        parameters=(CODE, QUARTER),
        staff_only=True,
        errors=(400, 401, 403, 404, 429),
    )
)
def activities(code: str):
    from dashboard._records import activity_rows
    from indicators.figures.figures import FiguresError, report_quarter

    if g.api_holder.role not in ("admin", "manager", "officer"):
        raise ApiError(403, "activity records are for staff accounts; this token's account is a donor's")
    with _store().Session() as session:
        prog = _programme(session, code)
        try:
            quarter = report_quarter(prog, _required("quarter"))
        except FiguresError as exc:
            raise ApiError(400, f"quarter: {exc}") from None
        found, total = activity_rows(
            session, programme_codes=[prog.code], quarter=quarter.code, limit=ACTIVITY_LIMIT
        )
        records = [
            ActivityRecord(
                **{k: json_value(k, v) for k, v in row.items() if k in ActivityRecord.model_fields}
            )
            for row in found
        ]
        return _answer(Activities(programme=prog.code, quarter=quarter.code, total=total, activities=records))


INDICATOR = Parameter(
    "indicator",
    "query",
    "an indicator counted from activities that name a district (trainings, awareness events), or victims",
    example="KEC-4.2",
)
SPAN = Parameter(
    "span",
    "query",
    "quarter (the report quarter), year (to date) or lop (to date); victims are counted to date only",
    required=False,
    example="lop",
    pattern="quarter|year|lop",
)
PERIOD_OPTIONAL = Parameter(
    "period",
    "query",
    "the report quarter (not for victims)",
    required=False,
    example="FY2019Q3",
    pattern=PERIOD_PATTERN,
)


@endpoint(
    Endpoint(
        "/programmes/{code}/districts",
        "An indicator's value per district, as the maps draw it",
        Districts,
        parameters=(CODE, INDICATOR, PERIOD_OPTIONAL, SPAN),
        description="The Logframe page's map (an activity indicator over the report quarter, the year "
        "to date or the life of project to date) or the Victims profile's (possible and "
        "actual victims by the district where they were identified, to date; for a "
        "donor's token as the disclosure rules let a donor see them).",
        errors=(400, 401, 403, 404, 429),
    )
)
def districts(code: str):
    from dashboard._api_places import districts_answer

    with _store().Session() as session:
        prog = _programme(session, code)
        plan = None
        if _for_donor():
            from indicators.protection import disclosure

            plan = disclosure.plan(session, prog.code, _settings().small_cell)
        return _answer(districts_answer(session, prog, request.args, plan, ApiError))


@api.get("/", strict_slashes=False)
def index():
    return _answer(
        Index(
            name="ctmonitor API",
            version=VERSION,
            openapi=f"{PREFIX}/openapi.json",
            routes=[PREFIX + e.path for e in ENDPOINTS],
        )
    )


@api.get("/openapi.json")
def openapi():
    return jsonify(document(ENDPOINTS, title="ctmonitor API", version=VERSION, base=PREFIX))


@api.get("/<path:anything>")
def nothing_here(anything: str):
    raise ApiError(404, f"no route {PREFIX}/{anything}; see {PREFIX}/openapi.json")


# --- every request: the token, the rate limit, the audit trail, JSON errors --------------------------------


@api.before_request
def _check_token():
    from indicators.access import tokens

    g.api_holder = None
    if request.path in PUBLIC:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, text = header.partition(" ")
    sent = scheme.lower() == "bearer" and bool(text.strip())
    with _store().begin() as session:
        holder = tokens.holder(session, text.strip(), max_days=_settings().token_max_days) if sent else None
        if holder is None:
            refusal = _count_refusal(session, sent)
        else:
            allowed, wait = tokens.count_request(session, holder.token_id, _settings().api_rate_limit)
    if holder is None:
        raise refusal
    g.api_holder = holder
    if not allowed:
        g.api_retry = wait
        raise ApiError(
            429, f"more than {_settings().api_rate_limit} requests this minute; try again in {wait} s"
        )
    return


def _count_refusal(session, sent: bool) -> ApiError:
    """No valid token: counted for the client address in this minute's entry of the audit trail (committed by
    the caller), and the refusal to raise: 401, or 429 past ``REFUSALS_PER_MINUTE``."""
    from indicators.access import audit

    count, left = audit.tally(session, "api-refused", request.remote_addr or "unknown")
    g.api_tallied = True
    if count > REFUSALS_PER_MINUTE:
        g.api_retry = left
        return ApiError(
            429, f"too many requests without a valid token from this address; try again in {g.api_retry} s"
        )
    if not sent:
        return ApiError(401, "a token is needed: send Authorization: Bearer <token> (ctmonitor tokens add)")
    return ApiError(401, "the token is unknown, revoked or expired")


@api.after_request
def _record(response: Response) -> Response:
    from indicators.access import audit

    holder = g.get("api_holder")
    if request.path in PUBLIC or (holder is None and g.get("api_tallied")):
        return response  # the document is public; a request without a valid token is in its address's count
    target = request.path + (
        f"?{request.query_string.decode(errors='replace')}" if request.query_string else ""
    )
    try:
        with _store().begin() as session:
            audit.record(
                session,
                holder.username if holder else "anonymous",
                "api-request",
                target,
                status=response.status_code,
                token=holder.prefix if holder else None,
                address=request.remote_addr,
            )
    except Exception:  # the answer stands even if it cannot be written down
        log.exception("could not record an API request")
    return response


@api.errorhandler(ApiError)
def _api_error(error: ApiError):
    response = jsonify(error=error.message, status=error.status)
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ctmonitor"'
    if error.status == 429:
        response.headers["Retry-After"] = str(g.get("api_retry", 60))
    if error.status == 405:
        response.headers["Allow"] = "GET, HEAD"
    return response


@api.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return _api_error(ApiError(error.code or 500, error.description or error.name))


@api.errorhandler(Exception)
def _failure(error: Exception):
    log.exception("API request failed: %s", request.path, exc_info=error)
    return _api_error(ApiError(500, "something went wrong on the server; it has been logged"))


def init_app(server) -> None:
    server.register_blueprint(api)

    @server.route("/api", defaults={"rest": ""}, strict_slashes=False)
    @server.route("/api/", defaults={"rest": ""}, endpoint="api_root_slash")
    @server.route("/api/<path:rest>")
    def _elsewhere(rest: str):  # under /api but not a version this server has: JSON too, never a page
        return _api_error(
            ApiError(404, f"no route /api/{rest}; this server answers {PREFIX} (see {PREFIX}/openapi.json)")
        )

    @server.errorhandler(405)
    def _method(error):  # a route of the API asked with the wrong method: JSON, as every API answer
        if request.path == "/api" or request.path.startswith("/api/"):
            return _api_error(
                ApiError(405, f"{request.method} is not allowed here: the API only reads (GET)")
            )
        return error


# --- helpers ---------------------------------------------------------------------------------------------


def _store():
    return current_app.extensions["ctmonitor.store"]


def _settings():
    return current_app.extensions["ctmonitor.settings"]


def _visible(session) -> list[str]:
    from indicators.access.accounts import visible_programme_codes

    holder = g.api_holder
    return visible_programme_codes(session, holder.role, holder.donor)


def _programme(session, code: str):
    """The programme named, if this token's account may read it: 404 if there is none, 403 if not theirs."""
    from sqlalchemy.orm import selectinload

    from indicators.store.models import Indicator, Programme, Result

    cleaned = (code or "").strip().upper()
    prog = (
        session.query(Programme)
        .filter(Programme.code == cleaned)
        .options(
            selectinload(Programme.results).selectinload(Result.indicators).selectinload(Indicator.targets)
        )
        .first()
    )
    if prog is None:
        raise ApiError(404, f"no programme {cleaned!r}")
    if prog.code not in _visible(session):
        raise ApiError(403, f"{prog.code} is not available to this token's account")
    return prog


def _required(name: str) -> str:
    value = (request.args.get(name) or "").strip()
    if not value:
        raise ApiError(400, f"{name} is required, e.g. ?{name}=FY2019Q3")
    return value


def _summary(prog) -> ProgrammeSummary:
    return ProgrammeSummary(
        code=prog.code,
        title=prog.title,
        short_title=prog.short_title,
        donor=prog.donor,
        award_number=prog.award_number,
        partners=list(prog.partners or []),
        government_lead=prog.government_lead,
        start_date=prog.start_date,
        end_date=prog.end_date,
        calendar=prog.calendar,
        url=f"{PREFIX}/programmes/{quote(prog.code)}",
    )


def _for_donor() -> bool:
    """A donor's token: victim figures as ``indicators.protection.disclosure`` plans them for donors."""
    return g.api_holder.role not in ("admin", "manager", "officer")
