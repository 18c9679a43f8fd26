"""Exports of KoboToolbox and ODK Central forms, written as those tools write them, with edits made as they make
them. Every name here is invented.

- KoboToolbox, "XML values and headers": group paths in headers (``case/prs_Gender``), the form's ``start`` and
  ``end``, ``meta/instanceID`` (``uuid:…``), ``meta/rootUuid`` (``uuid:…``), then ``_id``, ``_uuid`` (bare),
  ``_submission_time``, ``_validation_status``, ``_notes``, ``_status``, ``_submitted_by``, ``__version__``,
  ``_tags``, ``_index``; XLSX, or CSV with ``;`` between quoted values. An edit gets a new ``_uuid`` and
  ``meta/instanceID`` (and a later ``__version__`` when the form changed); ``meta/rootUuid`` stays.
- ODK Central, CSV: ``SubmissionDate`` first, group paths joined by ``-``, ``meta-instanceID``, then ``KEY``
  (the submission's original instance id), ``SubmitterID``, ``SubmitterName``, ``AttachmentsPresent``,
  ``AttachmentsExpected``, ``Status``, ``ReviewState``, ``DeviceID``, ``Edits``, ``FormVersion``. An edit gets a
  new ``meta-instanceID``, names the one it replaces in ``meta-deprecatedID`` (a column only when the form
  has the field), keeps ``KEY``, and counts in ``Edits`` with ``ReviewState`` edited.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field, replace

from openpyxl import Workbook

KOBO_META = (
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
)
ODK_META = (
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
)


def _uuid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ctmonitor-test/{seed}"))


@dataclass
class Submission:
    """One submission of a form as it stands: its answers (field path -> value) and its identities."""

    answers: dict
    root: str  # the first instance's uuid (bare)
    current: str  # this version's uuid (bare)
    deprecated: str | None = None  # the version it replaced (bare)
    edits: int = 0
    number: int = 0  # Kobo's _id
    submitted: str = "2019-06-03T09:21:00"
    version: str = "vLRk3dzPq9Tq8a"

    def edited(self, **answers) -> Submission:
        """The submission after an edit in KoboToolbox or ODK Central: new answers, a new instance id."""
        new = _uuid(f"{self.current}/edit")
        return replace(
            self,
            answers={**self.answers, **answers},
            current=new,
            deprecated=self.current,
            edits=self.edits + 1,
            version="vY7fe2nkw7ZEN3",
        )


def submissions(rows: list[dict], seed: str, first_number: int = 41_800_000) -> list[Submission]:
    out = []
    for n, answers in enumerate(rows):
        bare = _uuid(f"{seed}/{n}")
        out.append(Submission(dict(answers), bare, bare, number=first_number + n))
    return out


@dataclass
class Form:
    """A form's answer columns as the export heads them (Kobo's paths; ODK's are the same with ``-``), and the
    select-multiple fields whose options Kobo writes once more as 0/1 columns."""

    fields: tuple[str, ...]
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)


CASE_FORM = Form(
    (
        "case/prs_FirstName",
        "case/prs_SecondName",
        "case/prs_Birthdate",
        "case/prs_Gender",
        "case/prs_Citizenship",
        "case/location",
        "case/vic_TraffickingStatus",
        "case/vic_TypeOfExploitation",
        "case/vic_LocationOfExploitation",
        "case/cas_IncomingReferralDate",
        "case/cas_OutgoingReferralDate",
    ),
    {"case/vic_TypeOfExploitation": ("forced_labour", "sexual_exploitation", "servitude")},
)
TRAINING_FORM = Form(
    (
        "training/date",
        "training/district",
        "training/target_group",
        "training/topic",
        "training/female",
        "training/male",
        "training/post_test",
    )
)


def kobo_header(form: Form, *, instance_id: bool = True, root_uuid: bool = True) -> list[str]:
    header = ["start", "end"]
    for name in form.fields:
        header.append(name)
        header += [f"{name}/{option}" for option in form.options.get(name, ())]
    header += ["meta/instanceID"] * instance_id + ["meta/rootUuid"] * root_uuid
    return header + list(KOBO_META)


def kobo_rows(
    form: Form, subs: list[Submission], *, instance_id: bool = True, root_uuid: bool = True
) -> list[list]:
    rows = []
    for index, sub in enumerate(subs, start=1):
        row = ["2019-06-03T09:00:11.204+02:00", "2019-06-03T09:18:40.771+02:00"]
        for name in form.fields:
            value = sub.answers.get(name, "")
            row.append(value)
            chosen = str(value).split()
            row += [int(option in chosen) if value != "" else "" for option in form.options.get(name, ())]
        row += [f"uuid:{sub.current}"] * instance_id + [f"uuid:{sub.root}"] * root_uuid
        row += [
            sub.number,
            sub.current,
            sub.submitted,
            "",
            "",
            "submitted_via_web",
            "officer_kobo",
            sub.version,
            "",
            index,
        ]
        rows.append(row)
    return rows


def kobo_xlsx(form: Form, subs: list[Submission], title: str = "Case form (HTCDS)", **ids) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(kobo_header(form, **ids))
    for row in kobo_rows(form, subs, **ids):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def kobo_csv(form: Form, subs: list[Submission], **ids) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(kobo_header(form, **ids))
    writer.writerows(kobo_rows(form, subs, **ids))
    return out.getvalue().encode("utf-8")


def odk_rows(form: Form, subs: list[Submission], *, deprecated_column: bool = False) -> list[list]:
    header = ["SubmissionDate", *(name.replace("/", "-") for name in form.fields), "meta-instanceID"]
    header += ["meta-deprecatedID"] * deprecated_column + list(ODK_META)
    rows = [header]
    for sub in subs:
        row = [
            "2019-06-03T07:21:00.118Z",
            *(sub.answers.get(name, "") for name in form.fields),
            f"uuid:{sub.current}",
        ]
        row += [f"uuid:{sub.deprecated}" if sub.deprecated else ""] * deprecated_column
        row += [
            f"uuid:{sub.root}",
            7,
            "Odette Uwera",
            0,
            0,
            "",
            "edited" if sub.edits else "",
            "collect:9RkzQ1",
            sub.edits,
            "2019052801",
        ]
        rows.append(row)
    return rows


def odk_csv(form: Form, subs: list[Submission], **options) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(odk_rows(form, subs, **options))
    return out.getvalue().encode("utf-8")


def odk_xlsx(form: Form, subs: list[Submission], **options) -> bytes:
    """ODK Central's CSV export opened in Excel and saved as a workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = "trafficking_cases"
    for row in odk_rows(form, subs, **options):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PEOPLE = [
    {
        "case/prs_FirstName": "Aline",
        "case/prs_SecondName": "Niyonsaba",
        "case/prs_Birthdate": "2001",
        "case/prs_Gender": "feminine",
        "case/prs_Citizenship": "BI",
        "case/location": "mahama",
        "case/vic_TraffickingStatus": "possible_victim_of_trafficking",
        "case/vic_TypeOfExploitation": "forced_labour sexual_exploitation",
        "case/vic_LocationOfExploitation": "Riyadh",
        "case/cas_IncomingReferralDate": "2019-03-04",
        "case/cas_OutgoingReferralDate": "",
    },
    {
        "case/prs_FirstName": "Patrick",
        "case/prs_SecondName": "Mugisha",
        "case/prs_Birthdate": "Unknown",
        "case/prs_Gender": "masculine",
        "case/prs_Citizenship": "CD",
        "case/location": "kirehe",
        "case/vic_TraffickingStatus": "possible_victim_of_trafficking",
        "case/vic_TypeOfExploitation": "forced_labour",
        "case/vic_LocationOfExploitation": "Kampala, Uganda",
        "case/cas_IncomingReferralDate": "2019-04-11",
        "case/cas_OutgoingReferralDate": "",
    },
    {
        "case/prs_FirstName": "Josiane",
        "case/prs_SecondName": "Uwimana",
        "case/prs_Birthdate": "2003-07-19",
        "case/prs_Gender": "feminine",
        "case/prs_Citizenship": "RW",
        "case/location": "rusizi",
        "case/vic_TraffickingStatus": "actual_victim_of_trafficking",
        "case/vic_TypeOfExploitation": "servitude",
        "case/vic_LocationOfExploitation": "Muscat, Oman",
        "case/cas_IncomingReferralDate": "2019-05-02",
        "case/cas_OutgoingReferralDate": "2019-05-06",
    },
    {
        "case/prs_FirstName": "Divine",
        "case/prs_SecondName": "Irakoze",
        "case/prs_Birthdate": "~2005",
        "case/prs_Gender": "feminine",
        "case/prs_Citizenship": "BI",
        "case/location": "mahama",
        "case/vic_TraffickingStatus": "possible_victim_of_trafficking",
        "case/vic_TypeOfExploitation": "servitude",
        "case/vic_LocationOfExploitation": "Nairobi",
        "case/cas_IncomingReferralDate": "2019-05-20",
        "case/cas_OutgoingReferralDate": "",
    },
]
TRAININGS = [
    {
        "training/date": "2019-04-03",
        "training/district": "gasabo",
        "training/target_group": "police",
        "training/topic": "Victim identification",
        "training/female": 12,
        "training/male": 8,
    },
    {
        "training/date": "2019-04-17",
        "training/district": "rubavu",
        "training/target_group": "dgie",
        "training/topic": "Border screening",
        "training/female": 6,
        "training/male": 15,
        "training/post_test": 18,
    },
    {
        "training/date": "2019-05-09",
        "training/district": "huye",
        "training/target_group": "teachers",
        "training/topic": "Recognising recruitment",
        "training/female": 21,
        "training/male": 9,
    },
]

