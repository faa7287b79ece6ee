"""One QBO company in memory: entities, indexes, preferences, and the write operations.

Stored entities are never mutated in place: every change stores a new dict, so a reader holding
one (a response being serialised outside the lock) sees a consistent object. All public methods
take the company lock, because uvicorn may run handlers concurrently with admin calls.

Indexes keep single writes O(1): DocNumber per type, DisplayName across Customer/Vendor/Employee,
Item Name (both case-insensitive, as QBO's name checks are).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from wixqb_nb.sandbox.qbo import entities, faults, query
from wixqb_nb.sandbox.qbo.tax import Rate, Rounding

SALES = entities.SALES_TYPES
WRITABLE = (*SALES, "Payment", "Deposit", "Customer", "Item")
READ_ONLY = (
    "Account",
    "TaxCode",
    "TaxRate",
    "Class",
    "Department",
    "PaymentMethod",
    "Term",
    "Vendor",
    "Employee",
)
ALL_TYPES = (*WRITABLE, *READ_ONLY)
#: one object per company, queryable as ``select * from Preferences`` / ``CompanyInfo``
SINGLETONS = ("Preferences", "CompanyInfo")
PERSON_TYPES = ("Customer", "Vendor", "Employee")
NAME_LISTS = ("Customer", "Item", *READ_ONLY)  # have Active; inactive ones are hidden from queries
ZERO = Decimal(0)


def _epoch(text: Any, default: float) -> float:
    try:
        return datetime.fromisoformat(str(text)).timestamp()
    except ValueError:
        return default


def meta_time(now: float) -> str:
    return datetime.fromtimestamp(now, tz=UTC).isoformat(timespec="seconds")


class QboCompany:
    """In-memory state of one QBO company (realm); build it with :meth:`from_seed`."""

    def __init__(self, realm_id: str, seed: dict[str, Any], clock: Callable[[], float] = time.time) -> None:
        self.realm_id = realm_id
        self.clock = clock
        self.country = str(seed.get("country", "US"))
        self.home_currency = str(seed.get("home_currency", "USD"))
        self.settings: dict[str, Any] = dict(seed.get("settings") or {})
        self.preferences: dict[str, Any] = dict(seed.get("preferences") or {})
        self.company_info: dict[str, Any] = dict(seed.get("company_info") or {})
        self._lock = threading.RLock()
        self._data: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in ALL_TYPES}
        self._doc_index: dict[str, dict[str, set[str]]] = {t: {} for t in SALES}
        self._names: dict[str, tuple[str, str]] = {}
        self._item_names: dict[str, str] = {}
        self._applied: dict[str, dict[str, Decimal]] = {}  # "Invoice:12" -> {payment id: amount}
        self._deposited: dict[str, str] = {}  # "Payment:40" -> deposit id
        self._overrides: set[str] = set()
        self._updated: dict[str, float] = {}
        self._deleted: dict[str, dict[str, float]] = {}
        self._hidden: frozenset[str] = frozenset()
        self._next_id = 1
        self._next_doc = int(self.settings.get("next_doc_number", 1001))

    # ---- construction and persistence -----------------------------------------------------

    @classmethod
    def from_seed(
        cls, seed: dict[str, Any], realm_id: str, clock: Callable[[], float] = time.time
    ) -> QboCompany:
        company = cls(realm_id, seed, clock)
        now = clock()
        for kind, rows in (seed.get("entities") or {}).items():
            if kind not in company._data:
                company._data[kind] = {}
            for row in rows:
                doc = dict(row)
                doc.setdefault("SyncToken", "0")
                doc.setdefault("domain", "QBO")
                doc.setdefault("sparse", False)
                doc.setdefault("MetaData", {"CreateTime": meta_time(now), "LastUpdatedTime": meta_time(now)})
                company._data[kind][str(doc["Id"])] = doc
                company._updated[f"{kind}:{doc['Id']}"] = _epoch(doc["MetaData"].get("LastUpdatedTime"), now)
        company._rebuild()
        return company

    def to_json(self) -> dict[str, Any]:
        """Everything needed to rebuild the company: Decimals and strings, no floats (``money.dumps`` it)."""
        with self._lock:
            return {
                "realm_id": self.realm_id,
                "country": self.country,
                "home_currency": self.home_currency,
                "settings": self.settings,
                "preferences": self.preferences,
                "company_info": self.company_info,
                "entities": {k: list(v.values()) for k, v in self._data.items()},
                "state": {
                    "next_doc": self._next_doc,
                    "applied": self._applied,
                    "deposited": self._deposited,
                    "overrides": sorted(self._overrides),
                    "updated": {k: repr(v) for k, v in self._updated.items()},
                    "deleted": {k: {i: repr(t) for i, t in v.items()} for k, v in self._deleted.items()},
                },
            }

    @classmethod
    def from_json(cls, d: dict[str, Any], clock: Callable[[], float] = time.time) -> QboCompany:
        company = cls.from_seed(d, str(d["realm_id"]), clock)
        state = d.get("state") or {}
        company._next_doc = int(state.get("next_doc", company._next_doc))
        company._applied = {
            k: {p: Decimal(str(a)) for p, a in v.items()} for k, v in state.get("applied", {}).items()
        }
        company._deposited = dict(state.get("deposited", {}))
        company._overrides = set(state.get("overrides", []))
        company._updated.update({k: float(v) for k, v in state.get("updated", {}).items()})
        company._deleted = {
            k: {i: float(t) for i, t in v.items()} for k, v in state.get("deleted", {}).items()
        }
        return company

    def _rebuild(self) -> None:
        ids = [int(i) for rows in self._data.values() for i in rows if i.isdigit()]
        self._next_id = max(ids, default=0) + 1
        for kind in SALES:
            self._doc_index[kind] = {}
            for ident, doc in self._data[kind].items():
                self._index_doc(kind, ident, doc)
        self._names = {}
        for kind in PERSON_TYPES:
            for ident, doc in self._data.get(kind, {}).items():
                if doc.get("DisplayName"):
                    self._names[str(doc["DisplayName"]).casefold()] = (kind, ident)
        self._item_names = {
            str(d["Name"]).casefold(): i for i, d in self._data["Item"].items() if d.get("Name")
        }

    # ---- settings the rules read ----------------------------------------------------------

    def _pref(self, group: str, key: str, default: Any = None) -> Any:
        section = self.preferences.get(group)
        return section.get(key, default) if isinstance(section, dict) else default

    @property
    def is_us(self) -> bool:
        return self.country.upper() in ("US", "USA")

    @property
    def automated_tax(self) -> bool:
        return bool(self.settings.get("ast", self._pref("TaxPrefs", "PartnerTaxEnabled", self.is_us)))

    @property
    def rounding(self) -> Rounding:
        return "total" if self.settings.get("tax_rounding") == "total" else "line"

    @property
    def allow_shipping(self) -> bool:
        return bool(self._pref("SalesFormsPrefs", "AllowShipping", False))

    @property
    def custom_txn_numbers(self) -> bool:
        return bool(self._pref("SalesFormsPrefs", "CustomTxnNumbers", False))

    @property
    def close_date(self) -> str | None:
        value = self._pref("AccountingInfoPrefs", "BookCloseDate")
        return str(value) if value else None

    @property
    def multicurrency(self) -> bool:
        return bool(self._pref("CurrencyPrefs", "MultiCurrencyEnabled", False))

    @property
    def exchange_rates(self) -> dict[str, Any]:
        return dict(self.settings.get("exchange_rates") or {})

    @property
    def undeposited_funds(self) -> str | None:
        for ident, acct in self._data["Account"].items():
            if acct.get("AccountSubType") == "UndepositedFunds" and acct.get("Active", True):
                return ident
        return None

    def ast_code(self) -> str | None:
        code = self.settings.get("ast_tax_code")
        return str(code) if code else None

    def set_preferences(self, patch: dict[str, Any]) -> None:
        """Merge ``patch`` into Preferences one section deep, e.g. ``{"AccountingInfoPrefs": {...}}``."""
        with self._lock:
            for key, value in patch.items():
                if isinstance(value, dict) and isinstance(self.preferences.get(key), dict):
                    self.preferences[key] = {**self.preferences[key], **value}
                else:
                    self.preferences[key] = value

    def configure(self, **settings: Any) -> None:
        """Change sandbox settings (``tax_rounding``, ``ast``, ``ast_tax_code``, ``exchange_rates``...)."""
        with self._lock:
            self.settings.update(settings)

    # ---- lookups (the ``totals.Books`` protocol) ------------------------------------------

    def resolve(self, entity: str, value: str, element: str) -> dict[str, Any]:
        """The referenced entity: 2500 when it does not exist, 610 when it is inactive."""
        doc = self._data.get(entity, {}).get(value)
        if doc is None or f"{entity}:{value}" in self._hidden:
            raise faults.invalid_reference(element, value, entity)
        if doc.get("Active") is False:
            raise faults.object_not_found(entity, value, element)
        return doc

    def code_rates(self, code_id: str, element: str) -> tuple[Rate, ...]:
        code = self.resolve("TaxCode", code_id, element)
        rates = []
        details = (code.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []
        for detail in details:
            rate_id = str((detail.get("TaxRateRef") or {}).get("value"))
            rate = self.resolve("TaxRate", rate_id, element)
            rates.append(Rate(rate_id, Decimal(str(rate.get("RateValue", 0)))))
        return tuple(rates)

    def open_balance(self, key: str, exclude_payment: str | None = None) -> Decimal:
        kind, ident = key.split(":")
        doc = self._data[kind][ident]
        applied = sum((a for p, a in self._applied.get(key, {}).items() if p != exclude_payment), ZERO)
        return Decimal(doc.get("TotalAmt", 0)) - applied

    def deposited_in(self, key: str) -> str | None:
        return self._deposited.get(key)

    # ---- reads ----------------------------------------------------------------------------

    def read(self, kind: str, ident: str) -> dict[str, Any]:
        with self._lock:
            doc = self._data.get(kind, {}).get(ident)
            if doc is None:
                raise faults.object_not_found(kind, ident)
            return doc

    def dump(self, entity: str | None = None) -> dict[str, list[dict[str, Any]]]:
        """All entities, or those of one type: ``{"Invoice": [...], ...}``."""
        with self._lock:
            kinds = [entity] if entity else list(self._data)
            return {k: list(self._data.get(k, {}).values()) for k in kinds}

    def run_query(self, text: str) -> dict[str, Any]:
        """Answer a query statement with QBO's ``QueryResponse`` object."""
        q = query.parse(text, (*ALL_TYPES, *SINGLETONS))
        with self._lock:
            if q.entity in SINGLETONS:
                rows = [dict(self.preferences if q.entity == "Preferences" else self.company_info)]
            else:
                rows = self._candidates(q)
            if q.entity in NAME_LISTS and not q.mentions("Active"):
                rows = [r for r in rows if r.get("Active", True) is not False]
            page, total = query.run(q, rows)
        if q.count:
            return {"totalCount": total}
        if not page:
            return {}
        if q.entity == "Item" and not q.extra:
            page = [{k: v for k, v in r.items() if k != "Sku"} for r in page]
        return {q.entity: page, "startPosition": q.start, "maxResults": len(page)}

    def _candidates(self, q: query.Query) -> list[dict[str, Any]]:
        table = self._data[q.entity]
        for cond in q.where:
            if len(cond.path) != 1 or cond.op not in ("=", "IN"):
                continue
            name = cond.path[0].lower()
            keys = [str(v).casefold() for v in cond.values]
            if name == "id":
                return [table[k] for k in keys if k in table]
            if name == "docnumber" and q.entity in SALES:
                ids = set().union(*(self._doc_index[q.entity].get(k, set()) for k in keys))
                return [table[i] for i in sorted(ids, key=int)]
            if name == "displayname" and q.entity in PERSON_TYPES:
                hits = [self._names.get(k) for k in keys]
                return [table[h[1]] for h in hits if h and h[0] == q.entity]
            if name == "name" and q.entity == "Item":
                return [table[self._item_names[k]] for k in keys if k in self._item_names]
        return list(table.values())

    def changes(
        self, kinds: Iterable[str], since: float, limit: int = 1000
    ) -> list[tuple[str, list[dict[str, Any]]]]:
        """Entities of ``kinds`` changed or deleted at or after ``since`` (epoch seconds), for CDC."""
        out = []
        budget = limit
        with self._lock:
            for kind in kinds:
                rows = [
                    doc
                    for ident, doc in self._data.get(kind, {}).items()
                    if self._updated.get(f"{kind}:{ident}", 0) >= since
                ]
                gone = [
                    {
                        "Id": ident,
                        "status": "Deleted",
                        "domain": "QBO",
                        "MetaData": {"LastUpdatedTime": meta_time(at)},
                    }
                    for ident, at in self._deleted.get(kind, {}).items()
                    if at >= since
                ]
                both = (rows + gone)[: max(budget, 0)]
                budget -= len(both)
                out.append((kind, both))
        return out

    # ---- writes ---------------------------------------------------------------------------

    def create(self, kind: str, body: dict[str, Any], hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Create an entity; ``hidden`` ("Type:Id" keys) are treated as not existing (batch isolation)."""
        with self._lock:
            self._writable(kind)
            self._hidden = hidden
            try:
                doc = {k: v for k, v in body.items() if k not in ("Id", "SyncToken", "MetaData", "domain")}
                prepared = self._prepare(kind, doc, None, None, tax_override=True)
                ident = str(self._next_id)
                self._next_id += 1
                return self._store(kind, ident, prepared, None)
            finally:
                self._hidden = frozenset()

    def update(self, kind: str, body: dict[str, Any], hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Sparse (``"sparse": true``) or full update; needs the current SyncToken (else 5010)."""
        with self._lock:
            self._writable(kind)
            ident, existing = self._current(kind, body)
            self._hidden = hidden
            try:
                key = f"{kind}:{ident}"
                if body.get("sparse") is True:
                    doc = {**existing, **body}
                    if "TxnTaxDetail" not in body and key not in self._overrides:
                        doc.pop("TxnTaxDetail", None)
                else:
                    doc = dict(body)
                for computed in ("Balance", "HomeBalance", "HomeTotalAmt", "RemainingCredit", "LinkedTxn"):
                    if kind in SALES:
                        doc.pop(computed, None)
                override = "TxnTaxDetail" in body or key in self._overrides
                prepared = self._prepare(kind, doc, ident, existing, tax_override=override)
                return self._store(kind, ident, prepared, existing)
            finally:
                self._hidden = frozenset()

    def delete(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """Delete a transaction; Customer and Item are made inactive, as QBO does for names."""
        with self._lock:
            self._writable(kind)
            ident, existing = self._current(kind, body)
            key = f"{kind}:{ident}"
            if kind in ("Customer", "Item"):
                return self._store(kind, ident, entities.Prepared({**existing, "Active": False}), existing)
            if self._applied.get(key):
                raise faults.business(f"{kind} {ident} has payments applied; delete or void them first")
            if kind in SALES:
                self._unindex_doc(kind, ident, existing)
            self._unlink(kind, ident)
            del self._data[kind][ident]
            self._overrides.discard(key)
            self._updated.pop(key, None)
            self._deleted.setdefault(kind, {})[ident] = self.clock()
            return {"status": "Deleted", "domain": "QBO", "Id": ident}

    def void(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """Void a sales form or payment: amounts become zero, links are released, the Id stays."""
        with self._lock:
            if kind not in (*SALES, "Payment"):
                raise faults.unsupported(f"Operation void is not supported for {kind}")
            ident, existing = self._current(kind, body)
            key = f"{kind}:{ident}"
            if self._applied.get(key):
                raise faults.business(f"{kind} {ident} has payments applied; void them first")
            doc = dict(existing)
            note = str(existing.get("PrivateNote") or "")
            doc["PrivateNote"] = f"Voided {note}".strip()
            doc["TotalAmt"] = ZERO
            if kind == "Payment":
                doc["Line"] = []
                doc["UnappliedAmt"] = ZERO
                self._unlink(kind, ident)
            else:
                doc["Line"] = [_zero_line(line) for line in existing.get("Line", [])]
                doc["TxnTaxDetail"] = {"TotalTax": ZERO, "TaxLine": []}
                if "HomeTotalAmt" in doc:
                    doc["HomeTotalAmt"] = ZERO
                self._overrides.discard(key)
            return self._store(kind, ident, entities.Prepared(doc), existing)

    def _writable(self, kind: str) -> None:
        if kind not in WRITABLE:
            raise faults.unsupported(f"Operation is not supported for {kind}: it is read-only")

    def _current(self, kind: str, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if body.get("Id") in (None, ""):
            raise faults.required("Id")
        ident = str(body["Id"])
        existing = self._data[kind].get(ident)
        if existing is None:
            raise faults.object_not_found(kind, ident, "Id")
        if body.get("SyncToken") is None:
            raise faults.required("SyncToken")
        if str(body["SyncToken"]) != str(existing.get("SyncToken")):
            raise faults.stale(kind, ident)
        holder = self._deposited.get(f"{kind}:{ident}")
        if holder is not None:
            raise faults.deposited(kind, ident)
        return ident, existing

    def _prepare(
        self,
        kind: str,
        doc: dict[str, Any],
        ident: str | None,
        existing: dict[str, Any] | None,
        *,
        tax_override: bool,
    ) -> entities.Prepared:
        if kind in SALES:
            self._doc_number(kind, doc, ident, existing)
            prepared = entities.prepare_sales(self, kind, doc, tax_override=tax_override)
            applied = sum(self._applied.get(f"{kind}:{ident}", {}).values(), ZERO)
            if applied > prepared.doc["TotalAmt"]:
                raise faults.business(
                    f"The new total is less than the {applied} already applied to this {kind}"
                )
            return prepared
        if kind == "Payment":
            return entities.prepare_payment(self, doc, ident)
        if kind == "Deposit":
            return entities.prepare_deposit(self, doc, ident)
        if kind == "Customer":
            prepared = entities.prepare_customer(self, doc, existing)
            hit = self._names.get(str(prepared.doc["DisplayName"]).casefold())
            if hit is not None and hit != ("Customer", ident):
                raise faults.duplicate_name("DisplayName")
            return prepared
        prepared = entities.prepare_item(self, doc, existing)
        other = self._item_names.get(str(prepared.doc["Name"]).casefold())
        if other is not None and other != ident:
            raise faults.duplicate_name("Name")
        return prepared

    def _doc_number(
        self, kind: str, doc: dict[str, Any], ident: str | None, existing: dict[str, Any] | None
    ) -> None:
        number = doc.get("DocNumber")
        auto = bool(doc.pop("AutoDocNumber", False))
        if number == "AUTO_GENERATE" or (auto and not number):
            number = self._next_number()
        elif number is None and existing is not None:
            number = existing.get("DocNumber")
        elif number is None and not self.custom_txn_numbers:
            number = self._next_number()
        if number is None:
            doc.pop("DocNumber", None)
            return
        number = str(number)
        if len(number) > 21:
            raise faults.string_length("DocNumber", 21, len(number))
        if self.custom_txn_numbers and number:
            for other in self._doc_index[kind].get(number.casefold(), set()):
                if other != ident:
                    raise faults.duplicate_doc_number(number, _TXN_NAMES[kind], other)
        doc["DocNumber"] = number

    def _next_number(self) -> str:
        while any(str(self._next_doc) in self._doc_index[k] for k in SALES):
            self._next_doc += 1
        self._next_doc += 1
        return str(self._next_doc - 1)

    def _index_doc(self, kind: str, ident: str, doc: dict[str, Any]) -> None:
        if doc.get("DocNumber"):
            self._doc_index[kind].setdefault(str(doc["DocNumber"]).casefold(), set()).add(ident)

    def _unindex_doc(self, kind: str, ident: str, doc: dict[str, Any]) -> None:
        if doc.get("DocNumber"):
            self._doc_index[kind].get(str(doc["DocNumber"]).casefold(), set()).discard(ident)

    def _unlink(self, kind: str, ident: str) -> None:
        """Release what a Payment applies or a Deposit holds, refreshing the documents it touched."""
        if kind == "Payment":
            touched = [k for k, apps in self._applied.items() if ident in apps]
            for target in touched:
                del self._applied[target][ident]
            for target in touched:
                self._refresh_balance(target)
        if kind == "Deposit":
            for target in [k for k, d in self._deposited.items() if d == ident]:
                del self._deposited[target]

    def _store(
        self, kind: str, ident: str, prepared: entities.Prepared, existing: dict[str, Any] | None
    ) -> dict[str, Any]:
        now = self.clock()
        key = f"{kind}:{ident}"
        doc = prepared.doc
        doc["Id"] = ident
        doc["SyncToken"] = "0" if existing is None else str(int(str(existing.get("SyncToken", "0"))) + 1)
        doc["domain"] = "QBO"
        doc["sparse"] = False
        created = (existing or {}).get("MetaData", {}).get("CreateTime") or meta_time(now)
        doc["MetaData"] = {"CreateTime": created, "LastUpdatedTime": meta_time(now)}
        if kind in SALES:
            if existing is not None:
                self._unindex_doc(kind, ident, existing)
            self._index_doc(kind, ident, doc)
            if prepared.tax_override:
                self._overrides.add(key)
            else:
                self._overrides.discard(key)
        elif kind == "Customer":
            if existing is not None:
                self._names.pop(str(existing.get("DisplayName", "")).casefold(), None)
            self._names[str(doc["DisplayName"]).casefold()] = ("Customer", ident)
        elif kind == "Item":
            if existing is not None:
                self._item_names.pop(str(existing.get("Name", "")).casefold(), None)
            self._item_names[str(doc["Name"]).casefold()] = ident
        if kind in ("Payment", "Deposit"):
            self._unlink(kind, ident)
        for target, amount in prepared.applications.items():
            self._applied.setdefault(target, {})[ident] = amount
        for target in prepared.deposits:
            self._deposited[target] = ident
        if kind in ("SalesReceipt", "RefundReceipt"):
            doc["Balance"] = ZERO
        self._data[kind][ident] = doc
        self._updated[key] = now
        if kind in ("Invoice", "CreditMemo"):
            self._refresh_balance(key, bump=False)
        for target in prepared.applications:
            self._refresh_balance(target)
        return self._data[kind][ident]

    def _refresh_balance(self, key: str, bump: bool = True) -> None:
        kind, ident = key.split(":")
        doc = self._data[kind].get(ident)
        if doc is None:
            return
        applied = self._applied.get(key, {})
        doc = dict(doc)
        balance = Decimal(doc.get("TotalAmt", 0)) - sum(applied.values(), ZERO)
        doc["Balance"] = balance
        if kind == "CreditMemo":
            doc["RemainingCredit"] = balance
        if "ExchangeRate" in doc and self.multicurrency:
            doc["HomeBalance"] = (balance * Decimal(doc["ExchangeRate"])).quantize(Decimal("0.01"))
        if kind == "Invoice":
            links = [{"TxnId": p, "TxnType": "Payment"} for p in applied]
            if links:
                doc["LinkedTxn"] = links
            else:
                doc.pop("LinkedTxn", None)
        self._data[kind][ident] = doc
        if bump:
            now = self.clock()
            doc["MetaData"] = {**doc.get("MetaData", {}), "LastUpdatedTime": meta_time(now)}
            self._updated[key] = now


_TXN_NAMES = {
    "Invoice": "Invoice",
    "SalesReceipt": "Sales Receipt",
    "CreditMemo": "Credit Memo",
    "RefundReceipt": "Refund Receipt",
}


def _zero_line(line: dict[str, Any]) -> dict[str, Any]:
    out = dict(line)
    out["Amount"] = ZERO
    detail = out.get("SalesItemLineDetail")
    if isinstance(detail, dict):
        out["SalesItemLineDetail"] = {k: v for k, v in detail.items() if k != "TaxInclusiveAmt"} | {"Qty": 0}
    return out
