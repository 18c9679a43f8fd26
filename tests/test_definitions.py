"""Programme definition files through the loader, on the suite's own copies (tests/data/programmes): what is
stored of them, idempotent loading, updates, and malformed files. The shipped files are
tests/test_shipped_programmes.py's."""

import shutil

import pytest
from sqlalchemy import func, select

from indicators.programmes import definitions
from indicators.programmes.definitions import DefinitionError
from indicators.store.models import Indicator, Phase, Programme, Target, Training
from tests.stores import PROGRAMMES


def _targets(session, code):
    indicator = session.scalar(select(Indicator).where(Indicator.code == code))
    return {t.period: t.value for t in indicator.targets}


def test_the_programme_files_are_stored_as_written(session):
    programmes = {p.code: p for p in session.scalars(select(Programme))}
    assert set(programmes) == {"KEC", "PVR", "GIFT"}
    kec, pvr, gift = programmes["KEC"], programmes["PVR"], programmes["GIFT"]
    assert (kec.donor, str(kec.start_date), str(kec.end_date), kec.calendar) == (
        "USAID",
        "2017-01-01",
        "2020-06-30",
        "fiscal",
    )
    assert kec.partners == ["UN Women", "UNICEF"]
    assert (pvr.donor, str(pvr.start_date), pvr.partners) == (
        "U.S. Department of State",
        "2018-02-01",
        ["UNHCR"],
    )
    assert (gift.calendar, str(gift.start_date), str(gift.end_date)) == (
        "calendar",
        "2011-10-01",
        "2013-03-31",
    )
    assert [len(p.indicators) for p in (kec, pvr, gift)] == [8, 5, 4]


def test_gift_phases_with_budget_pledges_and_gap(session):
    phases = session.scalars(
        select(Phase).join(Programme).where(Programme.code == "GIFT").order_by(Phase.start_date)
    ).all()
    assert [(p.name, int(p.budget), int(p.pledged), int(p.funding_gap)) for p in phases] == [
        ("Phase One", 302226, 302226, 0),
        ("Phase Two", 460000, 0, 460000),
    ]
    assert phases[0].pledged_by == "UN.GIFT"


def test_targets_lop_is_its_own_figure_not_a_sum(session):
    assert _targets(session, "KEC-4.2") == {
        "FY2017": 120,
        "FY2018": 400,
        "FY2019": 400,
        "FY2020": 200,
        "LOP": 1120,
    }
    assert _targets(session, "KEC-4.3") == {"FY2017": 70, "FY2018": 75, "FY2019": 80, "FY2020": 80, "LOP": 80}
    assert _targets(session, "PVR-3.2") == {"FY2018": 15, "FY2019": 30, "FY2020": 25, "LOP": 70}
    assert _targets(session, "GIFT-2.1") == {"LOP": 300}


def test_indicator_sources_measures_and_standard_references(session):
    by_code = {i.code: i for i in session.scalars(select(Indicator))}
    assert by_code["KEC-2.1"].standard_indicator == "PS.5.2-23"
    assert by_code["KEC-2.1"].measure == {"type": "stage", "field": "instrument", "stage": "Adopted"}
    assert by_code["KEC-4.3"].measure["type"] == "ratio" and by_code["KEC-4.3"].unit == "percent"
    assert by_code["KEC-4.3"].baseline is None
    assert by_code["PVR-3.2"].date_field == "referral_date"
    assert by_code["PVR-2.1"].source_filter == {"setting": "Refugee camp"}
    assert by_code["PVR-3.1"].disaggregations == ["sex", "age_group", "nationality"]
    assert by_code["KEC-3.1"].source_filter == {"body": "Technical Committee"}


def test_loading_twice_changes_nothing(session):
    before = session.scalar(select(func.count(Target.id)))
    definitions.load_directory(session, PROGRAMMES)
    assert not session.dirty and not session.new and not session.deleted
    assert session.scalar(select(func.count(Target.id))) == before


def test_edited_target_is_updated_and_activity_records_are_kept(session, tmp_path):
    kec = session.scalar(select(Programme).where(Programme.code == "KEC"))
    from datetime import date

    session.add(
        Training(
            programme_id=kec.id,
            quarter="FY2019Q3",
            start_date=date(2019, 5, 2),
            district="Huye",
            target_group="Media",
            female=3,
            male=4,
            row_hash="x" * 64,
        )
    )
    session.flush()
    folder = tmp_path / "programmes"
    shutil.copytree(PROGRAMMES, folder)
    kec_file = folder / "kec.yaml"
    kec_file.write_text(
        kec_file.read_text().replace(
            "targets: {FY2017: 120, FY2018: 400, FY2019: 400, FY2020: 200, LOP: 1120}",
            "targets: {FY2017: 120, FY2018: 400, FY2019: 450, FY2020: 200, LOP: 1170}",
        )
    )
    definitions.load_directory(session, folder)
    session.expire_all()
    assert _targets(session, "KEC-4.2")["FY2019"] == 450
    assert _targets(session, "KEC-4.2")["LOP"] == 1170
    assert session.scalar(select(func.count(Training.id)).where(Training.programme_id == kec.id)) == 1