AWARENESS_FORM = Form(
    (
        "event/date",
        "event/district",
        "event/setting",
        "event/camp",
        "event/activity",
        "event/female",
        "event/male",
        "event/under_18",
    )
)
AWARENESS = [
    {
        "event/date": "2019-04-12",
        "event/district": "kirehe",
        "event/setting": "refugee_camp",
        "event/camp": "mahama",
        "event/activity": "Community dialogue",
        "event/female": 64,
        "event/male": 41,
        "event/under_18": 20,
    },
    {
        "event/date": "2019-05-07",
        "event/district": "rusizi",
        "event/setting": "border_area",
        "event/camp": "",
        "event/activity": "Drama at the crossing",
        "event/female": 120,
        "event/male": 95,
    },
]
MEETING_FORM = Form(
    ("meeting/date", "meeting/body", "meeting/participants", "meeting/institutions", "meeting/decisions")
)
MEETINGS = [
    {
        "meeting/date": "2019-04-25",
        "meeting/body": "Technical Committee",
        "meeting/participants": 18,
        "meeting/institutions": 9,
        "meeting/decisions": "SOP draft reviewed",
    },
    {
        "meeting/date": "2019-06-20",
        "meeting/body": "Technical Committee",
        "meeting/participants": 15,
        "meeting/institutions": 8,
        "meeting/decisions": "Referral pathway agreed",
    },
]
