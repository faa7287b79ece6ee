"""Which orders a store holds: the special cases first, then seeded everyday orders.

Every store starts with :data:`SPECIALS` (so even a small store has each edge case, the three
published penny cases first), then random orders drawn with realistic frequencies.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from ._catalog import OFFERING_BY_KEY, PRODUCT_BY_KEY, custom_line, offering_line, product_line
from ._data import APP_BOOKINGS, APP_EVENTS, APP_PLANS, APP_RESTAURANTS, PRODUCTS, Person
from ._people import People
from ._spec import Discount, Line, OrderSpec, Refund


class Ctx:
    """Per-store context handed to scenario builders."""

    def __init__(self, profile: str, people: People) -> None:
        self.profile = profile
        self.people = people
        self.fr = profile == "ca-qc"
        self._stock = [p for p in PRODUCTS if p.weight]
        self._stock_w = [p.weight for p in self._stock]

    def t(self, fr: str, en: str, lang: str) -> str:
        return fr if self.fr and lang == "fr" else en

    def p(self, key: str, qty: int, lang: str, choice: str | None = None) -> Line:
        return product_line(self.profile, PRODUCT_BY_KEY[key], qty, lang, choice)

    def o(self, key: str, qty: int, lang: str, rng: random.Random) -> Line:
        return offering_line(self.profile, OFFERING_BY_KEY[key], qty, lang, rng)

    def spec(
        self, person: Person, lines: list[Line], cases: tuple[str, ...] = (), region: str = "", **kw: object
    ) -> OrderSpec:
        people = self.people
        lang = people.lang(person)
        out = OrderSpec(
            cases=cases,
            person=person,
            contact_id=people.contact_id(person),
            member_id=people.member_id(person),
            region=people.region_by_key[region or person.region],
            lines=lines,
            lang=lang,
        )
        for k, v in kw.items():
            setattr(out, k, v)
        return out

    def standard_shipping(self, lang: str, rng: random.Random) -> tuple[str, int]:
        if self.fr:
            return self.t("Livraison standard", "Standard shipping", lang), rng.choice((995, 1250, 1495))
        return "Standard Shipping", rng.choice((599, 899, 1299))

    def free_shipping(self, lang: str) -> tuple[str, int]:
        return self.t("Livraison gratuite", "Free shipping", lang), 0

    def pickup(self, lang: str) -> tuple[str, int]:
        return self.t("Cueillette en boutique", "Store pickup", lang), 0


Builder = Callable[[Ctx, random.Random], OrderSpec]


def _sp(key: str) -> Callable[[Ctx], Person]:
    return lambda c: c.people.special(key)


def _penny_inclusive(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.special("greek")
    return c.spec(person, [c.p("ebook", 1, "en")], region="AU", inclusive=True, method="CreditCard")


def _penny_qst(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.special("company")
    lang = "fr"
    lines = [c.p("machine", 1, lang), c.p("comgrinder", 1, lang), c.p("barkit", 4, lang)]
    return c.spec(
        person,
        lines,
        region="QCP",
        shipping=c.free_shipping(lang),
        outcome="unpaid",
        method="Offline",
        note="Facturer à notre compte / Please invoice us",
    )


def _penny_twelve(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.special("cyrillic")
    lang = "en"
    lines = [c.p("letter", 1, lang, ch) for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    lines += [
        c.p("espcup", 1, lang),
        c.p("pin", 1, lang),
        c.p("spoon", 1, lang),
        c.p("coaster", 1, lang),
        c.p("stickers", 2, lang),
    ]
    return c.spec(person, lines, region="H12", shipping=c.pickup(lang), pickup=True, method="PayPal")


def _unpaid_offline(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.special("dup1")
    lang = c.people.lang(person)
    return c.spec(
        person,
        [c.p("mug", 2, lang), c.p("pour", 1, lang)],
        shipping=(c.t("Livraison standard", "Standard shipping", lang), 1250),
        outcome="unpaid",
        method="Offline",
    )


def _partial(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.special("long")
    line = c.o("barista", 2, c.people.lang(person), rng)
    line.payment_option = "DEPOSIT_ONLINE"
    return c.spec(person, [line], outcome="partial", method="CreditCard")


def _refund_items(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.special("apostrophe")
    lang = c.people.lang(person)
    lines = [c.p("drk340", 3, lang), c.p("mug", 1, lang), c.p("cookies", 2, lang)]
    return c.spec(
        person,
        lines,
        shipping=c.standard_shipping(lang, rng),
        method="Stripe",
        refunds=[Refund(((0, 1), (1, 1)), shipping=False, reason="damaged")],
    )


def _refund_shipping(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.special("cjk")
    lang = c.people.lang(person)
    lines = [c.p("travel", 1, lang), c.p("filters", 2, lang)]
    return c.spec(
        person,
        lines,
        shipping=c.standard_shipping(lang, rng),
        method="PayPal",
        refunds=[Refund(((0, 1),), shipping=True, reason="lost in transit")],
    )


def _refund_full(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.special("colon")
    lang = c.people.lang(person)
    lines = [c.p("grinder", 1, lang), c.p("esp1kg", 1, lang)]
    return c.spec(
        person,
        lines,
        shipping=c.standard_shipping(lang, rng),
        method="CreditCard",
        refunds=[Refund((), full=True, reason="returned")],
    )


def _refund_split(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.special("apostrophe2")
    lang = c.people.lang(person)
    lines = [c.p("giftbox", 1, lang), c.p("mug", 2, lang)]
    return c.spec(
        person,
        lines,
        shipping=c.standard_shipping(lang, rng),
        method="CreditCard",
        giftcard_cents=2500,
        refunds=[
            Refund(((1, 1),), reason="wrong colour"),
            Refund((), full=True, reason="returned", after_hours=120),
        ],
    )


def _canceled(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.special("dup2")
    lang = c.people.lang(person)
    return c.spec(
        person,
        [c.p("dec340", 2, lang)],
        shipping=c.standard_shipping(lang, rng),
        outcome="canceled",
        method="Offline",
    )


def _canceled_refunded(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    return c.spec(
        person,
        [c.p("pour", 1, lang)],
        shipping=c.standard_shipping(lang, rng),
        method="PayPal",
        outcome="canceled_refunded",
        refunds=[Refund((), full=True, reason="canceled by buyer", after_hours=2)],
    )


def _coupon_odd(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    lines = [c.p("tshirt", 1, lang, s) for s in ("S", "M", "L")]
    code = "MERCI10" if c.fr else "THANKS10"
    return c.spec(
        person,
        lines,
        shipping=c.free_shipping(lang),
        method="CreditCard",
        discounts=[Discount("coupon", cents=1000, label=c.t("10 $ de rabais", "$10 off", lang), code=code)],
    )


def _two_discounts(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    lines = [c.p("mug", 1, lang), c.p("dec340", 1, lang), c.p("filters", 3, lang)]
    return c.spec(
        person,
        lines,
        shipping=c.standard_shipping(lang, rng),
        method="Stripe",
        discounts=[
            Discount("merchant", cents=333, lines=(0,), label=c.t("Client fidèle", "Loyal customer", lang)),
            Discount("coupon", ppm=150_000, code="BIENVENUE15" if c.fr else "WELCOME15", label="15 %"),
        ],
    )


def _rule(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    lines = [c.p("cold", 3, lang), c.p("mug", 1, lang)]
    return c.spec(
        person,
        lines,
        shipping=c.standard_shipping(lang, rng),
        method="PayPal",
        discounts=[
            Discount(
                "rule", ppm=150_000, lines=(0,), label=c.t("3 pour le prix de 2,55", "Buy 3, save 15%", lang)
            )
        ],
    )


def _free_shipping(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    return c.spec(person, [c.p("giftbox", 1, lang)], shipping=c.free_shipping(lang), method="CreditCard")


def _inclusive(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    return c.spec(
        person,
        [c.p("mug", 1, lang), c.p("tote", 1, lang)],
        shipping=c.standard_shipping(lang, rng),
        inclusive=True,
        method="CreditCard",
    )


def _giftcard_only(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    return c.spec(
        person, [c.p("filters", 1, lang)], shipping=c.pickup(lang), pickup=True, giftcard_cents=10000
    )


def _giftcard_sold(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    return c.spec(
        person,
        [c.o("gc50", 1, lang, rng), c.p("mug", 1, lang)],
        shipping=c.standard_shipping(lang, rng),
        method="PayPal",
    )


def _bookings(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    return c.spec(person, [c.o("tasting", 2, c.people.lang(person), rng)], method="CreditCard")


def _bookings_offline(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    line = c.o("tasting", 1, c.people.lang(person), rng)
    line.payment_option = "FULL_PAYMENT_OFFLINE"
    return c.spec(person, [line], outcome="unpaid", method="Cash")


def _events(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    return c.spec(
        person, [c.o("jazz", 3, lang, rng), c.o("jazzvip", 1, lang, rng)], fee_ppm=25_000, method="Stripe"
    )


def _plans(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    return c.spec(person, [c.o("clubm", 1, c.people.lang(person), rng)], method="CreditCard")


def _restaurant(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    lines = [c.o("croissant", 2, lang, rng), c.o("latte", 2, lang, rng), c.o("sandwich", 1, lang, rng)]
    return c.spec(person, lines, method="Cash", channel="POS")


def _custom(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    return c.spec(
        person,
        [custom_line(c.profile, 0, 1, lang), c.p("mug", 1, lang)],
        shipping=c.standard_shipping(lang, rng),
        method="CreditCard",
    )


def _no_sku(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    return c.spec(
        person,
        [c.p("tote", 1, lang), c.p("stickers", 3, lang)],
        shipping=c.standard_shipping(lang, rng),
        method="Offline",
    )


def _pending(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    return c.spec(
        person,
        [c.p("esp1kg", 2, lang)],
        shipping=c.standard_shipping(lang, rng),
        outcome="pending",
        method="PayPal",
    )


def _mixed_tax(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = "en"
    return c.spec(
        person,
        [c.p("esp1kg", 1, lang), c.p("mug", 1, lang), c.p("choco", 2, lang)],
        region="ON" if c.fr else "NYC",
        shipping=c.standard_shipping(lang, rng),
        method="CreditCard",
    )


def _no_tax(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = "en"
    return c.spec(
        person,
        [c.p("grinder", 1, lang)],
        region="USX" if c.fr else "PDX",
        shipping=c.standard_shipping(lang, rng),
        method="PayPal",
    )


def _variant_missing(c: Ctx, rng: random.Random) -> OrderSpec:
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    return c.spec(
        person, [c.p("tshirt", 2, lang, "XL")], shipping=c.standard_shipping(lang, rng), method="Stripe"
    )


#: The special cases every store starts with, in this order.
SPECIALS: tuple[Builder, ...] = (
    _penny_inclusive,
    _penny_qst,
    _penny_twelve,
    _unpaid_offline,
    _partial,
    _refund_items,
    _refund_shipping,
    _refund_full,
    _refund_split,
    _canceled,
    _canceled_refunded,
    _coupon_odd,
    _two_discounts,
    _rule,
    _free_shipping,
    _inclusive,
    _giftcard_only,
    _giftcard_sold,
    _bookings,
    _bookings_offline,
    _events,
    _plans,
    _restaurant,
    _custom,
    _no_sku,
    _pending,
    _mixed_tax,
    _no_tax,
    _variant_missing,
)


def random_spec(c: Ctx, rng: random.Random) -> OrderSpec:
    """One everyday order with realistic frequencies."""
    person = c.people.pick(rng)
    lang = c.people.lang(person)
    r = rng.random()
    kw: dict[str, Any] = {}
    if r < 0.74:
        lines = _stores_lines(c, rng, lang)
    elif r < 0.82:
        lines = [
            c.o(k, rng.randint(1, 2), lang, rng)
            for k in rng.sample(["croissant", "latte", "sandwich", "soup"], rng.randint(1, 3))
        ]
        kw["channel"] = "POS" if rng.random() < 0.4 else "WEB"
    elif r < 0.89:
        lines = [c.o(rng.choice(("tasting", "barista")), 1, lang, rng)]
        if rng.random() < 0.25:
            lines[0].payment_option = "FULL_PAYMENT_OFFLINE"
    elif r < 0.94:
        lines = [c.o(rng.choice(("jazz", "jazz", "jazzvip")), rng.randint(1, 4), lang, rng)]
        kw["fee_ppm"] = 25_000
    elif r < 0.98:
        lines = [c.o(rng.choice(("clubm", "clubm", "cluby")), 1, lang, rng)]
    else:
        lines = [c.o(rng.choice(("gc25", "gc50", "gc100")), 1, lang, rng)]
    if any(ln.shippable for ln in lines):
        subtotal = sum(ln.cents * ln.qty for ln in lines)
        if subtotal >= 7500:
            kw["shipping"] = c.free_shipping(lang)
        elif rng.random() < 0.15:
            kw["shipping"], kw["pickup"] = c.pickup(lang), True
        else:
            kw["shipping"] = c.standard_shipping(lang, rng)
        kw["discounts"] = _random_discounts(c, rng, lines, lang)
    kw["inclusive"] = rng.random() < (0.02 if c.fr else 0.01) and not kw.get("fee_ppm")
    kw.update(_random_money(rng, lines, kw.get("channel") == "POS"))
    return c.spec(person, lines, **kw)


def _stores_lines(c: Ctx, rng: random.Random, lang: str) -> list[Line]:
    count = rng.choices((1, 2, 3, 4, 5), (45, 30, 15, 7, 3))[0]
    lines = []
    for product in rng.choices(c._stock, c._stock_w, k=count):
        choice = rng.choice(product.variants)[0] if product.variants else None
        lines.append(product_line(c.profile, product, rng.choices((1, 2, 3), (70, 20, 10))[0], lang, choice))
    if rng.random() < 0.03:
        lines.append(custom_line(c.profile, rng.randrange(3), 1, lang))
    if rng.random() < 0.02:
        lines.append(c.o(rng.choice(("gc25", "gc50")), 1, lang, rng))
    return lines


def _random_discounts(c: Ctx, rng: random.Random, lines: list[Line], lang: str) -> list[Discount]:
    r = rng.random()
    if r < 0.08:
        return [Discount("coupon", ppm=100_000, code="BIENVENUE10" if c.fr else "WELCOME10", label="10 %")]
    if r < 0.11:
        return [Discount("coupon", cents=500, code="MERCI5" if c.fr else "THANKS5", label="5 $")]
    if r < 0.14:
        multi = tuple(i for i, ln in enumerate(lines) if ln.qty >= 2)
        if multi:
            return [
                Discount(
                    "rule", ppm=150_000, lines=multi, label=c.t("2 et plus : 15 %", "2+ items: 15% off", lang)
                )
            ]
    if r < 0.16:
        return [
            Discount(
                "merchant",
                cents=rng.choice((100, 250, 333)),
                lines=(0,),
                label=c.t("Geste commercial", "Goodwill", lang),
            )
        ]
    return []


def _random_money(rng: random.Random, lines: list[Line], pos: bool) -> dict[str, object]:
    offline_option = any(ln.payment_option == "FULL_PAYMENT_OFFLINE" for ln in lines)
    if offline_option:
        return {"outcome": "unpaid" if rng.random() < 0.6 else "paid", "method": "Cash"}
    if pos:
        return {"method": "Cash", "channel": "POS"}
    out: dict[str, object] = {
        "method": rng.choices(("CreditCard", "PayPal", "Stripe", "Offline"), (55, 22, 17, 6))[0]
    }
    r = rng.random()
    if r < 0.04:
        out["giftcard_cents"] = rng.choice((2500, 5000, 10000))
    r = rng.random()
    if r < 0.05:
        out["outcome"], out["method"] = "unpaid", "Offline"
    elif r < 0.07:
        out["outcome"] = "partial"
    elif r < 0.08:
        out["outcome"] = "pending"
    elif r < 0.12:
        line = rng.randrange(len(lines))
        out["refunds"] = [
            Refund(
                ((line, 1),), shipping=rng.random() < 0.3, reason="returned", after_hours=rng.randint(6, 240)
            )
        ]
    elif r < 0.15:
        out["refunds"] = [Refund((), full=True, reason="returned", after_hours=rng.randint(6, 240))]
    elif r < 0.165:
        out["outcome"], out["method"] = "canceled", "Offline"
    elif r < 0.18:
        out["outcome"] = "canceled_refunded"
        out["refunds"] = [Refund((), full=True, reason="canceled", after_hours=1)]
    return out


__all__ = ["APP_BOOKINGS", "APP_EVENTS", "APP_PLANS", "APP_RESTAURANTS", "SPECIALS", "Ctx", "random_spec"]
