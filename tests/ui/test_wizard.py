"""The configuration wizard, headless: set widget values, click buttons, read the file and the widgets."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from wixqb_nb.config import DocumentType, ItemType, QboRef, TaxMapping, WixModule, require_valid
from wixqb_nb.config_file import load_config, read_data
from wixqb_nb.ui import build_wizard
from wixqb_nb.ui.labels import STEPS

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "config.example.toml"
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    shutil.copy(EXAMPLE, path)
    return path


def _errors(wizard: object) -> dict[str, str]:
    return {p: v.error.value for p, v in wizard.fields.items() if v.error.value}  # type: ignore[attr-defined]


def test_loading_a_file_fills_every_step_and_reads_back_the_same_config(example: Path) -> None:
    wizard = build_wizard(example, today=lambda: TODAY)
    assert [wizard.tabs.get_title(i) for i in range(len(STEPS))] == [fr for _, fr in STEPS.values()]
    assert wizard.fields["connection.wix_site_id"].widget.value == "0f5e3c2a-1b2c-4d5e-8f90-123456789abc"
    assert wizard.fields["advanced.rounding_max"].widget.value == "0.05"
    assert wizard.fields["general.start_date"].widget.value == dt.date(2026, 1, 1)
    assert len(wizard.tables["taxes.mappings"].rows) == 2
    assert wizard.problems() == []
    assert require_valid(wizard.to_data()) == load_config(example)


def test_set_values_click_save_and_the_file_holds_the_expected_config(example: Path) -> None:
    expected = load_config(example)
    wizard = build_wizard(example, today=lambda: TODAY)
    wizard.fields["advanced.order_prefix"].widget.value = "SHOP"
    wizard.fields["general.time_zone"].widget.value = "America/Montreal"
    wizard.fields["schedule.interval_minutes"].widget.value = 30
    wizard.fields["items.new_item_type"].widget.value = "service"
    wizard.fields["orders.modules"].widget.value = ("stores", "bookings")
    wizard.fields["orders.document_type"].widget.value = "invoice"
    for dropdown in wizard.tables["orders.document_by_payment_status"].dropdowns.values():
        dropdown.value = ""
    wizard.tables["taxes.mappings"].add_row(
        {"name": "GST", "rate": "0.05", "qbo_tax_code": {"id": "9", "name": "TPS"}}
    )
    wizard.buttons["save"].click()

    assert "color:#1b5e20" in wizard.status.value, wizard.status.value + str(wizard.log.outputs)
    got = load_config(example)
    want = expected.model_copy(
        update={
            "advanced": expected.advanced.model_copy(update={"order_prefix": "SHOP"}),
            "general": expected.general.model_copy(update={"time_zone": "America/Montreal"}),
            "schedule": expected.schedule.model_copy(update={"interval_minutes": 30}),
            "items": expected.items.model_copy(update={"new_item_type": ItemType.SERVICE}),
            "orders": expected.orders.model_copy(
                update={
                    "modules": [WixModule.STORES, WixModule.BOOKINGS],
                    "document_type": DocumentType.INVOICE,
                    "document_by_payment_status": {},
                }
            ),
            "taxes": expected.taxes.model_copy(
                update={
                    "mappings": [
                        *expected.taxes.mappings,
                        TaxMapping(name="GST", rate=Decimal("0.05"), qbo_tax_code=QboRef(id="9", name="TPS")),
                    ]
                }
            ),
        }
    )
    assert got.model_dump(mode="json") == want.model_dump(mode="json")
    text = example.read_text(encoding="utf-8")
    assert "# Wix order 1234 becomes WX-1234" in text  # the user's comments survive a save


def test_a_validation_error_shows_next_to_its_field_and_nothing_is_written(example: Path) -> None:
    before = example.read_text(encoding="utf-8")
    wizard = build_wizard(example, today=lambda: TODAY)
    wizard.fields["advanced.order_prefix"].widget.value = "W" * 18
    wizard.fields["general.email.recipients"].widget.value = "not-an-address"
    wizard.buttons["save"].click()

    errors = _errors(wizard)
    assert set(errors) == {"advanced.order_prefix", "general.email.recipients", "refunds.prefix"}
    assert "QBO allows 21" in errors["advanced.order_prefix"]
    assert "shorten refunds.prefix or advanced.order_prefix" in errors["refunds.prefix"]
    assert "not an email address" in errors["general.email.recipients"]
    assert "Non enregistré" in wizard.status.value
    assert example.read_text(encoding="utf-8") == before

    wizard.fields["advanced.order_prefix"].widget.value = "WX"
    wizard.fields["general.email.recipients"].widget.value = "a@b.ca"
    wizard.buttons["validate"].click()
    assert _errors(wizard) == {}


def test_problems_in_a_list_land_on_their_row(example: Path) -> None:
    wizard = build_wizard(example, today=lambda: TODAY)
    table = wizard.tables["taxes.mappings"]
    first = table.get()[0]
    table.add_row(first)  # the same Wix tax mapped twice
    wizard.buttons["validate"].click()
    assert table.rows[0].error.value == ""
    assert "already mapped by taxes.mappings.0" in table.rows[2].error.value


def test_a_rule_across_fields_names_the_field_to_fix(example: Path) -> None:
    wizard = build_wizard(example, today=lambda: TODAY, language="en")
    wizard.fields["advanced.rounding_item"].set(None)
    wizard.buttons["validate"].click()
    assert (
        "required when advanced.rounding_max is above zero"
        in wizard.fields["advanced.rounding_item"].error.value
    )
    wizard.fields["general.start_date"].widget.value = dt.date(2026, 6, 1)
    wizard.buttons["validate"].click()
    assert "is in the future" in wizard.fields["general.start_date"].error.value


def test_callback_errors_show_in_the_output_widget(tmp_path: Path, example: Path) -> None:
    wizard = build_wizard(example, today=lambda: TODAY)
    wizard.path.value = str(tmp_path / "missing.toml")
    wizard.buttons["load"].click()
    text = "".join(o.get("text", "") for o in wizard.log.outputs)
    assert "ConfigError" in text and "config file not found" in text
    assert "ConfigError" in wizard.status.value


def test_a_new_file_starts_from_defaults_and_buttons_without_a_source_are_off(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    wizard = build_wizard(path, language="en")
    assert wizard.tabs.get_title(0) == "1. Connection"
    assert wizard.fields["schedule.interval_minutes"].widget.value == 60
    assert wizard.buttons["test_wix"].disabled and wizard.buttons["refresh"].disabled
    wizard.buttons["save"].click()
    assert not path.exists()
    assert "required" in wizard.fields["connection.wix_site_id"].error.value


def test_a_loaded_file_that_is_invalid_still_fills_the_wizard(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[advanced]\norder_prefix = "WX"\nrounding_max = "9"\n[bogus]\nx = 1\n', encoding="utf-8")
    wizard = build_wizard(path, language="en")
    assert wizard.fields["advanced.rounding_max"].widget.value == "9"
    problems = wizard.check()
    assert any(p.startswith("advanced.rounding_max") for p in problems)
    assert "less than or equal to 1" in wizard.fields["advanced.rounding_max"].error.value
    assert read_data(path)["advanced"]["rounding_max"] == "9"


def test_every_field_has_a_french_label() -> None:
    from wixqb_nb.config import SECTIONS, EmailReport
    from wixqb_nb.ui.fields import scalar_fields
    from wixqb_nb.ui.labels import _FR

    paths = [f"{s}.{n}" for s, m in SECTIONS.items() for n, _ in scalar_fields(m)]
    paths += [f"general.email.{n}" for n, _ in scalar_fields(EmailReport)]
    assert [p for p in paths if p not in _FR] == []
