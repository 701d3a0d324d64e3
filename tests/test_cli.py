from datetime import date, datetime

import pytest

from app import create_app
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import due_date


def test_calendar_override_command_changes_the_working_calendar(app):
    runner = app.test_cli_runner()
    # Thursday 31/12/2026 declared a day off by an announced swap.
    result = runner.invoke(args=["calendar-override", "2026-12-31", "day_off", "Nghỉ bù"])
    assert result.exit_code == 0, result.output
    calendar = working_calendar()
    assert not calendar.is_working_day(date(2026, 12, 31))
    # A 1-day procedure received Wednesday 30/12 is now due Monday 4/1 (1/1 is a holiday too).
    assert due_date(datetime(2026, 12, 30, 9, 0), 1, calendar) == date(2027, 1, 4)


def test_seed_refuses_demo_accounts_outside_demo_mode(app):
    result = app.test_cli_runner().invoke(args=["seed", "--demo"])
    assert result.exit_code != 0
    assert "demo mode" in result.output


def test_production_refuses_default_secret_and_demo_mode():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"APP_ENV": "production", "SECRET_KEY": "dev-only-not-secret"})
    with pytest.raises(RuntimeError, match="DEMO_MODE"):
        create_app({"APP_ENV": "production", "SECRET_KEY": "x" * 40, "DEMO_MODE": True})
