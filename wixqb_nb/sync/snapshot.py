"""Loading the QBO reference snapshot once per run, and only when something needs planning.

A run over an unchanged store must cost almost nothing (one Wix search), so the snapshot is loaded
lazily: :class:`LazySnapshot` reads QBO the first time the plan needs it. The first page of every
reference list goes out in one batch request of queries (QBO answers up to 30 queries per batch);
a list that fills its page is followed with ordinary paged queries, so nothing is truncated.
"""

from __future__ import annotations

from typing import Any

from wixqb_nb.clients.qbo import BatchItem, QboClient
from wixqb_nb.config import Config
from wixqb_nb.errors import ApiError, AuthenticationError
from wixqb_nb.mapping.snapshot import QboSnapshot, TaxRounding

#: The reference lists the mapping uses, and the vendor/employee lists whose names customers cannot take.
ENTITIES = ("Item", "Customer", "TaxCode", "TaxRate", "Account", "Class", "Department", "PaymentMethod")
NAME_ONLY = ("Vendor", "Employee")
PAGE = 1000


def _statement(entity: str, start: int = 1) -> str:
    fields = "*, Sku" if entity == "Item" else "*"
    return f"SELECT {fields} FROM {entity} STARTPOSITION {start} MAXRESULTS {PAGE}"


def read_reference(qbo: QboClient, *, nonce: str) -> dict[str, list[dict[str, Any]]]:
    """Every active object of :data:`ENTITIES` and :data:`NAME_ONLY`, keyed by entity.

    One batch request carries the first page of each list; lists longer than a page are read on
    with paged queries. Falls back to plain queries when the batch itself fails. ``nonce`` makes the
    batch's item keys (hence its ``requestid``) unique to this read: QBO replays the first answer
    to a repeated requestid, which for a query would be yesterday's data.
    """
    names = ENTITIES + NAME_ONLY
    out: dict[str, list[dict[str, Any]]] = {}
    items = [BatchItem("query", n, _statement(n), f"snapshot:{nonce}:{n}") for n in names]
    try:
        results = qbo.batch(items)
    except AuthenticationError:
        raise
    except ApiError:
        results = []
    for name, result in zip(names, results, strict=False):
        if result.ok and result.data is not None:
            out[name] = list(result.data.get(name) or [])
    for name in names:
        if name not in out:
            out[name] = list(qbo.query_iter(_statement(name).rsplit(" STARTPOSITION", 1)[0], page_size=PAGE))
        elif len(out[name]) >= PAGE:
            more = qbo.query_iter(_statement(name).rsplit(" STARTPOSITION", 1)[0], page_size=PAGE)
            out[name] = list(more)
    return out


def default_tax_rounding(country: str) -> TaxRounding:
    """How QBO rounds sales tax when the config does not say: per total in the US, per line elsewhere."""
    return "total" if country.upper() in ("US", "USA") else "line"


def load_snapshot(
    qbo: QboClient,
    *,
    nonce: str,
    tax_rounding: TaxRounding | None = None,
    honours_tax_override: bool = True,
) -> QboSnapshot:
    """Read QBO's company settings and reference lists into a :class:`QboSnapshot`."""
    info = qbo.company_info()
    prefs = qbo.preferences()
    lists = read_reference(qbo, nonce=nonce)
    reserved = [
        str(row.get("DisplayName") or "")
        for name in NAME_ONLY
        for row in lists[name]
        if row.get("DisplayName")
    ]
    country = str(info.get("Country") or "")
    return QboSnapshot.from_entities(
        {name: lists[name] for name in ENTITIES},
        preferences=prefs,
        company_info=info,
        realm_id=qbo.realm_id,
        tax_rounding=tax_rounding or default_tax_rounding(country),
        honours_tax_override=honours_tax_override,
        reserved_names=reserved,
    )


def tax_options(config: Config) -> dict[str, Any]:
    """The snapshot's tax assumptions from ``config.taxes`` (QBO's real rounding varies by region)."""
    rounding = config.taxes.qbo_rounding
    return {
        "tax_rounding": None if rounding == "auto" else rounding,
        "honours_tax_override": config.taxes.qbo_keeps_sent_tax,
    }


class LazySnapshot:
    """The run's snapshot, read from QBO on first use and kept for the rest of the run."""

    def __init__(
        self,
        qbo: QboClient,
        *,
        nonce: str,
        tax_rounding: TaxRounding | None = None,
        honours_tax_override: bool = True,
    ) -> None:
        self._qbo = qbo
        self._nonce = nonce
        self._tax_rounding = tax_rounding
        self._honours = honours_tax_override
        self._value: QboSnapshot | None = None

    @property
    def loaded(self) -> bool:
        """Whether QBO was read already."""
        return self._value is not None

    def get(self) -> QboSnapshot:
        """The snapshot (reads QBO the first time)."""
        if self._value is None:
            self._value = load_snapshot(
                self._qbo,
                nonce=self._nonce,
                tax_rounding=self._tax_rounding,
                honours_tax_override=self._honours,
            )
        return self._value
