"""Tests for the catalogue schema: demo data, validation errors, and citizens' answers."""

from __future__ import annotations

import copy
import json
import unicodedata
from datetime import date

import pytest

from app.catalogue.answers import clean_answers, parse_date, raw_answers
from app.catalogue.checks import SchemaError
from app.catalogue.fields import FIELD_TYPES, validate_form_schema
from app.catalogue.schema import (
    CHANNELS,
    DOCUMENT_KINDS,
    LEVELS,
    load_demo_catalogue,
    validate_catalogue,
    validate_procedure,
)

# ---------------------------------------------------------------------------
# Demo catalogue


@pytest.fixture(scope="module")
def catalogue():
    return load_demo_catalogue()


def test_constants():
    assert set(FIELD_TYPES) == {"text", "textarea", "date", "number", "choice", "commune", "yesno"}
    assert set(LEVELS) == {"toan_trinh", "mot_phan"}
    assert set(CHANNELS) == {"online", "post", "counter"}
    assert set(DOCUMENT_KINDS) == {"original", "copy", "original_or_copy"}


def test_demo_catalogue_loads_with_documents_and_forms(catalogue):
    assert len(catalogue) >= 12
    for procedure in catalogue:
        assert procedure["documents"], procedure["code"]
        assert 3 <= len(procedure["form"]) <= 8, procedure["code"]
        assert any(d["required"] for d in procedure["documents"]), procedure["code"]


def test_demo_catalogue_codes_unique(catalogue):
    codes = [p["code"] for p in catalogue]
    assert len(codes) == len(set(codes))


def test_demo_catalogue_covers_domain_procedures(catalogue):
    names = " | ".join(p["name"] for p in catalogue)
    for needle in (
        "Đăng ký khai sinh",
        "Liên thông",
        "Đăng ký khai tử",
        "Đăng ký kết hôn",
        "Đăng ký thường trú",
        "Đăng ký tạm trú",
        "Cấp đổi thẻ căn cước",
        "Phiếu lý lịch tư pháp",
        "Đổi giấy phép lái xe",
        "Chứng thực bản sao",
        "Đăng ký biến động",
        "trợ cấp thất nghiệp",
        "lâm nghiệp",
    ):
        assert needle in names, needle


def test_demo_catalogue_key_facts(catalogue):
    by_code = {p["code"]: p for p in catalogue}
    birth = by_code["1.001193"]
    assert birth["level"] == "toan_trinh"
    assert birth["processing_days"] == 0 and birth["cutoff_15h"] is True
    assert set(birth["fees"].values()) == {0}
    permanent = by_code["1.004222"]
    assert permanent["fees"] == {"online": 10000, "post": 20000, "counter": 20000}
    assert permanent["processing_days"] == 7
    assert permanent["competent_authority"] == "Công an cấp xã"
    temporary = by_code["1.004194"]
    assert temporary["fees"] == {"online": 7000, "post": 15000, "counter": 15000}
    assert temporary["processing_days"] == 3
    linked = by_code["2.000986"]
    assert linked["processing_days"] == 3 and set(linked["fees"].values()) == {0}


def test_demo_catalogue_toan_trinh_allows_post_and_online(catalogue):
    for procedure in catalogue:
        if procedure["level"] == "toan_trinh":
            assert procedure["channels"] == ["online", "post", "counter"], procedure["code"]


def test_demo_catalogue_marks_unverified_fees(catalogue):
    by_code = {p["code"]: p for p in catalogue}
    # DOMAIN.md §11 marks these fees [check].
    for code in ("2.001195", "3.000333", "3.000347", "2.000815", "1.013831", "1.012776"):
        assert "fees" in by_code[code]["check"], code
    assert by_code["1.001193"]["check"] == []


def test_demo_catalogue_text_is_nfc(catalogue):
    # Vietnamese text must be precomposed so that search and comparisons behave.
    raw = json.dumps(catalogue, ensure_ascii=False)
    assert unicodedata.normalize("NFC", raw) == raw


def test_normalised_catalogue_validates_again(catalogue):
    for procedure in catalogue:
        assert validate_procedure(copy.deepcopy(procedure)) == procedure


