"""The Wix side of the catalog: Stores products (catalog V1 JSON) and order-line factories."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from ._data import APP_STORES, CUSTOM_LINES, OFFERINGS, PRODUCTS, Offering, Product
from ._fmt import fixed_id
from ._spec import Line
from ._txn import new_id

DEFAULT_VARIANT = "00000000-0000-0000-0000-000000000000"
PRODUCT_BY_KEY = {p.key: p for p in PRODUCTS}
OFFERING_BY_KEY = {o.key: o for o in OFFERINGS}


def product_id(p: Product) -> str:
    return fixed_id("product", p.key)


def variant_id(p: Product, choice: str) -> str:
    return fixed_id("variant", p.key, choice)


def _names(profile: str, fr: str, en: str, lang: str) -> tuple[str, str]:
    if profile == "us":
        return en, en
    return fr, (fr if lang == "fr" else en)


def product_line(profile: str, p: Product, qty: int, lang: str, choice: str | None = None) -> Line:
    """A Wix Stores line for product ``p`` (variant ``choice`` when it has variants)."""
    name, translated = _names(profile, p.name_fr, p.name_en, lang)
    sku = p.sku
    options: dict[str, Any] = {"variantId": DEFAULT_VARIANT}
    description: tuple[tuple[str, str], ...] = ()
    if p.variants:
        choice = choice or p.variants[0][0]
        sku = next(v[1] for v in p.variants if v[0] == choice)
        options = {"variantId": variant_id(p, choice), "options": {p.option: choice}}
        description = ((p.option, choice),)
    physical = p.kind == "physical"
    return Line(
        name=name,
        translated=translated,
        cents=p.cents,
        qty=qty,
        item_type={"preset": "PHYSICAL" if physical else "DIGITAL"},
        catalog={"catalogItemId": product_id(p), "appId": APP_STORES, "options": options},
        sku=sku,
        shippable=physical,
        grams=p.grams,
        taxable=not p.zero_rated,
        tax_group="zero" if p.zero_rated else "standard",
        description=description,
    )


def offering_line(profile: str, o: Offering, qty: int, lang: str, rng: random.Random) -> Line:
    """A Bookings, Events, Pricing Plans, Restaurants or gift-card line (no SKU)."""
    name, translated = _names(profile, o.name_fr, o.name_en, lang)
    catalog: dict[str, Any] = {"catalogItemId": fixed_id("offering", o.key), "appId": o.app}
    subscription = None
    if o.key in ("tasting", "barista"):
        # Bookings: catalogItemId is the booking, rootCatalogItemId-like service id in options.
        catalog = {
            "catalogItemId": new_id(rng),
            "appId": o.app,
            "options": {"serviceId": fixed_id("offering", o.key)},
        }
    elif o.key.startswith("club"):
        catalog["options"] = {"type": "PLAN", "planOptions": {"pricingVariantId": fixed_id("plan", o.key)}}
        subscription = {
            "id": new_id(rng),
            "cycleNumber": 1,
            "subscriptionOptionTitle": name,
            "subscriptionSettings": {
                "frequency": "MONTH" if o.key == "clubm" else "YEAR",
                "interval": 1,
                "autoRenewal": True,
            },
        }
    elif o.key.startswith("jazz"):
        catalog["options"] = {"eventId": fixed_id("event", "jazz")}
    return Line(
        name=name,
        translated=translated,
        cents=o.cents,
        qty=qty,
        item_type={"preset": o.item_type},
        catalog=catalog,
        shippable=False,
        taxable=o.taxable,
        tax_group="standard" if o.taxable else "exempt",
        subscription=subscription,
    )


def custom_line(profile: str, index: int, qty: int, lang: str) -> Line:
    """A custom line item: no catalogReference, ``itemType.custom`` holds a free string."""
    fr, en, cents, custom = CUSTOM_LINES[index % len(CUSTOM_LINES)]
    name, translated = _names(profile, fr, en, lang)
    return Line(name=name, translated=translated, cents=cents, qty=qty, item_type={"custom": custom})


def products_json(profile: str) -> list[dict[str, Any]]:
    """The Stores catalog (V1 shape; prices are JSON numbers, unlike order amounts)."""
    currency = "CAD" if profile == "ca-qc" else "USD"
    return [_product_json(p, profile, currency, n) for n, p in enumerate(PRODUCTS)]


def _product_json(p: Product, profile: str, currency: str, n: int) -> dict[str, Any]:
    name = p.name_en if profile == "us" else p.name_fr
    price = Decimal(p.cents).scaleb(-2)
    shown = f"C${price}" if currency == "CAD" else f"${price}"
    price_data = {
        "currency": currency,
        "price": price,
        "discountedPrice": price,
        "formatted": {"price": shown, "discountedPrice": shown},
    }
    out: dict[str, Any] = {
        "id": product_id(p),
        "name": name,
        "slug": name.lower().replace(" ", "-"),
        "visible": True,
        "productType": p.kind,
        "description": f"<p>{name}</p>",
        "sku": "" if p.variants else (p.sku or ""),
        "weight": Decimal(p.grams).scaleb(-3),
        "stock": {"trackInventory": False, "inStock": True, "inventoryStatus": "IN_STOCK"},
        "price": price_data,
        "priceData": dict(price_data),
        "costAndProfitData": {"itemCost": (price * 2 / 5).quantize(Decimal("0.01"))},
        "manageVariants": bool(p.variants),
        "productOptions": [],
        "variants": [],
        "numericId": str(1_700_000_000_000_000 + n * 1000),
        "inventoryItemId": fixed_id("inventory", p.key),
        "discount": {"type": "NONE", "value": 0},
        "collectionIds": ["00000000-000000-000000-000000000001"],
        "lastUpdated": "2024-11-02T15:04:05.000Z",
        "createdDate": "2024-03-12T12:18:45.142Z",
        "ribbon": "",
    }
    if p.variants:
        out["productOptions"] = [
            {
                "optionType": "drop_down",
                "name": p.option,
                "choices": [
                    {"value": c, "description": c, "inStock": True, "visible": True} for c, _, _ in p.variants
                ],
            }
        ]
        out["variants"] = [
            {
                "id": variant_id(p, c),
                "choices": {p.option: c},
                "variant": {
                    "priceData": dict(price_data),
                    "weight": Decimal(p.grams).scaleb(-3),
                    "sku": sku,
                    "visible": True,
                },
                "stock": {"trackQuantity": False, "inStock": True},
            }
            for c, sku, _ in p.variants
        ]
    return out


__all__ = [
    "OFFERING_BY_KEY",
    "PRODUCT_BY_KEY",
    "custom_line",
    "offering_line",
    "product_line",
    "products_json",
]
