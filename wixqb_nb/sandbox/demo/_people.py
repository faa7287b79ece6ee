"""Buyers: the special ones every store has, and a seeded pool of ordinary ones."""

from __future__ import annotations

import random
import unicodedata

from ._data import FIRST_EN, FIRST_FR, LAST_EN, LAST_FR, SPECIAL_PEOPLE, Person, Region, regions
from ._fmt import fixed_id


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


class People:
    """Looks up buyers by special key or pool index; the same index always gives the same buyer."""

    def __init__(self, profile: str, seed: int, pool: int) -> None:
        self.profile = profile
        self.seed = seed
        self.pool = max(1, pool)
        self._cache: dict[int, Person] = {}
        self._regions = [r for r in regions(profile) if r.weight]
        self._weights = [r.weight for r in self._regions]
        self.region_by_key: dict[str, Region] = {r.key: r for r in regions(profile)}

    def special(self, key: str) -> Person:
        return SPECIAL_PEOPLE[self.profile][key]

    def ordinary(self, index: int) -> Person:
        """Pool buyer ``index`` (names repeat across the pool: duplicates are realistic)."""
        found = self._cache.get(index)
        if found is None:
            rng = random.Random(f"{self.seed}:{self.profile}:person:{index}")
            firsts, lasts = (FIRST_FR, LAST_FR) if self.profile == "ca-qc" else (FIRST_EN, LAST_EN)
            first, last = rng.choice(firsts), rng.choice(lasts)
            region = rng.choices(self._regions, self._weights)[0].key
            email = (
                f"{_ascii(first)}.{_ascii(last)}{index}@example.{'ca' if self.profile == 'ca-qc' else 'com'}"
            )
            found = Person(first, last, email, region=region)
            if len(self._cache) < 200_000:
                self._cache[index] = found
        return found

    def pick(self, rng: random.Random) -> Person:
        return self.ordinary(rng.randrange(self.pool))

    def contact_id(self, person: Person) -> str:
        return fixed_id("contact", self.seed, person.email)

    def member_id(self, person: Person) -> str | None:
        """About a third of buyers are site members; the rest check out as visitors."""
        return fixed_id("member", self.seed, person.email) if sum(map(ord, person.email)) % 3 == 0 else None

    def lang(self, person: Person) -> str:
        if self.profile == "us":
            return "en"
        return "fr" if self.region_by_key[person.region].subdivision == "CA-QC" else "en"