def test_load_demo_catalogue_from_path(tmp_path, catalogue):
    path = tmp_path / "one.json"
    path.write_text(json.dumps([catalogue[0]], ensure_ascii=False), encoding="utf-8")
    assert load_demo_catalogue(path) == [catalogue[0]]


def test_load_demo_catalogue_bad_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(SchemaError, match="invalid JSON"):
        load_demo_catalogue(path)


# ---------------------------------------------------------------------------
# validate_form_schema


def test_form_schema_fills_defaults():
    fields = validate_form_schema(
        [
            {"name": "full_name", "label": "Họ và tên", "type": "text"},
            {"name": "age", "label": "Tuổi", "type": "number", "min": 0},
            {"name": "sex", "label": "Giới tính", "type": "choice", "choices": [("nam", "Nam")]},
            {"name": "agree", "label": "Đồng ý", "type": "yesno", "required": True},
        ]
    )
    assert fields[0] == {
        "name": "full_name",
        "label": "Họ và tên",
        "type": "text",
        "required": False,
        "help": "",
        "max_length": None,
    }
    assert fields[1]["min"] == 0 and fields[1]["max"] is None
    assert fields[2]["choices"] == [["nam", "Nam"]]
    assert "choices" not in fields[3] and fields[3]["required"] is True
    assert validate_form_schema(fields) == fields


def test_form_schema_empty_list_is_allowed():
    assert validate_form_schema([]) == []


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ({"name": "HoTen", "label": "Họ tên", "type": "text"}, "snake_case"),
        ({"name": "họ_tên", "label": "Họ tên", "type": "text"}, "snake_case"),
        ({"name": "1name", "label": "Họ tên", "type": "text"}, "snake_case"),
        ({"name": "name__x", "label": "Họ tên", "type": "text"}, "snake_case"),
        ({"label": "Họ tên", "type": "text"}, "snake_case"),
        ({"name": "x", "label": "Nhãn", "type": "email"}, "unknown type"),
        ({"name": "x", "label": "  ", "type": "text"}, "label"),
        ({"name": "x", "type": "text"}, "label"),
        ({"name": "x", "label": "Nhãn", "type": "choice"}, "non-empty 'choices'"),
        ({"name": "x", "label": "Nhãn", "type": "choice", "choices": []}, "non-empty 'choices'"),
        ({"name": "x", "label": "Nhãn", "type": "choice", "choices": [["a"]]}, "pair"),
        ({"name": "x", "label": "Nhãn", "type": "choice", "choices": [["", "A"]]}, "empty value"),
        ({"name": "x", "label": "Nhãn", "type": "choice", "choices": [["a", ""]]}, "empty label"),
        (
            {"name": "x", "label": "Nhãn", "type": "choice", "choices": [["a", "A"], ["a", "B"]]},
            "duplicate choice",
        ),
        ({"name": "x", "label": "Nhãn", "type": "text", "choices": [["a", "A"]]}, "only allowed"),
        ({"name": "x", "label": "Nhãn", "type": "text", "required": "yes"}, "true or false"),
        ({"name": "x", "label": "Nhãn", "type": "text", "help": 3}, "help"),
        ({"name": "x", "label": "Nhãn", "type": "text", "max_length": 0}, "max_length"),
        ({"name": "x", "label": "Nhãn", "type": "date", "max_length": 10}, "max_length"),
        ({"name": "x", "label": "Nhãn", "type": "number", "min": 1.5}, "min must be"),
        ({"name": "x", "label": "Nhãn", "type": "number", "min": 5, "max": 1}, "greater than"),
        ({"name": "x", "label": "Nhãn", "type": "text", "min": 1}, "only allowed"),
        ({"name": "x", "label": "Nhãn", "type": "text", "placeholder": "?"}, "unknown key"),
    ],
)
def test_form_schema_errors_name_the_field(field, message):
    with pytest.raises(SchemaError, match=message) as info:
        validate_form_schema([field])
    if isinstance(field.get("name"), str) and "snake_case" not in message:
        assert repr(field["name"]) in str(info.value)


def test_form_schema_rejects_duplicate_names():
    field = {"name": "x", "label": "Nhãn", "type": "text"}
    with pytest.raises(SchemaError, match="'x' is defined twice"):
        validate_form_schema([field, dict(field)])


