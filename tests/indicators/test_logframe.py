"""Editing an indicator in the browser: validated like a programme file, every change logged with its reason,
sign-offs named, nothing changed when a value is refused; and init keeps browser edits unless --from-file."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from indicators.access import audit
from indicators.figures import signoff
from indicators.figures.figures import figures
from indicators.programmes import definitions, history, logframe
from indicators.store.models import Indicator
from tests.builders import make_training
from tests.stores import PROGRAMMES


def target(db, code, period):
    return db.scalar(select(Indicator).where(Indicator.code == code)).target_for(period)


def test_a_donors_revised_targets_are_applied_logged_and_recompute_the_status(db):
    make_training(db, "KEC", start_date=date(2019, 4, 10), female=150, male=150)
    before = next(i for i in figures(db, "KEC", "FY2019Q3").indicators if i.indicator.code == "KEC-4.2")
    assert before.year_to_date.target_to_date == round(400 * 273 / 365) and before.status == "On track"
    done = logframe.edit(
        db,
        "KEC-4.2",
        by="amina",
        reason="Donor-approved modification",
        comment="Award modification 3",
        targets={"FY2019": "600", "LOP": "1,320"},
    )
    assert done.ok and done.changes == ["FY2019 target: 400 → 600", "LOP target: 1120 → 1320"]
    assert (target(db, "KEC-4.2", "FY2019"), target(db, "KEC-4.2", "LOP")) == (600, 1320)
    after = next(i for i in figures(db, "KEC", "FY2019Q3").indicators if i.indicator.code == "KEC-4.2")
    assert after.year_to_date.target == 600 and after.status == "Behind"  # 300 of 449 due: 67%
    logged = history.changes(db, "KEC-4.2")
    assert [history.describe(c) for c in logged] == ["LOP target: 1120 → 1320", "FY2019 target: 400 → 600"]
    assert {(c.changed_by, c.reason, c.comment) for c in logged} == {
        ("amina", "Donor-approved modification", "Award modification 3")
    }
    event = audit.recent(db, 1, action="indicator-edited")[0]
    assert event.target == "KEC-4.2" and event.detail["changes"] == done.changes


@pytest.mark.parametrize(
    "edit, field, message",
    [
        ({"targets": {"FY2019": "-5"}}, "target:FY2019", "a number of 0 or more"),
        ({"targets": {"FY2019": "many"}}, "target:FY2019", "a number of 0 or more"),
        ({"targets": {"FY2031": "5"}}, "target:FY2031", "a year of KEC"),
        ({"values": {"baseline": "-1"}}, "baseline", "a number of 0 or more"),
        ({"values": {"name": " "}}, "name", "the indicator's name"),
        ({"sheet": {"baseline_date": "31/12/2016"}}, "baseline_date", "yyyy-mm-dd"),
    ],
)
def test_a_refused_value_changes_nothing(db, edit, field, message):
    with_a_good_change = edit if "targets" in edit else {"targets": {"LOP": "2000"}, **edit}
    done = logframe.edit(
        db, "KEC-4.2", by="amina", reason="Data correction", comment="typo", **with_a_good_change
    )
    assert not done.ok and message in done.problems[field]
    assert target(db, "KEC-4.2", "LOP") == 1120 and history.changes(db, "KEC-4.2") == []


def test_a_percentage_target_stays_within_100_and_a_reason_and_comment_are_needed(db):
    done = logframe.edit(db, "KEC-4.3", by="amina", reason="Because", comment="", targets={"FY2019": "120"})
    assert set(done.problems) == {"reason", "comment", "target:FY2019"}
    assert "from 0 to 100" in done.problems["target:FY2019"]


def test_a_signed_off_years_target_may_change_and_the_sign_off_is_named(db):
    signoff.sign_off(
        db,
        "KEC",
        "FY2019Q2",
        "claire",
        b"kept",
        "iptt",
        "x.xlsx",
        acknowledged=signoff.missing_narratives(db, "KEC", "FY2019Q2"),
    )
    done = logframe.edit(
        db,
        "KEC-4.1",
        by="amina",
        reason="Budget realignment",
        comment="fewer trainings",
        targets={"FY2019": "8"},
    )
    assert done.ok and done.signed_off[0].startswith("FY2019Q2 (signed off by claire on ")
    assert signoff.signed_report(db, "KEC", "FY2019Q2").report == b"kept"
    other = logframe.edit(
        db, "KEC-4.1", by="amina", reason="Budget realignment", comment="x", targets={"FY2020": "5"}
    )
    assert other.ok and other.signed_off == []


def test_init_keeps_a_browser_edit_unless_told_to_take_the_file(db):
    logframe.edit(
        db,
        "KEC-4.2",
        by="amina",
        reason="Donor-approved modification",
        comment="mod 3",
        targets={"FY2019": "600"},
    )
    differences: list[str] = []
    definitions.load_directory(db, PROGRAMMES, user="root", differences=differences)
    assert target(db, "KEC-4.2", "FY2019") == 600
    assert differences == [
        (
            "KEC-4.2 FY2019 target: the file says 400, the store 600 (edited in the browser by amina "
            f"on {date.today():%Y-%m-%d}, Donor-approved modification): kept the store's; "
            "`ctmonitor init --from-file` takes the file's"
        )
    ]
    definitions.load_directory(db, PROGRAMMES, user="root", from_file=True, differences=[])
    assert target(db, "KEC-4.2", "FY2019") == 400
    assert history.describe(history.changes(db, "KEC-4.2")[0]) == "FY2019 target: 600 → 400"
    assert history.changes(db, "KEC-4.2")[0].reason == history.FROM_FILE


def test_the_exported_programme_file_loads_back_to_the_same_logframe(db, tmp_path):
    logframe.edit(
        db,
        "KEC-4.2",
        by="amina",
        reason="Donor-approved modification",
        comment="mod 3",
        targets={"FY2019": "600"},
        sheet={"rationale": "Revised with the donor in 2019."},
    )
    exported = definitions.from_store(
        db.scalar(select(Indicator).where(Indicator.code == "KEC-4.2")).programme
    )
    path = tmp_path / "kec.yaml"
    path.write_text(definitions.to_yaml(exported, note="test"), encoding="utf-8")
    again = definitions.read_file(path)
    assert again == exported
    k42 = next(i for r in again.results for i in r.indicators if i.code == "KEC-4.2")
    assert k42.targets["FY2019"] == 600 and k42.reference_sheet.rationale == "Revised with the donor in 2019."


def test_programmes_export_then_init_on_a_fresh_store_gives_the_same_logframe(tmp_path, capsys):
    import dataclasses

    from indicators.store.db import Store
    from tests.builders import fresh_store, run_command

    first = fresh_store(tmp_path / "first")
    store = Store(first)
    with store.begin() as session:
        done = logframe.edit(
            session,
            "PVR-3.1",
            by="amina",
            reason="Donor-approved modification",
            comment="mod 2",
            targets={"FY2020": "35", "LOP": "95"},
            sheet={"data_quality.last_assessment": "2019-11-20"},
        )
        assert done.ok
    store.dispose()
    exported = tmp_path / "files" / "pvr.yaml"
    assert run_command(first, "programmes", "export", "PVR", "-o", str(exported)) == 0
    second = dataclasses.replace(
        first, database_url=f"sqlite:///{tmp_path / 'second.sqlite'}", programmes_dir=exported.parent
    )
    assert run_command(second, "init") == 0
    again = tmp_path / "again.yaml"
    assert run_command(second, "programmes", "export", "PVR", "-o", str(again)) == 0

    def body(path):  # the file but its header (which says when it was written)
        return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]

    assert body(again) == body(exported)
    assert "FY2020: 35.0" in exported.read_text() and "last_assessment: '2019-11-20'" in exported.read_text()
    capsys.readouterr()
    assert run_command(second, "programmes", "export", "NOPE", "-o", str(again)) == 2
    assert "no programme 'NOPE'; known: PVR" in capsys.readouterr().err


def test_the_change_log_travels_with_programmes_export_and_init_from_file(tmp_path):
    import dataclasses

    from sqlalchemy import func

    from indicators.store.db import Store
    from indicators.store.models import IndicatorChange
    from tests.builders import fresh_store, run_command

    def log(settings):
        store = Store(settings)
        with store.Session() as session:
            rows = [
                (
                    c.field,
                    c.period,
                    c.old_value,
                    c.new_value,
                    c.reason,
                    c.comment,
                    c.changed_by,
                    c.changed_at.replace(microsecond=0),
                )
                for c in history.changes(session, "PVR-3.1")
            ]
            count = session.scalar(select(func.count(IndicatorChange.id)))
        store.dispose()
        return rows, count

    first = fresh_store(tmp_path / "first")
    store = Store(first)
    with store.begin() as session:
        assert logframe.edit(
            session,
            "PVR-3.1",
            by="amina",
            reason="Donor-approved modification",
            comment="modification 2 of the award",
            targets={"FY2020": "35"},
        ).ok
        assert logframe.edit(
            session,
            "PVR-3.1",
            by="claire",
            reason="Data correction",
            comment="typo in the PIRS",
            sheet={"rationale": "Identification is the first step of protection."},
        ).ok
    store.dispose()
    kept, _ = log(first)
    assert [(field, who) for field, *_, who, _at in kept] == [
        ("reference_sheet.rationale", "claire"),
        ("target", "amina"),
    ]
    exported = tmp_path / "files" / "pvr.yaml"
    assert run_command(first, "programmes", "export", "PVR", "-o", str(exported)) == 0
    assert "change_log:" in exported.read_text(encoding="utf-8")

    second = dataclasses.replace(
        first, database_url=f"sqlite:///{tmp_path / 'second.sqlite'}", programmes_dir=exported.parent
    )
    assert run_command(second, "init", "--from-file") == 0
    restored, count = log(second)
    assert restored == kept  # who, when, old → new and why, as they were
    assert run_command(second, "init") == 0 and log(second) == (restored, count)  # loading again adds nothing
