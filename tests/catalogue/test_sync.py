"""`flask catalogue sync`: the catalogue file loaded into a live database, dossiers unharmed.

The procedures are not wiped between tests (they come with the template database), so the
``sync`` fixture puts the demo catalogue back afterwards.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from helpers import fee_settled, login, staff_client, submit_via_services
from sqlalchemy import func, select

from app.catalogue import changes
from app.catalogue.models import Procedure, RequiredDocument
from app.catalogue.queries import catalogue_as_data
from app.catalogue.schema import DEMO_CATALOGUE_PATH, load_catalogue_file
from app.core import clock
from app.core.roles import Role
from app.dossiers.models import Dossier
from app.dossiers.statuses import DossierStatus
from app.extensions import db

RESIDENCE = "1.004222"  # Đăng ký thường trú: 20 000 đ by post
NEW = "9.000001"
LEFT_OUT = "1.000656"  # Đăng ký khai tử
NO_GUIDE_IN_FILE = "2.000986"

Sync = Callable[..., str]


def _demo_items() -> list[dict[str, Any]]:
    return json.loads(DEMO_CATALOGUE_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def sync(app: Flask) -> Iterator[Sync]:
    runner = app.test_cli_runner()

    def run(*args: str) -> str:
        result = runner.invoke(args=["catalogue", "sync", *args])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        return result.output

    yield run
    db.session.rollback()
    run()
    added = db.session.scalar(select(Procedure).filter_by(code=NEW))
    if added is not None:
        db.session.delete(added)
        db.session.commit()


@pytest.fixture
def changed_file(tmp_path: Path) -> Path:
    """The demo catalogue with a fee changed, a document added, a document renamed, a new
    procedure, and one procedure left out."""
    items = _demo_items()
    by_code = {item["code"]: item for item in items}
    residence = by_code[RESIDENCE]
    residence["fees"]["post"] = 25000
    residence["fee_timing"] = "before_result"
    residence["documents"][0]["name"] = "Tờ khai thay đổi thông tin cư trú (Mẫu CT01 mới)"
    residence["documents"].append(
        {
            "code": "giay_xac_nhan_tam_tru",
            "name": "Giấy xác nhận thông tin về cư trú",
            "kind": "copy",
            "required": False,
        }
    )
    new = copy.deepcopy(by_code[LEFT_OUT])
    new["code"], new["name"] = NEW, "Thủ tục thử đồng bộ danh mục"
    items = [item for item in items if item["code"] != LEFT_OUT] + [new]
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return path


def _procedure(code: str) -> Procedure | None:
    return db.session.scalar(select(Procedure).filter_by(code=code))


def _document_ids(procedure: Procedure) -> dict[str, int]:
    return {document.code: document.id for document in procedure.documents}


def test_the_demo_catalogue_is_already_there(app, sync) -> None:
    output = sync()
    assert "Không có thay đổi nào." in output
    assert "Không đổi: 13 thủ tục." in output
    assert "Thủ tục mới" not in output and "Thủ tục thay đổi" not in output


def test_dry_run_prints_the_changes_and_writes_nothing(app, sync, changed_file) -> None:
    before = catalogue_as_data()

    output = sync("--file", str(changed_file), "--dry-run")

    assert "Thủ tục mới (1):\n  + 9.000001 Thủ tục thử đồng bộ danh mục" in output
    assert "Thủ tục thay đổi (1):\n  ~ 1.004222 Đăng ký thường trú" in output
    assert "      fees.post: 20000 → 25000" in output
    assert '      fee_timing: "before_processing" → "before_result"' in output
    assert "      giấy tờ thêm: giay_xac_nhan_tam_tru (Giấy xác nhận thông tin về cư trú)" in output
    assert (
        '      documents.to_khai_ct01.name: "Tờ khai thay đổi thông tin cư trú (Mẫu CT01)" → '
        '"Tờ khai thay đổi thông tin cư trú (Mẫu CT01 mới)"'
    ) in output
    assert "fees.online" not in output and "fees.counter" not in output
    assert "không có trong tệp, giữ nguyên (1):\n  = 1.000656 Đăng ký khai tử" in output
    assert "Không đổi: 11 thủ tục." in output
    assert "chưa ghi gì" in output
    assert catalogue_as_data() == before
    assert _procedure(NEW) is None


def test_sync_adds_updates_and_keeps_dossiers_working(
    app, sync, changed_file, citizen, make_user
) -> None:
    clock.freeze(datetime(2026, 11, 23, 9, 5))
    residence = _procedure(RESIDENCE)
    dossier = submit_via_services(citizen, residence)
    documents_before = _document_ids(residence)
    attachments = sorted(a.document_code for a in dossier.documents)
    assert attachments
    count = db.session.scalar(select(func.count()).select_from(Procedure))

    output = sync("--file", str(changed_file))

    assert "Đã ghi: 1 thủ tục mới, 1 thủ tục cập nhật." in output
    residence = _procedure(RESIDENCE)
    assert residence.fee_post == 25000
    assert residence.fee_timing == "before_result"
    assert (residence.fee_online, residence.fee_counter) == (10000, 20000)
    assert residence.documents[0].name == "Tờ khai thay đổi thông tin cư trú (Mẫu CT01 mới)"
    assert [d.code for d in residence.documents][-1] == "giay_xac_nhan_tam_tru"
    assert not residence.documents[-1].is_required
    # The documents already there keep their rows; the attachments name them by code.
    ids = _document_ids(residence)
    assert {code: ids[code] for code in documents_before} == documents_before
    added = _procedure(NEW)
    assert added is not None and added.is_active
    assert added.name == "Thủ tục thử đồng bộ danh mục"
    assert [d.code for d in added.documents] == [d.code for d in _procedure(LEFT_OUT).documents]
    assert added.form_schema == _procedure(LEFT_OUT).form_schema
    assert "thu tuc thu dong bo" in added.search_text
    # Left out of the file: kept (dossiers may refer to it), and said so.
    assert "= 1.000656 Đăng ký khai tử" in output
    assert db.session.scalar(select(func.count()).select_from(Procedure)) == count + 1

    # The dossier submitted before goes on: same status, its pages and receipt still work.
    dossier = db.session.get(Dossier, dossier.id)
    assert dossier.status == DossierStatus.SUBMITTED
    assert sorted(a.document_code for a in dossier.documents) == attachments
    owner = app.test_client()
    login(owner, citizen)
    assert owner.get(f"/ho-so/{dossier.id}").status_code == 200
    receipt = owner.get(f"/ho-so/{dossier.id}/giay-tiep-nhan.pdf")
    assert receipt.status_code == 200
    assert receipt.data.startswith(b"%PDF-")
    unit = dossier.receiving_unit
    officer, _ = staff_client(app, make_user, Role.OFFICER, [unit])
    fee_settled(dossier)
    db.session.commit()
    page = officer.get(f"/can-bo/ho-so/{dossier.id}")
    assert page.status_code == 200
    assert "Tiếp nhận hồ sơ" in page.text

    # A second run finds nothing to do.
    before = catalogue_as_data()
    again = sync("--file", str(changed_file))
    assert "Không có thay đổi nào." in again
    assert "Thủ tục mới" not in again and "Thủ tục thay đổi" not in again
    assert "= 1.000656 Đăng ký khai tử" in again
    assert catalogue_as_data() == before


def test_a_file_without_a_guide_keeps_the_one_the_administrator_wrote(app, sync) -> None:
    procedure = _procedure(NO_GUIDE_IN_FILE)
    assert not any(
        "helper_guide" in item for item in _demo_items() if item["code"] == NO_GUIDE_IN_FILE
    )
    procedure.helper_guide = "Mang theo giấy chứng sinh."
    db.session.commit()
    try:
        assert "Không có thay đổi nào." in sync()
        assert _procedure(NO_GUIDE_IN_FILE).helper_guide == "Mang theo giấy chứng sinh."
    finally:
        _procedure(NO_GUIDE_IN_FILE).helper_guide = ""
        db.session.commit()


def test_a_removed_document_goes_and_an_invalid_file_is_refused(app, sync, tmp_path) -> None:
    items = _demo_items()
    residence = next(item for item in items if item["code"] == RESIDENCE)
    gone = residence["documents"].pop()
    path = tmp_path / "fewer.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")

    output = sync("--file", str(path))

    assert f"      giấy tờ bỏ: {gone['code']} ({gone['name']})" in output
    assert gone["code"] not in [d.code for d in _procedure(RESIDENCE).documents]
    orphans = select(func.count()).select_from(RequiredDocument).filter_by(procedure_id=None)
    assert db.session.scalar(orphans) == 0

    residence["fees"]["post"] = -1
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    before = catalogue_as_data()
    result = app.test_cli_runner().invoke(args=["catalogue", "sync", "--file", str(path)])
    assert result.exit_code != 0
    assert "fee for 'post' must be a non-negative integer" in result.output
    db.session.expire_all()
    assert catalogue_as_data() == before


# --- the comparison alone (pure) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> list[dict[str, Any]]:
    return load_catalogue_file()


def test_compare_finds_nothing_between_a_file_and_itself(demo) -> None:
    current = {item["code"]: {**item, "helper_guide": ""} for item in copy.deepcopy(demo)}
    for item in demo:
        if "helper_guide" in item:
            current[item["code"]]["helper_guide"] = item["helper_guide"]
    plan = changes.compare(current, demo)
    assert (plan.new, plan.changed, plan.missing) == ([], [], [])
    assert changes.report(plan)[-1] == "Không có thay đổi nào."


def test_compare_lists_form_fields_and_document_order(demo) -> None:
    current = {item["code"]: copy.deepcopy(item) for item in demo}
    wanted = copy.deepcopy(demo)
    birth = next(item for item in wanted if item["code"] == "1.001193")
    birth["documents"].reverse()
    removed = birth["form"].pop()
    birth["form"][0]["label"] = "Họ, chữ đệm và tên"
    [(_, found)] = changes.compare(current, wanted).changed
    whats = [change.what for change in found.documents_changed + found.form]
    assert "documents (thứ tự)" in whats
    assert f"form.{removed['name']}" in whats
    assert f"form.{birth['form'][0]['name']}.label" in whats
    assert not found.documents_added and not found.documents_removed