def test_form_schema_rejects_non_list_and_non_dict():
    with pytest.raises(SchemaError, match="must be a list"):
        validate_form_schema({"name": "x"})
    with pytest.raises(SchemaError, match="must be an object"):
        validate_form_schema(["x"])


# ---------------------------------------------------------------------------
# validate_procedure


def _procedure(**overrides):
    data = {
        "code": "1.999999",
        "name": "Thủ tục thử",
        "level": "toan_trinh",
        "authority_level": "commune",
        "competent_authority": "Ủy ban nhân dân cấp xã",
        "field": "Hộ tịch",
        "processing_days": 3,
        "cutoff_15h": False,
        "fees": {"online": 0, "post": 0, "counter": 0},
        "channels": ["online", "post", "counter"],
        "legal_basis": ["Luật Hộ tịch 2014"],
        "description": "Mô tả thử.",
        "documents": [
            {"code": "to_khai", "name": "Tờ khai", "kind": "original"},
        ],
        "form": [{"name": "full_name", "label": "Họ và tên", "type": "text", "required": True}],
    }
    data.update(overrides)
    return data


def test_procedure_minimal_is_normalised():
    result = validate_procedure(_procedure(channels=["counter", "online", "post"]))
    assert result["channels"] == ["online", "post", "counter"]
    assert result["fee_note"] == "" and result["processing_note"] == "" and result["check"] == []
    assert result["documents"][0] == {
        "code": "to_khai",
        "name": "Tờ khai",
        "kind": "original",
        "copies": 1,
        "scan_required": False,
        "required": True,
        "note": "",
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "1001193"}, "must look like"),
        ({"code": "1.00119"}, "must look like"),
        ({"code": 1.001193}, "must look like"),
        ({"level": "muc_4"}, "level"),
        ({"authority_level": "district"}, "authority_level"),
        ({"processing_days": -1}, "processing_days"),
        ({"processing_days": 2.5}, "processing_days"),
        ({"processing_days": True}, "processing_days"),
        ({"cutoff_15h": "no"}, "cutoff_15h"),
        ({"name": ""}, "name"),
        ({"competent_authority": " "}, "competent_authority"),
        ({"field": None}, "field"),
        ({"description": ""}, "description"),
        ({"channels": []}, "channels must be"),
        ({"channels": ["online", "email"]}, "unknown channel"),
        ({"channels": ["online", "online"]}, "duplicate channel"),
        ({"channels": ["post", "counter"], "fees": {"post": 0, "counter": 0}}, "toan_trinh"),
        ({"fees": [0, 0, 0]}, "fees must be an object"),
        ({"fees": {"online": 0, "post": 0}}, "missing for channel 'counter'"),
        ({"fees": {"online": -1, "post": 0, "counter": 0}}, "non-negative"),
        ({"fees": {"online": 1.5, "post": 0, "counter": 0}}, "non-negative"),
        ({"fees": {"online": "0", "post": 0, "counter": 0}}, "non-negative"),
        ({"fees": {"online": 0, "post": 0, "counter": 0, "atm": 0}}, "unknown channel 'atm'"),
        (
            {"level": "mot_phan", "channels": ["counter"], "fees": {"counter": 0, "online": 0}},
            "not offered",
        ),
        ({"legal_basis": []}, "legal_basis"),
        ({"legal_basis": "Luật Hộ tịch 2014"}, "legal_basis"),
        ({"legal_basis": [""]}, "legal_basis"),
        ({"documents": []}, "documents must be"),
        ({"documents": ["to_khai"]}, "document #1 must be an object"),
        ({"documents": [{"code": "To Khai", "name": "Tờ khai", "kind": "original"}]}, "code"),
        ({"documents": [{"code": "to_khai", "name": "", "kind": "original"}]}, "name"),
        ({"documents": [{"code": "to_khai", "name": "Tờ khai", "kind": "scan"}]}, "kind"),
        (
            {"documents": [{"code": "to_khai", "name": "Tờ khai", "kind": "copy", "copies": 0}]},
            "copies",
        ),
        (
            {
                "documents": [
                    {"code": "to_khai", "name": "Tờ khai", "kind": "copy", "required": "yes"}
                ]
            },
            "required",
        ),
        (
            {
                "documents": [
                    {"code": "to_khai", "name": "Tờ khai", "kind": "copy", "scan_required": 1}
                ]
            },
            "scan_required",
        ),
        (
            {"documents": [{"code": "to_khai", "name": "Tờ khai", "kind": "copy", "pages": 2}]},
            "unknown key",
        ),
        (
            {
                "documents": [
                    {"code": "to_khai", "name": "Tờ khai", "kind": "original"},
                    {"code": "to_khai", "name": "Tờ khai 2", "kind": "copy"},
                ]
            },
            "duplicate document code",
        ),
        ({"form": []}, "at least one field"),
        ({"form": [{"name": "x", "label": "X", "type": "bogus"}]}, "procedure 1.999999: form"),
        ({"check": "fees"}, "check must be"),
        ({"check": ["price"]}, "unknown key 'price'"),
        ({"fee_note": 5}, "fee_note"),
        ({"fee_timing": "after_result"}, "fee_timing 'after_result'"),
        ({"fee_timing": ""}, "fee_timing"),
        ({"fee_timing": None}, "fee_timing"),
        ({"level_old": 4}, "unknown key"),
    ],
)
def test_procedure_errors(overrides, message):
    with pytest.raises(SchemaError, match=message):
        validate_procedure(_procedure(**overrides))


