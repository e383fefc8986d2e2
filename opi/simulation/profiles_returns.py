"""Tables shared by the countries that mostly receive their own children back (Guatemala,
Honduras, El Salvador, Haiti): what happens to a returned national, and to the few foreign
children in transit they register.

Sources: the national reception protocols (children returned home are handed to their
family or to the child-protection authority within days; see the returnee bulletins cited
in each country's module) and IOM's *Northern Triangle Migration Information Initiative*
(NTMI) dashboards, 2022–2023, for the outcomes of reception. Rounded to 5 %.
"""

from __future__ import annotations

from opi.simulation.profile import ReleaseRates, ScreeningRates
from opi.simulation.weighted import weighted
from shared.contracts.enums import AgeGroup
from shared.contracts.placement import ReleaseReason as R

AGE_ALONE = weighted({AgeGroup.ADOLESCENT_12_17: 0.85, AgeGroup.CHILD_0_11: 0.15})
AGE_ACCOMPANIED = weighted({AgeGroup.CHILD_0_11: 0.70, AgeGroup.ADOLESCENT_12_17: 0.30})


def transit_country_screening(protection_need: float, trafficking: float) -> ScreeningRates:
    """Transit children rarely seek asylum where they are detected; returnees are screened
    above all for violence, health and trafficking on the way."""
    return ScreeningRates(
        protection_need=protection_need,
        asylum_share_of_need=0.5,
        trafficking=trafficking,
        violence=0.18,
        health=0.10,
        pregnancy_adolescent_girls=0.04,
    )


def returnee_releases(*, reunified: float, returned_foreign: float) -> ReleaseRates:
    """A returned national goes home; a foreign child in transit is usually returned on."""
    return ReleaseRates(
        share=0.75,
        foreign=weighted(
            {
                R.RETURNED: returned_foreign,
                R.ABSCONDED: 0.85 - returned_foreign,
                R.REUNIFIED: 0.08,
                R.OTHER: 0.07,
            }
        ),
        foreign_protection_need=weighted(
            {R.REFUGEE_STATUS: 0.25, R.ABSCONDED: 0.40, R.REUNIFIED: 0.15, R.OTHER: 0.20}
        ),
        national=weighted({R.REUNIFIED: reunified, R.OTHER: 0.95 - reunified, R.ABSCONDED: 0.05}),
        transfer=0.04,
        pending=0.08,
    )
