"""The two protection flags of a case as a service keeps them from events (a mixin for its
case table): each flag is the latest screening that raised it and the screening a
supervisor's clearance went up to, so any order of arrival gives the same flags, and a
re-screening without a flag lowers nothing (``shared.contracts.protection_need``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Boolean, Integer
from sqlalchemy.orm import Mapped, mapped_column

from shared.contracts.protection_need import Flag, ProtectionNeedKind


class ProtectionFlags:
    # whether each flag is open now, kept with the counters so that queries can filter on it
    international_protection_need: Mapped[bool] = mapped_column(Boolean, default=False)
    trafficking_suspected: Mapped[bool] = mapped_column(Boolean, default=False)
    protection_raised_through: Mapped[int] = mapped_column(Integer, default=0)
    protection_cleared_through: Mapped[int] = mapped_column(Integer, default=0)
    trafficking_raised_through: Mapped[int] = mapped_column(Integer, default=0)
    trafficking_cleared_through: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def protection_flag(self) -> Flag:
        return Flag(self.protection_raised_through or 0, self.protection_cleared_through or 0)

    @property
    def trafficking_flag(self) -> Flag:
        return Flag(self.trafficking_raised_through or 0, self.trafficking_cleared_through or 0)

    @property
    def protection_flag_open(self) -> bool:
        return self.protection_flag.open or self.trafficking_flag.open

    def raise_flags(
        self, sequence: int, *, international_protection_need: bool, trafficking_suspected: bool
    ) -> None:
        """A screening: it can raise a flag, whenever it arrives; it clears none."""
        protection, trafficking = self.protection_flag, self.trafficking_flag
        if international_protection_need:
            protection = protection.raised(sequence)
        if trafficking_suspected:
            trafficking = trafficking.raised(sequence)
        self._keep(protection, trafficking)

    def clear_flags(self, kinds: Iterable[ProtectionNeedKind], through: int) -> None:
        """A supervisor's decision: the flags named, raised up to screening ``through``."""
        cleared = set(kinds)
        protection, trafficking = self.protection_flag, self.trafficking_flag
        if ProtectionNeedKind.INTERNATIONAL_PROTECTION in cleared:
            protection = protection.cleared(through)
        if ProtectionNeedKind.TRAFFICKING in cleared:
            trafficking = trafficking.cleared(through)
        self._keep(protection, trafficking)

    def _keep(self, protection: Flag, trafficking: Flag) -> None:
        self.protection_raised_through = protection.raised_through
        self.protection_cleared_through = protection.cleared_through
        self.trafficking_raised_through = trafficking.raised_through
        self.trafficking_cleared_through = trafficking.cleared_through
        self.international_protection_need = protection.open
        self.trafficking_suspected = trafficking.open