@pytest.mark.parametrize("key", ["name", "fees", "documents", "form", "cutoff_15h"])
def test_procedure_missing_key(key):
    data = _procedure()
    del data[key]
    with pytest.raises(SchemaError, match=f"missing key '{key}'"):
        validate_procedure(data)


def test_procedure_not_a_dict():
    with pytest.raises(SchemaError, match="must be an object"):
        validate_procedure(["1.001193"])


def test_mot_phan_may_be_counter_only():
    result = validate_procedure(
        _procedure(level="mot_phan", channels=["counter"], fees={"counter": 20000})
    )
    assert result["fees"] == {"counter": 20000}


def test_procedure_helper_guide_is_optional_plain_text():
    assert validate_procedure(_procedure())["helper_guide"] == ""
    assert validate_procedure(_procedure(helper_guide=None))["helper_guide"] == ""
    result = validate_procedure(_procedure(helper_guide="  Mang   thẻ căn cước.\n\n Chụp ảnh. \n"))
    assert result["helper_guide"] == "Mang thẻ căn cước.\nChụp ảnh."
    assert validate_procedure(copy.deepcopy(result)) == result
    with pytest.raises(SchemaError, match="helper_guide must be a string"):
        validate_procedure(_procedure(helper_guide=["Mang thẻ."]))
    with pytest.raises(SchemaError, match="helper_guide is longer than 4000"):
        validate_procedure(_procedure(helper_guide="x" * 4001))
    demo = {p["code"]: p["helper_guide"] for p in load_demo_catalogue()}
    for code in ("1.001193", "1.004222", "1.004194", "3.000333"):
        assert demo[code].count("\n") >= 4, code


def test_catalogue_rejects_duplicate_codes_and_reports_entry():
    with pytest.raises(SchemaError, match="appears twice"):
        validate_catalogue([_procedure(), _procedure()])
    with pytest.raises(SchemaError, match="entry #2"):
        validate_catalogue([_procedure(), _procedure(code="2.000001", level="x")])
    with pytest.raises(SchemaError, match="JSON list"):
        validate_catalogue({"code": "1.001193"})


# ---------------------------------------------------------------------------
# clean_answers

FORM = [
    {
        "name": "full_name",
        "label": "Họ và tên trẻ",
        "type": "text",
        "required": True,
        "max_length": 10,
    },
    {"name": "note", "label": "Ghi chú", "type": "textarea"},
    {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True},
    {"name": "copies", "label": "Số bản", "type": "number", "min": 1, "max": 5},
    {
        "name": "sex",
        "label": "Giới tính",
        "type": "choice",
        "required": True,
        "choices": [["nam", "Nam"], ["nu", "Nữ"]],
    },
    {"name": "birth_place", "label": "Nơi sinh", "type": "commune", "required": True},
    {"name": "by_post", "label": "Nhận qua bưu chính", "type": "yesno"},
]


