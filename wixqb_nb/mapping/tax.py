"""Tax: which QBO tax code a Wix charge gets, Wix's tax per QBO rate, and what QBO will compute.

Prediction follows QBO's documented rules (docs: qbo_api.md section 3): amounts are 2-decimal,
half-up; tax per rate is either rounded line by line and summed (``tax_rounding = "line"``) or
computed on the rate's summed taxable base (``"total"``); on tax-inclusive documents QBO derives
each line's net as ``round(gross / (1 + sum of the code's rates))`` and taxes that net.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from wixqb_nb import money
from wixqb_nb.config import Config
from wixqb_nb.errors import MappingError
from wixqb_nb.mapping.snapshot import QboSnapshot, RateInfo, TaxCodeInfo

ZERO = Decimal("0")
CENT = Decimal("0.01")
US_TAX, US_NON = "TAX", "NON"


def q2(value: Decimal) -> Decimal:
    """Round half-up to cents (QBO's amount precision)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class WixTax(NamedTuple):
    """The tax Wix charged on one charge: total, and per named part when Wix broke it down.

    ``name`` is the parts' names joined with " + " (the key of ``taxes.mappings``), derived from
    ``parts`` by whoever builds the value (:func:`wixqb_nb.mapping.sale.wix_tax`).
    """

    amount: Decimal
    rate: Decimal | None  # fraction, the sum of the parts
    parts: tuple[tuple[str, Decimal | None, Decimal], ...] = ()  # (name, rate, amount)
    name: str | None = None


#: ``find_code`` results by ``(taxed, name, rate)``, valid for one (config, snapshot) pair.
CodeCache = MutableMapping[tuple[bool, str | None, Decimal | None], "TaxCodeInfo | str"]


def find_code(
    tax: WixTax,
    config: Config,
    snap: QboSnapshot,
    *,
    order_id: str,
    where: str,
    cache: CodeCache | None = None,
) -> TaxCodeInfo | str | MappingError:
    """The QBO tax code for a charge: a :class:`TaxCodeInfo` (non-US), ``TAX``/``NON`` (US), or an error.

    ``cache`` (one per configuration and snapshot) remembers found codes; errors are not cached
    since they name the order and the charge.
    """
    taxed = tax.amount != 0 or (tax.rate is not None and tax.rate != 0)
    if snap.is_us:
        return US_TAX if taxed else US_NON
    if cache is None:
        return _find_code(tax, taxed, config, snap, order_id, where)
    key = (taxed, tax.name, tax.rate)
    found = cache.get(key)
    if found is None:
        got = _find_code(tax, taxed, config, snap, order_id, where)
        if isinstance(got, MappingError):
            return got
        cache[key] = found = got
    return found


def _find_code(
    tax: WixTax, taxed: bool, config: Config, snap: QboSnapshot, order_id: str, where: str
) -> TaxCodeInfo | str | MappingError:
    if not taxed:
        code_ref = config.taxes.untaxed_code
        if code_ref is None:
            return MappingError(
                f"{where} is untaxed but no QBO code is set for untaxed lines",
                source_id=order_id,
                field="taxes.untaxed_code",
                hint="set taxes.untaxed_code (e.g. the company's exempt or zero-rated code)",
            )
        return _known(code_ref.id, snap, order_id, "taxes.untaxed_code")
    name = (tax.name or "").strip().lower()
    rate = tax.rate.normalize() if tax.rate is not None else None
    by_rate = [m for m in config.taxes.mappings if rate is not None and m.rate.normalize() == rate]
    named = [m for m in by_rate if m.name.strip().lower() == name] if name else []
    chosen = named or ([] if name and len({m.qbo_tax_code.id for m in by_rate}) > 1 else by_rate)
    if not chosen or len({m.qbo_tax_code.id for m in chosen}) > 1:
        label = f"{tax.name or 'tax'} at {_pct(tax.rate)}"
        return MappingError(
            f"{where}: Wix {label} has no {'single ' if chosen else ''}QBO tax code",
            source_id=order_id,
            field="taxes.mappings",
            hint=f"add a taxes.mappings entry with name {tax.name or '<any>'!r} and rate {tax.rate}",
        )
    return _known(chosen[0].qbo_tax_code.id, snap, order_id, "taxes.mappings")


def _pct(rate: Decimal | None) -> str:
    return "an unknown rate" if rate is None else f"{(rate * 100).normalize():f}%"


def _known(code_id: str, snap: QboSnapshot, order_id: str, field: str) -> TaxCodeInfo | MappingError:
    code = snap.tax_codes.get(code_id)
    if code is None:
        return MappingError(
            f"QBO tax code {code_id} is not in the company (or is inactive)",
            source_id=order_id,
            field=field,
            hint="pick an active QBO tax code in the tax mapping",
        )
    return code


def split_by_rate(tax: WixTax, code: TaxCodeInfo, currency: str | None) -> list[Decimal]:
    """Wix's tax of one charge attributed to each of ``code``'s rates (sums to ``tax.amount``).

    Wix's own breakdown is used when it has one part per rate (matched by rate, else by order);
    otherwise the amount is split in proportion to the rates.
    """
    if not code.rates:
        return []
    n = len(code.rates)
    if n > 1 and len(tax.parts) == n:
        aligned = [p[2] for p, rate in zip(tax.parts, code.rates, strict=True) if p[1] == rate.fraction]
        if len(aligned) == n:  # Wix's parts in the code's order (what the loop below finds, faster)
            if money.total(aligned) == tax.amount:
                return aligned
            return money.split(tax.amount, [r.percent for r in code.rates], currency)
        parts = list(tax.parts)
        out: list[Decimal] = []
        got = ZERO
        for rate in code.rates:
            fraction = rate.fraction
            at = 0  # Wix's part of the same rate, else the first one left
            for j, p in enumerate(parts):
                if p[1] is not None and p[1] == fraction:
                    at = j
                    break
            amount = parts.pop(at)[2]
            out.append(amount)
            got += amount
        if got == tax.amount:
            return out
    return money.split(tax.amount, [r.percent for r in code.rates], currency)


def inclusive_net(gross: Decimal, code: TaxCodeInfo | str) -> Decimal:
    """The net QBO derives from a tax-inclusive amount on a non-US document."""
    if not isinstance(code, TaxCodeInfo) or not code.rates:
        return gross
    return q2(gross / (1 + code.percent / 100))


class RatePrediction(NamedTuple):
    """QBO's tax for one rate of a document, both ways, and the amount we will send."""

    rate: RateInfo
    base: Decimal  # NetAmountTaxable
    by_line: Decimal
    by_total: Decimal
    wix: Decimal  # Wix's tax attributed to this rate (what the TaxLine override sends)


def predict_rates(
    lines: Iterable[tuple[Decimal, TaxCodeInfo | str, Sequence[Decimal]]],
) -> list[RatePrediction]:
    """Per-rate prediction from ``(qbo_net, code, wix_tax_per_rate)`` of every line."""
    acc: dict[str, list[Decimal]] = {}  # rate id -> [base, by_line, wix]
    info: dict[str, RateInfo] = {}
    for net, code, wix_parts in lines:
        if code.__class__ is not TaxCodeInfo:
            continue
        n_parts = len(wix_parts)
        for i, rate in enumerate(code.rates):
            row = acc.get(rate.id)
            if row is None:
                row = acc[rate.id] = [ZERO, ZERO, ZERO]
                info[rate.id] = rate
            row[0] += net
            row[1] += (net * rate.fraction).quantize(CENT, ROUND_HALF_UP)
            if i < n_parts:
                row[2] += wix_parts[i]
    return [
        RatePrediction(info[rid], row[0], row[1], q2(row[0] * info[rid].fraction), row[2])
        for rid, row in acc.items()
    ]
