"""Pseudonyms: person ids replaced by a keyed hash in every output (`--pseudonymize`)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pandas as pd

PREFIX = "PS-"
SHOWN_HEX_DIGITS = 16  # 64 bits: no two persons of any register share a pseudonym
RANDOM_KEY_BYTES = 32


class Pseudonyms:
    """Person ids replaced by a keyed hash (HMAC-SHA256), the same for the same key.

    Without a key a random one is drawn for the run: the pseudonyms then differ between
    runs, and only the mapping file (written only where asked) links them to persons.
    """

    def __init__(self, key: str | None):
        self.given = key is not None
        self._key = (key if key is not None else secrets.token_hex(RANDOM_KEY_BYTES)).encode("utf-8")

    def pseudonym(self, person_id: str) -> str:
        digest = hmac.new(self._key, str(person_id).encode("utf-8"), hashlib.sha256).hexdigest()
        return PREFIX + digest[:SHOWN_HEX_DIGITS]

    def apply(self, person_ids: pd.Series) -> pd.Series:
        return person_ids.map(self.pseudonym)

    def names(self, names: pd.Series) -> pd.Series:
        """A unit or kommune column with every name holding a CPR number replaced by its
        pseudonym (a name is not personal data; a CPR number in one is)."""
        from tjenestemandspension.actuarial.table_validation import looks_like_cpr

        distinct = pd.unique(names.astype(object))
        replaced = {name: self.pseudonym(name) for name in distinct if looks_like_cpr(name)}
        return names.map(lambda name: replaced.get(name, name)) if replaced else names

    def mapping(self, person_ids: pd.Series) -> pd.DataFrame:
        return pd.DataFrame({"person_id": person_ids.to_numpy(), "pseudonym": self.apply(person_ids).to_numpy()})

    def describe(self) -> str:
        return ("HMAC-SHA256 of person_id with a key given by the user" if self.given
                else "HMAC-SHA256 of person_id with a random key for this run")