@pytest.mark.parametrize(
    "edit, message",
    [
        (("unit: percent", "unit: percentage"), "kec.yaml: results[4].indicators[KEC-4.3].unit"),
        (
            ("FY2019: 10, FY2020: 6, LOP: 30", "FY2019: ten, FY2020: 6, LOP: 30"),
            "kec.yaml: results[4].indicators[KEC-4.1].targets.FY2019",
        ),
        (
            ("FY2019: 10, FY2020: 6, LOP: 30", "FY2029: 10, FY2020: 6, LOP: 30"),
            "'FY2029' is not a reporting year",
        ),
        (
            (
                "measure: {type: count}\n        disaggregations: [target_group]",
                "measure: {type: sum}\n        disaggregations: [target_group]",
            ),
            "kec.yaml: results[4].indicators[KEC-4.1].measure.columns: Field required",
        ),
        (
            (
                "measure: {type: count}\n        disaggregations: [target_group]",
                "measure: {type: count, columns: [female]}\n        disaggregations: [target_group]",
            ),
            (
                "kec.yaml: results[4].indicators[KEC-4.1].measure.columns: Extra inputs are not permitted (found "
                "['female'])"
            ),
        ),
        (
            (
                "measure: {type: count}\n        disaggregations: [target_group]",
                "measure: {type: sum, columns: []}\n        disaggregations: [target_group]",
            ),
            "kec.yaml: results[4].indicators[KEC-4.1].measure.columns: List should have at least 1 item",
        ),
        (
            (
                "measure: {type: count}\n        disaggregations: [target_group]",
                (
                    "measure: {type: ratio, numerator: [passed_post_test], denominators: [female]}\n"
                    "        disaggregations: [target_group]"
                ),
            ),
            "kec.yaml: results[4].indicators[KEC-4.1].measure.denominator: Field required; and 1 more problem(s)",
        ),
        (
            (
                "measure: {type: count}\n        disaggregations: [target_group]",
                "measure: {columns: [female]}\n        disaggregations: [target_group]",
            ),
            "kec.yaml: results[4].indicators[KEC-4.1].measure.type: Field required",
        ),
        (
            (
                "measure: {type: count}\n        disaggregations: [target_group]",
                "measure: {type: median}\n        disaggregations: [target_group]",
            ),
            (
                "kec.yaml: results[4].indicators[KEC-4.1].measure.type: Input should be 'count', 'sum', 'stage' or 'ratio'"
                " (found 'median')"
            ),
        ),
        (("disaggregations: [setting]", "disaggregations: [colour]"), "unknown disaggregation 'colour'"),
        (("start_date: 2017-01-01", "start_date: 2017-13-01"), "kec.yaml: start_date"),
        (("code: KEC\n", "code: KEC\n  bad: [\n"), "kec.yaml line"),
        (
            ('{code: "15130", percentage: 40}', '{code: "15130", percentage: 30}'),
            "kec.yaml: iati: Value error, sectors: the percentages add up to 90, not 100",
        ),
        (
            ('{code: "15130", percentage: 40}', '{code: "1513", percentage: 40}'),
            "kec.yaml: iati.sectors[1513].code: String should match pattern",
        ),
        (
            ("    UNICEF: XM-DAC-41122", "    UNICEF: unicef"),
            "kec.yaml: iati.identifiers: Value error, UNICEF: 'unicef' is not an IATI organisation identifier",
        ),
        (("    UNICEF: XM-DAC-41122", "    WFP: XM-DAC-41140"), "'WFP' is neither the donor nor a partner"),
        (
            ("direction_of_change: Higher is better", "direction_of_change: Up"),
            (
                "kec.yaml: results[1].indicators[KEC-1.1].reference_sheet.direction_of_change: Input should be 'Higher is "
                "better' or 'Lower is better' (found 'Up')"
            ),
        ),
        (
            (
                "direction_of_change: Higher is better\n",
                "direction_of_change: Higher is better\n          indicator_type: activity\n",
            ),
            (
                "reference_sheet.indicator_type: Input should be 'output', 'outcome' or 'impact' (found "
                "'activity')"
            ),
        ),
        (
            ("ppr_indicator: false", "ppr_indicator: perhaps"),
            "results[1].indicators[KEC-1.1].reference_sheet.ppr_indicator: Input should be a valid boolean",
        ),
        (
            (
                "last_assessment:\n            next_assessment:",
                "last_assessment: 2019-06-01\n            next_assessment: 2019-01-15",
            ),
            (
                "results[1].indicators[KEC-1.1].reference_sheet.data_quality: Value error, next_assessment (2019-01-15) "
                "must come after last_assessment (2019-06-01)"
            ),
        ),
        (
            (
                "direction_of_change: Higher is better\n",
                "direction_of_change: Higher is better\n          last_updated: 2019-02-30\n",
            ),
            "results[1].indicators[KEC-1.1].reference_sheet.last_updated: Input should be a valid date",
        ),
    ],
)
def test_malformed_file_names_file_key_and_problem(session, tmp_path, edit, message):
    folder = tmp_path / "programmes"
    shutil.copytree(PROGRAMMES, folder)
    kec_file = folder / "kec.yaml"
    text = kec_file.read_text()
    assert edit[0] in text
    kec_file.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(DefinitionError) as caught:
        definitions.load_directory(session, folder)
    assert message in str(caught.value)


def test_unknown_top_level_key_is_refused(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text((PROGRAMMES / "gift.yaml").read_text() + "\nsponsor: nobody\n")
    with pytest.raises(DefinitionError, match="x.yaml: sponsor: Extra inputs are not permitted"):
        definitions.read_file(path)
