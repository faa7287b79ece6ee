"""The configuration model: every validation rule with the message a user sees, and file round trips."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from wixqb_nb.cli import main
from wixqb_nb.config import Config, DocumentType, check, validate_data
from wixqb_nb.config_doc import reference
from wixqb_nb.config_file import dumps_config, json_schema, load_config, problems_in, save_config
from wixqb_nb.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "config.example.toml"
TODAY = dt.date(2026, 11, 28)

REF = {"id": "1", "name": "x"}
VALID: dict[str, Any] = {
    "connection": {"wix_site_id": "site", "qbo_realm_id": "123"},
    "general": {"time_zone": "America/Toronto", "start_date": dt.date(2026, 1, 1)},
    "advanced": {"order_prefix": "WX", "rounding_item": REF},
    "refunds": {"refund_from_account": REF},
}


def with_changes(**sections: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return data


def problems(data: dict[str, Any]) -> list[str]:
    return validate_data(data, today=TODAY)[1]


def test_minimal_valid_config_and_defaults_follow_the_seed() -> None:
    config, found = validate_data(VALID, today=TODAY)
    assert found == []
    assert config is not None
    assert config.advanced.generic_customer_name == "WIX"
    assert config.advanced.rounding_max == Decimal("0.05")
    assert config.connection.qbo_minor_version == 75
    assert config.schedule.interval_minutes == 60
    assert config.orders.document_type is DocumentType.SALES_RECEIPT
    assert config.document_number("1234") == "WX-1234"


RULES: list[tuple[str, dict[str, dict[str, Any]], str]] = [
    (
        "prefix too long for 21 chars",
        {"advanced": {"order_prefix": "WIXSTORE-QC-1", "rounding_item": REF}},
        "advanced.order_prefix: 'WIXSTORE-QC-1' + '-' + a 8-digit order number makes 22 characters; "
        "QBO allows 21 (shorten the prefix to at most 12 characters)",
    ),
    (
        "refund numbers too long",
        {"advanced": {"order_prefix": "SHOPQC", "rounding_item": REF}, "refunds": {"prefix": "REFUND"}},
        "refunds.prefix: refund numbers ('REFUND' + order number + '-NN') can reach 24 characters; QBO allows 21 "
        "(shorten refunds.prefix or advanced.order_prefix)",
    ),
    (
        "rounding item required",
        {"advanced": {"order_prefix": "WX", "rounding_item": None, "rounding_max": "0.02"}},
        'advanced.rounding_item: required when advanced.rounding_max is above zero (0.02); set an item or set rounding_max = "0"',
    ),
    (
        "generic customer name required",
        {"advanced": {"customer_mode": "generic", "generic_customer_name": " "}},
        "advanced.generic_customer_name: required when advanced.customer_mode is 'generic'",
    ),
    (
        "unknown time zone",
        {"general": {"time_zone": "Montreal"}},
        "general.time_zone: unknown time zone 'Montreal' (did you mean 'America/Montreal'?)",
    ),
    (
        "start date in the future",
        {"general": {"start_date": dt.date(2027, 1, 1)}},
        "general.start_date: 2027-01-01 is in the future (today is 2026-11-28 in America/Toronto); nothing would sync",
    ),
    (
        "start date missing",
        {"general": {"start_date": None}},
        "general.start_date: required (the integration start date; orders before it are skipped)",
    ),
    (
        "refunds without account",
        {"refunds": {"refund_from_account": None}},
        "refunds.refund_from_account: required when refunds are enabled (the account refunds are paid from)",
    ),
    (
        "unpaid statuses without the Stores switch",
        {"orders": {"payment_statuses": ["PAID", "NOT_PAID"]}},
        "orders.payment_statuses: NOT_PAID fetches unpaid orders; set orders.unpaid_stores_orders = true "
        "(only Wix Stores orders sync unpaid) or remove them",
    ),
    (
        "unpaid as sales receipts",
        {"orders": {"payment_statuses": ["PAID", "NOT_PAID"], "unpaid_stores_orders": True}},
        "orders.document_by_payment_status.NOT_PAID: a sales receipt records a paid sale; unpaid Stores orders "
        "need 'invoice' (set document_by_payment_status.NOT_PAID = 'invoice')",
    ),
    (
        "unpaid without Stores",
        {
            "orders": {
                "modules": ["bookings"],
                "unpaid_stores_orders": True,
                "document_type": "invoice",
            }
        },
        "orders.unpaid_stores_orders: Wix Stores is not among orders.modules",
    ),
    ("no module", {"orders": {"modules": []}}, "orders.modules: choose at least one Wix module"),
    (
        "no status",
        {"orders": {"payment_statuses": []}},
        "orders.payment_statuses: choose at least one payment status",
    ),
    (
        "item creation without income account",
        {"items": {"allow_create": True, "expense_account": REF}},
        "items.income_account: required when items.allow_create is true",
    ),
    (
        "non-inventory items need an expense account",
        {"items": {"allow_create": True, "income_account": REF}},
        "items.expense_account: required (expense account) for new non_inventory items",
    ),
    (
        "inventory items need an asset account",
        {
            "items": {
                "allow_create": True,
                "new_item_type": "inventory",
                "income_account": REF,
                "expense_account": REF,
            }
        },
        "items.asset_account: required (inventory asset account) for new inventory items",
    ),
    (
        "tax mapped twice",
        {
            "taxes": {
                "mappings": [
                    {"name": "GST", "rate": "0.05", "qbo_tax_code": REF},
                    {"name": "gst", "rate": "0.050", "qbo_tax_code": REF},
                ]
            }
        },
        "taxes.mappings.1: 'gst' at 0.050 is already mapped by taxes.mappings.0",
    ),
    (
        "tax rate as percent",
        {"taxes": {"mappings": [{"name": "GST", "rate": "5", "qbo_tax_code": REF}]}},
        "taxes.mappings.0.rate: Input should be less than or equal to 1",
    ),
    (
        "payment method mapped twice",
        {"payments": {"methods": [{"wix_method": "PayPal"}, {"wix_method": "paypal"}]}},
        "payments.methods.1.wix_method: 'paypal' is mapped twice",
    ),
    (
        "email without recipients",
        {"general": {"email": {"mode": "always", "sender": "a@b.ca"}}},
        "general.email.recipients: required when general.email.mode is 'always'",
    ),
    (
        "email without sender",
        {"general": {"email": {"mode": "on_failure", "recipients": ["a@b.ca"]}}},
        "general.email.sender: required when general.email.mode is 'on_failure'",
    ),
    (
        "bad email address",
        {"general": {"email": {"recipients": ["not-an-address"]}}},
        "general.email.recipients: not an email address: not-an-address",
    ),
    (
        "misspelt option",
        {"orders": {"prefix": "WX"}},
        "orders.prefix: unknown option (check the spelling; see `wixqb config schema`)",
    ),
    (
        "colon in prefix",
        {"advanced": {"order_prefix": "W:X", "rounding_item": REF}},
        "advanced.order_prefix: must not contain ':', tab or newline (QBO rejects them)",
    ),
    (
        "minor version too low",
        {"connection": {"qbo_minor_version": 65}},
        "connection.qbo_minor_version: Input should be greater than or equal to 75",
    ),
    (
        "not a URL",
        {"connection": {"qbo_base_url": "quickbooks"}},
        "connection.qbo_base_url: 'quickbooks' is not an http(s) URL",
    ),
    (
        "site id missing",
        {"connection": {"wix_site_id": ""}},
        "connection.wix_site_id: required (the Wix site id)",
    ),
    (
        "realm missing",
        {"connection": {"qbo_realm_id": ""}},
        "connection.qbo_realm_id: required (the QBO company id, realmId)",
    ),
    (
        "rounding threshold out of range",
        {"advanced": {"rounding_max": "5", "rounding_item": REF}},
        "advanced.rounding_max: Input should be less than or equal to 1.00",
    ),
    (
        "interval too short",
        {"schedule": {"interval_minutes": 1}},
        "schedule.interval_minutes: Input should be greater than or equal to 5",
    ),
]


@pytest.mark.parametrize(("case", "changes", "message"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_gives_its_exact_message(
    case: str, changes: dict[str, dict[str, Any]], message: str
) -> None:
    found = problems(with_changes(**changes))
    assert message in found, f"{case}: {found}"


def test_unknown_section_is_reported() -> None:
    assert problems({**VALID, "taxe": {}})[0] == (
        "taxe: unknown section (known: connection, general, orders, advanced, items, matching, refunds, taxes, "
        "payments, schedule)"
    )


def test_every_problem_is_listed_at_once() -> None:
    data = with_changes(
        orders={"prefix": "x"},
        general={"time_zone": "Mars/Olympus"},
        advanced={"order_prefix": "A-VERY-LONG-PREFIX", "rounding_item": None},
        refunds={"refund_from_account": None},
    )
    found = problems(data)
    assert [p.split(":")[0] for p in found] == [
        "general.time_zone",
        "orders.prefix",
        "advanced.order_prefix",
        "refunds.prefix",
        "advanced.rounding_item",
        "refunds.refund_from_account",
    ]


def test_check_validates_a_built_config() -> None:
    config, _ = validate_data(VALID)
    assert config is not None
    config.advanced.rounding_item = None
    assert check(config, today=TODAY) == [
        'advanced.rounding_item: required when advanced.rounding_max is above zero (0.05); set an item or set rounding_max = "0"'
    ]


def test_example_config_validates() -> None:
    assert problems_in(EXAMPLE, today=TODAY) == []
    config = load_config(EXAMPLE, today=TODAY)
    assert config.general.language == "fr"
    assert config.taxes.mappings[0].rate == Decimal("0.14975")
    assert config.orders.document_for("NOT_PAID") is DocumentType.INVOICE
    assert config.orders.document_for("PAID") is DocumentType.SALES_RECEIPT


def test_load_save_round_trip_keeps_values_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    config = load_config(path)
    config.advanced.order_prefix = "SHOP"
    config.advanced.rounding_max = Decimal("0.02")
    config.advanced.default_class = None
    save_config(config, path)
    text = path.read_text(encoding="utf-8")
    assert "# Wix order 1234 becomes WX-1234" in text  # a user's comment survives
    assert "# orders created before this date are never synced" in text
    assert 'rounding_max = "0.02"' in text  # money stays a string: TOML numbers are floats
    assert "default_class" not in text
    again = load_config(path)
    assert again == config
    assert again.config_hash() == config.config_hash()


def test_fresh_document_round_trip(tmp_path: Path) -> None:
    config, _ = validate_data(VALID)
    assert config is not None
    path = save_config(config, tmp_path / "new" / "c.toml")
    assert load_config(path) == config
    assert dumps_config(config) == path.read_text(encoding="utf-8")


def test_load_errors_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[general\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)
    bad = tmp_path / "bad.toml"
    bad.write_text("[advanced]\nrounding_max = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert "advanced.rounding_max: Input should be a valid decimal" in info.value.problems


def test_cli_validate_lists_all_problems_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[orders]\nprefix = "WX"\n[general]\ntime_zone = "Nowhere"\n', encoding="utf-8")
    assert main(["config", "validate", str(bad), "--today", "2026-11-28"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: 6 problem(s)" in err
    assert "orders.prefix: unknown option" in err
    assert "general.time_zone: unknown time zone 'Nowhere'" in err
    assert "connection.wix_site_id: required" in err


def test_cli_validate_accepts_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "validate", str(EXAMPLE), "--today", "2026-11-28"]) == 0
    assert "valid" in capsys.readouterr().out


def test_cli_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert set(schema["properties"]) == set(Config.model_fields)
    assert schema == json.loads(json_schema())


def test_readme_configuration_reference_is_generated_from_the_model() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert reference() in readme, "run `python -m wixqb_nb.config_doc` to refresh README.md"
    for name, section in Config.model_fields.items():
        assert section.annotation is not None
        assert f"`{name}." in readme