def test_clean_answers_all_valid():
    clean, errors = clean_answers(
        FORM,
        {
            "full_name": "  Lê Văn An ",
            "note": "",
            "birth_date": "2025-03-07",
            "copies": " 2 ",
            "sex": "nam",
            "birth_place": "16681",
            "by_post": "yes",
            "csrf_token": "ignored",
        },
    )
    assert errors == {}
    assert clean == {
        "full_name": "Lê Văn An",
        "note": "",
        "birth_date": "2025-03-07",
        "copies": 2,
        "sex": "nam",
        "birth_place": "16681",
        "by_post": True,
    }
    json.dumps(clean)  # JSON-serialisable


def test_clean_answers_missing_required_and_optional_empty():
    clean, errors = clean_answers(FORM, {})
    assert errors == {
        "full_name": "Vui lòng nhập họ và tên trẻ.",
        "birth_date": "Vui lòng nhập ngày sinh.",
        "sex": "Vui lòng chọn giới tính.",
        "birth_place": "Vui lòng chọn nơi sinh.",
    }
    assert clean == {"note": "", "copies": None, "by_post": None}


def test_clean_answers_whitespace_only_counts_as_empty():
    _, errors = clean_answers(FORM, {"full_name": "   "})
    assert errors["full_name"] == "Vui lòng nhập họ và tên trẻ."


def test_clean_answers_text_too_long():
    clean, errors = clean_answers(FORM[:1], {"full_name": "Nguyễn Thị Minh Khai"})
    assert "full_name" not in clean
    assert errors["full_name"] == "Không được nhập quá 10 ký tự (hiện có 20 ký tự)."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-03-07", "2025-03-07"),
        ("07/03/2025", "2025-03-07"),
        ("7/3/2025", "2025-03-07"),
        ("07-03-2025", "2025-03-07"),
        ("29/02/2024", "2024-02-29"),
    ],
)
def test_clean_answers_dates(raw, expected):
    clean, errors = clean_answers([FORM[2]], {"birth_date": raw})
    assert errors == {}
    assert clean["birth_date"] == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("29/02/2025", "Ngày sinh phải là một ngày có thật."),
        ("2025-13-01", "Ngày sinh phải là một ngày có thật: tháng từ 1 đến 12."),
        ("32/01/2025", "Ngày sinh phải là một ngày có thật."),
        ("03/07/25", "Năm sinh phải có 4 chữ số, ví dụ 1990."),
        ("07//2025", "Ngày sinh phải có tháng."),
        ("07/03/1899", "Năm sinh phải từ 1900 trở đi."),
        ("07/03/2027", "Ngày sinh phải là một ngày trong quá khứ."),
        ("hôm qua", "Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm."),
    ],
)
def test_clean_answers_bad_dates(raw, message):
    clean, errors = clean_answers([FORM[2]], {"birth_date": raw}, today=date(2026, 12, 7))
    assert clean == {}
    assert errors["birth_date"] == message


def test_three_boxes_make_one_answer_and_future_dates_stay_allowed_elsewhere():
    fields = [
        FORM[2],
        {"name": "appointment_date", "label": "Ngày hẹn", "type": "date"},
        {"name": "expiry_date", "label": "Ngày hết hạn", "type": "date"},
    ]
    posted = {
        "birth_date-ngay": "7",
        "birth_date-thang": "3",
        "birth_date-nam": "2025",
        "appointment_date-ngay": "15",
        "appointment_date-thang": "01",
        "appointment_date-nam": "2027",
        "expiry_date-ngay": "",
        "expiry_date-thang": "",
        "expiry_date-nam": "",
    }
    raw = raw_answers(fields, posted)
    assert raw == {"birth_date": "7/3/2025", "appointment_date": "15/01/2027", "expiry_date": ""}
    clean, errors = clean_answers(fields, raw, today=date(2026, 12, 7))
    assert errors == {}
    assert clean == {
        "birth_date": "2025-03-07",
        "appointment_date": "2027-01-15",
        "expiry_date": None,
    }


