"""El Salvador: Salvadoran children returned from the United States and Mexico.

Sources (approximate, rounded to whole percentages; written from knowledge of the published
tables, not downloaded):

- Dirección General de Migración y Extranjería (DGME), *Estadísticas de personas retornadas*,
  2022–2023, and IOM NTMI dashboards: returned children by route (air from the United States
  and Mexico at the Monseñor Óscar Arnulfo Romero airport, land from Mexico / Guatemala to
  the Centro de Atención Integral para Migrantes in San Salvador), travelling condition
  (about 30 % unaccompanied), age group and sex.
- Foreign children (5 %): DGME entries at El Amatillo and El Poy; our rounding.
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
from shared.contracts.enums import Sex

P = DetectionPoint
S = ShelterSpec
AIRPORT = ("SV-PA", "Aeropuerto Internacional Monseñor Óscar Arnulfo Romero", 13.4409, -89.0557)

EL_SALVADOR = CountryProfile(
    country="SV",
    sources=(
        "DGME, Estadísticas de personas retornadas 2022–2023: returned children by route, "
        "accompaniment, age group and sex",
        "IOM, Northern Triangle Migration Information Initiative (NTMI)",
    ),
    nationalities=weighted({"SV": 0.95, "HN": 0.02, "GT": 0.01, "NI": 0.01, "VE": 0.01}),
    demography=Demography(
        alone_share=(("SV", 0.30), ("HN", 0.40), ("GT", 0.40), ("NI", 0.20)),
        default_alone_share=0.05,
        separated_share_of_alone=0.15,
        age_alone=AGE_ALONE,
        age_accompanied=AGE_ACCOMPANIED,
        male_share_alone=0.66,
        male_share_accompanied=0.50,
    ),
    points_foreign=weighted(
        {
            P("SV-UN", "Puesto fronterizo El Amatillo", 13.6000, -87.7600): 0.50,
            P("SV-CH", "Puesto fronterizo El Poy", 14.3600, -89.2000): 0.20,
            P("SV-SS", "Terminal de autobuses de Oriente, San Salvador", 13.7000, -89.1800): 0.30,
        }
    ),
    points_returned=weighted(
        {
            P(*AIRPORT, "US"): 0.35,
            P(*AIRPORT, "MX"): 0.10,
            P(
                "SV-SS",
                "Centro de Atención Integral para Migrantes (CAIM), San Salvador",
                13.6929,
                -89.2182,
                "MX",
            ): 0.50,
            P("SV-AH", "Puesto fronterizo La Hachadura", 13.8500, -90.0900, "MX"): 0.05,
        }
    ),
    screening=transit_country_screening(protection_need=0.10, trafficking=0.015),
    releases=returnee_releases(reunified=0.85, returned_foreign=0.50),
    shelters=(
        S(
            "Centro de Acogida Transitoria CONAPINA, San Salvador",
            "CONAPINA",
            "SV-SS",
            13.6900,
            -89.2000,
        ),
        S("Hogar de Protección CONAPINA, San Miguel", "CONAPINA", "SV-SM", 13.4800, -88.1800),
        S("Hogar de Protección CONAPINA, Santa Ana", "CONAPINA", "SV-SA", 13.9900, -89.5600),
        S(
            "Albergue Especializado para Víctimas de Trata, San Salvador",
            "CONAPINA",
            "SV-SS",
            13.7100,
            -89.2300,
            sexes=(Sex.FEMALE, Sex.MALE, Sex.INTERSEX, Sex.UNKNOWN),
            specialised=True,
        ),
    ),
    authority="Consejo Nacional de la Primera Infancia, Niñez y Adolescencia (CONAPINA)",
    utc_offset_hours=-6,
)
