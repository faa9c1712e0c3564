"""Where an assumption comes from: carried from the basis into every report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Provenance:
    """Source and date of a value, plus whether a user should review it.

    `placeholder` marks defaults that stand in for population-specific figures (for
    example the probability of being married); the working paper lists them.
    """

    source: str
    date: str | None = None
    placeholder: bool = False
    note: str | None = None

    def describe(self) -> str:
        parts = [self.source]
        if self.date:
            parts.append(self.date)
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "date": self.date,
            "placeholder": self.placeholder,
            "note": self.note,
        }