def test_parse_date_helper():
    assert parse_date("01/01/2026").isoformat() == "2026-01-01"
    assert parse_date("2026/01/01") is None


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("2,5", "Giá trị phải là số nguyên."),
        ("2.5", "Giá trị phải là số nguyên."),
        ("hai", "Giá trị phải là số nguyên."),
        ("0", "Giá trị phải từ 1 trở lên."),
        ("6", "Giá trị không được lớn hơn 5."),
    ],
)
def test_clean_answers_number_errors(raw, error):
    clean, errors = clean_answers([FORM[3]], {"copies": raw})
    assert clean == {}
    assert errors == {"copies": error}


def test_clean_answers_number_bounds_inclusive():
    assert clean_answers([FORM[3]], {"copies": "1"})[0] == {"copies": 1}
    assert clean_answers([FORM[3]], {"copies": "+5"})[0] == {"copies": 5}


def test_clean_answers_bad_choice():
    clean, errors = clean_answers([FORM[4]], {"sex": "Nam"})
    assert clean == {}
    assert errors == {"sex": "Vui lòng chọn một giá trị trong danh sách."}


def test_clean_answers_commune_is_any_code():
    clean, errors = clean_answers([FORM[5]], {"birth_place": " 99999 "})
    assert errors == {}
    assert clean == {"birth_place": "99999"}


@pytest.mark.parametrize(("raw", "value"), [("yes", True), ("no", False), ("YES", True)])
def test_clean_answers_yesno(raw, value):
    assert clean_answers([FORM[6]], {"by_post": raw}) == ({"by_post": value}, {})


def test_clean_answers_yesno_errors():
    required = dict(FORM[6], required=True)
    assert clean_answers([required], {"by_post": ""})[1] == {
        "by_post": "Vui lòng chọn nhận qua bưu chính."
    }
    assert clean_answers([FORM[6]], {"by_post": "có"})[1] == {
        "by_post": "Vui lòng chọn Có hoặc Không."
    }


def test_clean_answers_accepts_none_values_and_validates_schema():
    clean, errors = clean_answers([FORM[1]], {"note": None})
    assert (clean, errors) == ({"note": ""}, {})
    with pytest.raises(SchemaError):
        clean_answers([{"name": "x", "label": "X", "type": "bogus"}], {})


def test_clean_answers_on_demo_birth_form(catalogue):
    birth = next(p for p in catalogue if p["code"] == "1.001193")
    clean, errors = clean_answers(
        birth["form"],
        {
            "child_full_name": "Lô Thị Mai",
            "child_birth_date": "15/08/2025",
            "child_sex": "nu",
            "child_birth_place": "17380",
            "child_ethnicity": "Thái",
            "father_full_name": "",
            "mother_full_name": "Lô Thị Hoa",
            "applicant_relationship": "me",
        },
    )
    assert errors == {}
    assert clean["child_birth_date"] == "2025-08-15"
    assert clean["father_full_name"] == ""


def test_clean_answers_huge_number_and_nul_bytes():
    assert clean_answers([FORM[3]], {"copies": "9" * 5000})[1] == {
        "copies": "Giá trị không được lớn hơn 5."
    }
    unbounded = {"name": "n", "label": "Số", "type": "number"}
    assert clean_answers([unbounded], {"n": "1" * 40})[1] == {"n": "Giá trị phải là số nguyên."}
    assert clean_answers([FORM[1]], {"note": "a\x00b"})[0] == {"note": "ab"}


def test_fee_timing_defaults_to_before_processing_and_keeps_a_valid_choice():
    assert validate_procedure(_procedure())["fee_timing"] == "before_processing"
    chosen = validate_procedure(_procedure(fee_timing="before_result"))
    assert chosen["fee_timing"] == "before_result"


def test_demo_catalogue_says_when_each_fee_is_paid(catalogue):
    timing = {p["code"]: p["fee_timing"] for p in catalogue}
    # Residence, ID card, criminal record, driving licence: the fee is paid with the dossier.
    for code in ("1.004222", "1.004194", "2.001195", "3.000333", "3.000347"):
        assert timing[code] == "before_processing", code
    # Copies by the page and land fees set during processing: paid before the result.
    for code in ("2.000815", "1.013831", "1.012776"):
        assert timing[code] == "before_result", code
