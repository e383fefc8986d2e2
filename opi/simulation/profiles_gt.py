"""Guatemala: Guatemalan children returned from Mexico (by land) and the United States (by
air), and a few foreign children in transit.

Sources (approximate, rounded to whole percentages; written from knowledge of the published
tables, not downloaded):

- Instituto Guatemalteco de Migración (IGM), *Estadísticas de retornados*, 2022–2023:
  returned children and adolescents (NNA) by route (land from Mexico about 70 %, air from the
  United States about 30 %), travelling condition (about 45 % unaccompanied), age group and
  sex; reception at Tecún Umán / El Carmen (San Marcos), La Mesilla (Huehuetenango), the
  Quetzaltenango reception centre and the Air Force base in Guatemala City.
- Secretaría de Bienestar Social (SBS), *Casa Nuestras Raíces* (reception shelters of
  returned children in Guatemala City and Quetzaltenango).
- Foreign children in transit (10 %): IGM entries by nationality at El Florido, Agua
  Caliente and Pedro de Alvarado; the nationality split is our rounding.
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

GUATEMALA = CountryProfile(
    country="GT",
    sources=(
        "IGM, Estadísticas de retornados 2022–2023: returned NNA by route, accompaniment, "
        "age group, sex and reception point",
        "SBS, Casa Nuestras Raíces reception programme",
        "IGM entries of foreign minors at the eastern border posts",
    ),
    nationalities=weighted(
        {"GT": 0.90, "HN": 0.04, "SV": 0.02, "VE": 0.02, "NI": 0.01, "EC": 0.01}
    ),
    demography=Demography(
        alone_share=(("GT", 0.45), ("HN", 0.40), ("SV", 0.35), ("NI", 0.20), ("VE", 0.05)),
        default_alone_share=0.10,
        separated_share_of_alone=0.15,
        age_alone=AGE_ALONE,
        age_accompanied=AGE_ACCOMPANIED,
        male_share_alone=0.72,
        male_share_accompanied=0.52,
    ),
    points_foreign=weighted(
        {
            P("GT-20", "Puesto fronterizo El Florido, Camotán", 14.8600, -89.2000): 0.30,
            P("GT-20", "Puesto fronterizo Agua Caliente, Esquipulas", 14.4300, -89.2200): 0.25,
            P("GT-22", "Puesto fronterizo Pedro de Alvarado, Moyuta", 13.7900, -90.1000): 0.15,
            P("GT-01", "Terminal de autobuses, Ciudad de Guatemala", 14.6349, -90.5069): 0.20,
            P("GT-12", "Puesto fronterizo Tecún Umán", 14.6744, -92.1456): 0.10,
        }
    ),
    points_returned=weighted(
        {
            P(
                "GT-12", "Centro de recepción de retornados, Tecún Umán", 14.6744, -92.1456, "MX"
            ): 0.45,
            P("GT-13", "Puesto fronterizo La Mesilla", 15.6333, -91.9833, "MX"): 0.10,
            P("GT-09", "Casa Nuestras Raíces, Quetzaltenango", 14.8347, -91.5181, "MX"): 0.15,
            P(
                "GT-01", "Fuerza Aérea Guatemalteca, Ciudad de Guatemala", 14.5833, -90.5275, "US"
            ): 0.30,
        }
    ),
    screening=transit_country_screening(protection_need=0.12, trafficking=0.02),
    releases=returnee_releases(reunified=0.85, returned_foreign=0.55),
    shelters=(
        S("Casa Nuestras Raíces Guatemala", "SBS", "GT-01", 14.6200, -90.5300),
        S("Casa Nuestras Raíces Quetzaltenango", "SBS", "GT-09", 14.8400, -91.5200),
        S(
            "Hogar Temporal para Adolescentes, Coatepeque",
            "SBS",
            "GT-09",
            14.7050,
            -91.8630,
            (AgeGroup.ADOLESCENT_12_17,),
        ),
        S("Hogar de Protección, Chiquimula", "PGN", "GT-20", 14.8000, -89.5450),
        S(
            "Hogar Especializado para Víctimas de Trata, Guatemala",
            "SVET",
            "GT-01",
            14.6000,
            -90.5500,
            sexes=(Sex.FEMALE, Sex.MALE, Sex.INTERSEX, Sex.UNKNOWN),
            specialised=True,
        ),
    ),
    authority="Procuraduría General de la Nación, Procuraduría de la Niñez y la Adolescencia",
    utc_offset_hours=-6,
)
