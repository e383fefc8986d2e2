"""Honduras: Honduran children returned from Mexico and the United States, and foreign
children in transit registered at the southern and eastern border.

Sources (approximate, rounded to whole percentages; written from knowledge of the published
tables, not downloaded):

- Observatorio Consular y Migratorio de Honduras (OCMH, CONMIGHO) and DINAF, returnee
  statistics 2022–2023: returned children by route (land from Mexico / Guatemala through the
  Centro de Atención para la Niñez y Familias Migrantes Belén in San Pedro Sula, air from the
  United States at Ramón Villeda Morales airport), travelling condition (about a third
  unaccompanied), age group and sex.
- Instituto Nacional de Migración (INM Honduras), irregular entries 2023 by nationality
  (Venezuela, Ecuador, Cuba, Haiti, Colombia lead) at Trojes and Danlí; only a part of the
  transit children are registered as protection cases: we assume a fifth of the cases here.
"""

from __future__ import annotations

from opi.simulation.profile import CountryProfile, Demography, DetectionPoint, ShelterSpec
from opi.simulation.profiles_returns import (
    AGE_ACCOMPANIED,
    AGE_ALONE,
    returnee_releases,
    transit_country_screening,
)
from opi.simulation.weighted import weighted
from shared.contracts.enums import AgeGroup, Sex

P = DetectionPoint
S = ShelterSpec

HONDURAS = CountryProfile(
    country="HN",
    sources=(
        "OCMH/CONMIGHO and DINAF, returnee statistics 2022–2023: returned children by route, "
        "accompaniment, age group and sex",
        "INM Honduras, irregular entries 2023 by nationality",
    ),
    nationalities=weighted(
        {
            "HN": 0.78,
            "VE": 0.09,
            "EC": 0.04,
            "CU": 0.03,
            "HT": 0.02,
            "NI": 0.02,
            "CO": 0.01,
            "GT": 0.01,
        }
    ),
    demography=Demography(
        alone_share=(("HN", 0.35), ("GT", 0.40), ("NI", 0.20), ("EC", 0.08), ("CO", 0.06)),
        default_alone_share=0.05,
        separated_share_of_alone=0.20,
        age_alone=AGE_ALONE,
        age_accompanied=AGE_ACCOMPANIED,
        male_share_alone=0.68,
        male_share_accompanied=0.50,
    ),
    points_foreign=weighted(
        {
            P("HN-EP", "Centro de Atención al Migrante Irregular, Trojes", 14.0667, -85.9833): 0.35,
            P("HN-EP", "Centro de Atención al Migrante Irregular, Danlí", 14.0333, -86.5833): 0.35,
            P("HN-CH", "Puesto fronterizo El Guasaule", 13.0167, -87.1667): 0.15,
            P("HN-FM", "Terminal de autobuses, Tegucigalpa", 14.0723, -87.1921): 0.15,
        }
    ),
    points_returned=weighted(
        {
            P(
                "HN-CR",
                "Centro de Atención para la Niñez y Familias Migrantes Belén, San Pedro Sula",
                15.5042,
                -88.0250,
                "MX",
            ): 0.55,
            P(
                "HN-CR", "Aeropuerto Internacional Ramón Villeda Morales", 15.4526, -87.9236, "US"
            ): 0.30,
            P("HN-CR", "Puesto fronterizo Corinto, Omoa", 15.6600, -88.2200, "MX"): 0.05,
            P(
                "HN-OC", "Puesto fronterizo Agua Caliente, Ocotepeque", 14.4300, -89.2100, "MX"
            ): 0.10,
        }
    ),
    screening=transit_country_screening(protection_need=0.10, trafficking=0.02),
    releases=returnee_releases(reunified=0.82, returned_foreign=0.35),
    shelters=(
        S("Hogar Temporal DINAF San Pedro Sula", "DINAF", "HN-CR", 15.5000, -88.0300),
        S("Centro de Protección DINAF Tegucigalpa", "DINAF", "HN-FM", 14.0800, -87.2000),
        S(
            "Casa de Acogida para Adolescentes, Danlí",
            "DINAF",
            "HN-EP",
            14.0300,
            -86.5800,
            (AgeGroup.ADOLESCENT_12_17,),
        ),
        S(
            "Hogar de Protección Infantil, Choluteca",
            "DINAF",
            "HN-CH",
            13.3000,
            -87.1900,
            (AgeGroup.CHILD_0_11,),
        ),
        S(
            "Hogar Especializado para Víctimas de Trata, Tegucigalpa",
            "CICESCT",
            "HN-FM",
            14.0900,
            -87.2100,
            sexes=(Sex.FEMALE, Sex.MALE, Sex.INTERSEX, Sex.UNKNOWN),
            specialised=True,
        ),
    ),
    authority="Dirección de Niñez, Adolescencia y Familia (DINAF)",
    utc_offset_hours=-6,
)
