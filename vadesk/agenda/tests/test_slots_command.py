"""`vadesk slots`: the contract end to end, from a case file with .ics calendars to the printed JSON."""

import io
import json
import shutil
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from vadesk.agenda import case as case_module
from vadesk.agenda.slots import feasible_starts, iso_z
from vadesk.agenda.tests.conftest import ICS
from vadesk.agenda.tests.reference import brute_force_starts

ALL_WEEK = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def run(tmp_path, case: dict, *files: str) -> list[str]:
    for name in files:
        shutil.copy(ICS / name, tmp_path / name)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    out = io.StringIO()
    call_command("slots", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_the_issue_example_shape(tmp_path):
    case = {
        "window": ["2026-03-16T00:00:00Z", "2026-03-18T00:00:00Z"],
        "duration_minutes": 60,
        "step_minutes": 15,
        "buffer_minutes": 10,
        "participants": [
            {
                "name": "anna",
                "tz": "Europe/Amsterdam",
                "working_hours": {"mon": [["09:00", "12:30"], ["13:30", "17:30"]], "tue": [["09:00", "17:00"]]},
                "busy": [["2026-03-17T09:00:00Z", "2026-03-17T10:00:00Z"]],
                "calendars": ["google.ics"],
            }
        ],
    }
    starts = run(tmp_path, case, "google.ics")
    assert starts == sorted(starts) and all(s.endswith("Z") for s in starts)
    # Monday: 09:00–12:30 CET is 08:00–11:30Z; stand-up 07:30–08:00Z + 10 min buffer → first start 08:15Z.
    assert starts[0] == "2026-03-16T08:15:00Z"
    assert "2026-03-16T10:30:00Z" in starts and "2026-03-16T10:45:00Z" not in starts  # 11:30Z ends the morning
    assert "2026-03-17T10:00:00Z" not in starts and "2026-03-17T10:15:00Z" in starts  # busy 09–10Z + buffer


def test_all_day_and_floating_events_are_read_in_each_participants_zone(tmp_path):
    base = {"window": ["2026-03-25T12:00:00Z", "2026-03-27T12:00:00Z"], "duration_minutes": 30, "step_minutes": 30}
    in_tokyo = run(
        tmp_path,
        {**base, "participants": [{"tz": "Asia/Tokyo", "working_hours": ALL_WEEK, "calendars": ["google.ics"]}]},
        "google.ics",
    )
    in_ny = run(
        tmp_path,
        {**base, "participants": [{"tz": "America/New_York", "working_hours": ALL_WEEK, "calendars": ["google.ics"]}]},
    )
    # The fair is all-day from 26 March: Tokyo's 26 March starts 25 March 15:00Z, New York's on 26 March 04:00Z.
    assert in_tokyo[-1] == "2026-03-25T14:30:00Z"
    assert "2026-03-26T03:30:00Z" in in_ny and "2026-03-26T04:00:00Z" not in in_ny


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "America/New_York"])
def test_the_command_agrees_with_the_brute_force_reading_on_real_files(tmp_path, zone):
    names = ["outlook.ics", "google.ics", "floating.ics"]
    case = {
        "window": ["2026-03-20T00:00:00Z", "2026-04-03T00:00:00Z"],
        "duration_minutes": 45,
        "step_minutes": 15,
        "buffer_minutes": 5,
        "participants": [
            {
                "tz": zone,
                "working_hours": {
                    "mon": [["08:00", "18:00"]],
                    "tue": [["08:00", "24:00"]],
                    "wed": [["00:00", "12:00"]],
                    "sun": [["10:00", "14:00"]],
                    "sat": [["00:00", "24:00"]],
                },
                "calendars": names,
            }
        ],
    }
    printed = run(tmp_path, case, *names)
    loaded = case_module.load_case(case, case_module.ics_file_busy(tmp_path))
    assert printed == [iso_z(t) for t in brute_force_starts(loaded)] == [iso_z(t) for t in feasible_starts(loaded)]
    assert len(printed) > 20


def test_stdin_reads_calendars_from_the_current_directory(tmp_path, monkeypatch):
    shutil.copy(ICS / "google.ics", tmp_path / "g.ics")
    monkeypatch.chdir(tmp_path)
    case = {
        "window": ["2026-03-16T07:00:00Z", "2026-03-16T09:00:00Z"],
        "duration_minutes": 30,
        "step_minutes": 30,
        "participants": [{"tz": "Europe/Berlin", "working_hours": ALL_WEEK, "calendars": ["g.ics"]}],
    }
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(case)))
    out = io.StringIO()
    call_command("slots", "-", stdout=out)
    assert json.loads(out.getvalue()) == ["2026-03-16T07:00:00Z", "2026-03-16T08:00:00Z", "2026-03-16T08:30:00Z"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"window": ["2026-03-16T00:00:00", "2026-03-17T00:00:00Z"]},
            "window[0]: '2026-03-16T00:00:00' has no time zone",
        ),
        ({"window": ["2026-03-17T00:00:00Z", "2026-03-16T00:00:00Z"]}, "window must end after it starts"),
        ({"duration_minutes": 0}, "duration_minutes must be a whole number of at least 1"),
        ({"step_minutes": "15"}, "step_minutes must be a whole number"),
        ({"participants": [{"tz": "Mars/Base", "working_hours": {}}]}, "'Mars/Base' is not an IANA time zone"),
        ({"participants": [{"tz": "UTC", "working_hours": {"monday": []}}]}, "'monday' is not a weekday"),
        ({"participants": [{"tz": "UTC", "working_hours": {"mon": [["17:00", "09:00"]]}}]}, "cannot cross midnight"),
        ({"participants": [{"tz": "UTC", "working_hours": {"mon": [["09:00", "24:30"]]}}]}, "'24:30' is not a time"),
        ({"participants": [{"tz": "UTC", "calendars": ["missing.ics"]}]}, "Calendar missing.ics cannot be read"),
    ],
)
def test_bad_cases_give_a_clear_error(tmp_path, change, message):
    case = {
        "window": ["2026-03-16T00:00:00Z", "2026-03-17T00:00:00Z"],
        "duration_minutes": 30,
        "step_minutes": 15,
        "participants": [{"tz": "UTC", "working_hours": ALL_WEEK}],
        **change,
    }
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        run(tmp_path, case)


def test_not_json_is_a_clear_error(tmp_path):
    (tmp_path / "case.json").write_text("{nope")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("slots", str(tmp_path / "case.json"))


def test_busy_from_the_case_uses_the_participants_zone_only_for_working_hours():
    data = {
        "window": ["2026-03-16T00:00:00Z", "2026-03-17T00:00:00Z"],
        "duration_minutes": 60,
        "step_minutes": 60,
        "participants": [
            {
                "tz": "Europe/Amsterdam",
                "working_hours": {"mon": [["09:00", "12:00"]]},
                "busy": [["2026-03-16T09:00:00+01:00", "2026-03-16T10:00:00+01:00"]],
            }
        ],
    }
    case = case_module.load_case(data, lambda *a: [])
    assert [iso_z(t) for t in feasible_starts(case)] == ["2026-03-16T09:00:00Z", "2026-03-16T10:00:00Z"]
    assert case.participants[0].zone == ZoneInfo("Europe/Amsterdam")
    assert datetime.fromtimestamp(case.window[0], UTC).day == 16
