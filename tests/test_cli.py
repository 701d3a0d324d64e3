from datetime import date, datetime

import pytest

from app import create_app
from app.dossiers.calendar import working_calendar
from app.dossiers.deadlines import due_date
from app.notifications.channels import Outgoing, SendFailed, adapter


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


PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": "k" * 40, "DEMO_MODE": False}


@adapter("gateway-under-test")  # a real gateway, registered as issue 12's will be
class Gateway:
    def send(self, message: Outgoing) -> None:
        raise SendFailed("no network in tests")


@pytest.mark.parametrize(
    ("setting", "adapter"),
    [
        ("NOTIFY_SMS_ADAPTER", "log"),
        ("NOTIFY_SMS_ADAPTER", "fail"),
        ("NOTIFY_EMAIL_ADAPTER", "log"),
        ("NOTIFY_EMAIL_ADAPTER", "fail"),
    ],
)
def test_production_refuses_development_channel_adapters(tmp_path, setting, adapter):
    other = "NOTIFY_EMAIL_ADAPTER" if setting == "NOTIFY_SMS_ADAPTER" else "NOTIFY_SMS_ADAPTER"
    config = {**PRODUCTION, "INSTANCE_DIR": tmp_path, "UPLOAD_DIR": tmp_path / "uploads"}
    config[other] = "gateway-under-test"
    with pytest.raises(RuntimeError, match=f"refuses {setting}='{adapter}'.*NOTIFY_ALLOW_DEV"):
        create_app({**config, setting: adapter})
    # Told explicitly, it starts; with real gateways on both channels, it starts.
    assert create_app({**config, setting: adapter, "NOTIFY_ALLOW_DEV_ADAPTERS": True})
    assert create_app({**config, setting: "gateway-under-test"})
    # Outside production the development adapters are the default.
    assert create_app({**config, "APP_ENV": "development", setting: adapter})


def test_an_unknown_channel_adapter_stops_the_start(tmp_path):
    config = {"INSTANCE_DIR": tmp_path, "UPLOAD_DIR": tmp_path / "uploads"}
    with pytest.raises(RuntimeError, match="NOTIFY_SMS_ADAPTER='viettel' is not an adapter"):
        create_app({**config, "NOTIFY_SMS_ADAPTER": "viettel"})
