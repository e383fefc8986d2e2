"""Mexico: foreign children presented to the migration authority, and Mexican children
returned from the United States.

Sources (approximate, rounded to whole percentages; written from knowledge of the published
tables, not downloaded, so they are shapes, not official figures):

- Nationality, accompaniment, age group and sex: Unidad de Política Migratoria (UPM, SEGOB),
  *Boletín Mensual de Estadísticas Migratorias*, 2022–2023, tables of foreign minors
  presented to (since 2021: channelled by) the migration authority by nationality × age
  group (0–11, 12–17) × travelling condition (accompanied / unaccompanied) × sex, averaged
  over the two years. Honduras, Guatemala and Venezuela lead; about a quarter of foreign
  minors travel unaccompanied, far more among Guatemalans and Hondurans than among the
  families from Venezuela, Ecuador or Haiti. Nationalities below 2 % are folded into the
  nearest listed ones.
- Mexican minors returned from the US (14 % of all events here): the same bulletin, tables of
  repatriation events of Mexican minors by reception point and travelling condition (about
  two thirds unaccompanied).
- Place of detection: the bulletin's breakdown by federal entity (Chiapas about 40 %),
  spread over the entity's main points by us.
- Screening and releases: UNHCR / UNICEF estimates of protection needs of children on the
  move from northern Central America, COMAR asylum applications of children, and UPM
  "devueltos" (assisted returns) tables; shares are our rounding of those orders of
  magnitude. The separated / unaccompanied split is an assumption (the bulletin has none).
"""

from __future__ import annotations

from opi.simulation.profile import (
    CountryProfile,
    Demography,
    DetectionPoint,
    ReleaseRates,
    ScreeningRates,
    ShelterSpec,
)
from opi.simulation.weighted import weighted
from shared.contracts.enums import AgeGroup, Sex
from shared.contracts.placement import ReleaseReason as R

ADOLESCENTS = (AgeGroup.ADOLESCENT_12_17,)
CHILDREN = (AgeGroup.CHILD_0_11,)
ANY_SEX = (Sex.FEMALE, Sex.MALE, Sex.INTERSEX, Sex.UNKNOWN)

NATIONALITIES = weighted(
    {
        "MX": 0.14, "HN": 0.19, "GT": 0.15, "VE": 0.15, "EC": 0.07, "HT": 0.07, "NI": 0.05,
        "SV": 0.04, "CU": 0.04, "CO": 0.04, "BR": 0.02, "CL": 0.02, "PE": 0.02,
    }
)  # fmt: skip

ALONE_SHARE = {
    "MX": 0.65, "GT": 0.60, "HN": 0.42, "SV": 0.35, "NI": 0.15, "EC": 0.10, "PE": 0.08,
    "CO": 0.07, "VE": 0.06, "CU": 0.05, "HT": 0.03, "BR": 0.01, "CL": 0.01,
}  # fmt: skip

P = DetectionPoint
POINTS_FOREIGN = weighted(
    {
        P("MX-CHP", "Estación Migratoria Siglo XXI, Tapachula", 14.9053, -92.2636): 0.24,
        P("MX-CHP", "Puente Rodolfo Robles, Ciudad Hidalgo", 14.6797, -92.1497): 0.08,
        P("MX-CHP", "Punto de revisión Palenque", 17.5097, -91.9823): 0.06,
        P("MX-TAB", "Punto de revisión El Ceibo, Tenosique", 17.2478, -90.9870): 0.06,
        P("MX-TAB", "Estación Migratoria Villahermosa", 17.9892, -92.9475): 0.03,
        P("MX-VER", "Central de autobuses, Acayucan", 17.9487, -94.9144): 0.06,
        P("MX-VER", "Punto de revisión Coatzacoalcos", 18.1345, -94.4594): 0.03,
        P("MX-OAX", "Módulo de atención, San Pedro Tapanatepec", 16.3650, -94.1972): 0.05,
        P("MX-OAX", "Punto de revisión Juchitán", 16.4333, -95.0194): 0.03,
        P("MX-CHH", "Puente Paso del Norte, Ciudad Juárez", 31.7497, -106.4870): 0.08,
        P("MX-TAM", "Puente Hidalgo, Reynosa", 26.0966, -98.2772): 0.04,
        P("MX-TAM", "Puente Nuevo, Matamoros", 25.8850, -97.5036): 0.03,
        P("MX-COA", "Puente Internacional 1, Piedras Negras", 28.7077, -100.5093): 0.05,
        P("MX-NLE", "Central de autobuses, Monterrey", 25.6866, -100.3161): 0.03,
        P("MX-BCN", "Garita El Chaparral, Tijuana", 32.5422, -117.0297): 0.03,
        P("MX-SON", "Garita DeConcini, Nogales", 31.3325, -110.9420): 0.03,
        P("MX-CMX", "Aeropuerto Internacional de la Ciudad de México", 19.4363, -99.0721): 0.04,
        P("MX-PUE", "Estación Migratoria Puebla", 19.0414, -98.2063): 0.03,
    }
)

POINTS_RETURNED = weighted(
    {
        P("MX-SON", "Garita DeConcini, Nogales", 31.3325, -110.9420, "US"): 0.22,
        P("MX-CHH", "Puente Paso del Norte, Ciudad Juárez", 31.7497, -106.4870, "US"): 0.15,
        P("MX-BCN", "Garita El Chaparral, Tijuana", 32.5422, -117.0297, "US"): 0.12,
        P("MX-TAM", "Puente Internacional 1, Nuevo Laredo", 27.4999, -99.5071, "US"): 0.12,
        P("MX-TAM", "Puente Hidalgo, Reynosa", 26.0966, -98.2772, "US"): 0.10,
        P("MX-BCN", "Garita Mexicali I", 32.6633, -115.4990, "US"): 0.08,
        P("MX-COA", "Puente Internacional 1, Piedras Negras", 28.7077, -100.5093, "US"): 0.08,
        P("MX-COA", "Puente Internacional, Ciudad Acuña", 29.3250, -100.9300, "US"): 0.05,
        P("MX-TAM", "Puente Nuevo, Matamoros", 25.8850, -97.5036, "US"): 0.05,
        P("MX-CMX", "Aeropuerto Internacional de la Ciudad de México", 19.4363, -99.0721,
          "US"): 0.03,
    }
)  # fmt: skip

S = ShelterSpec
SHELTERS = (
    S("Albergue Temporal DIF Tapachula", "DIF", "MX-CHP", 14.9056, -92.2630),
    S("Casa de Adolescentes Viva México, Tapachula", "DIF", "MX-CHP", 14.91, -92.258,
      ADOLESCENTS, (Sex.MALE,)),
    S("Refugio Especializado para Víctimas de Trata, Tuxtla Gutiérrez", "FEVIMTRA", "MX-CHP",
      16.7528, -93.1152, sexes=ANY_SEX, specialised=True),
    S("Albergue para Niñas y Adolescentes Villahermosa", "DIF", "MX-TAB", 17.9895, -92.9475,
      ADOLESCENTS, (Sex.FEMALE,)),
    S("Centro de Asistencia Social Tenosique", "DIF", "MX-TAB", 17.4726, -91.4228, CHILDREN,
      ANY_SEX),
    S("Albergue de Tránsito Acayucan", "DIF", "MX-VER", 17.9490, -94.9140, sexes=ANY_SEX),
    S("Centro de Asistencia Social Juchitán", "DIF", "MX-OAX", 16.4350, -95.0200),
    S("Casa Hogar para Adolescentes Ciudad Juárez", "DIF", "MX-CHH", 31.7200, -106.4500,
      ADOLESCENTS),
    S("Albergue Temporal Nogales", "DIF", "MX-SON", 31.3100, -110.9400),
    S("Centro de Atención a Niñas, Niños y Adolescentes Migrantes Tijuana", "DIF", "MX-BCN",
      32.5300, -117.0200, sexes=ANY_SEX),
    S("Módulo de Atención a Niñez Migrante Reynosa", "DIF", "MX-TAM", 26.0800, -98.2900),
    S("Albergue Temporal Piedras Negras", "DIF", "MX-COA", 28.7000, -100.5200),
    S("Casa Hogar DIF Ciudad de México", "DIF", "MX-CMX", 19.4000, -99.1300, sexes=ANY_SEX),
)  # fmt: skip

MEXICO = CountryProfile(
    country="MX",
    sources=(
        "UPM (SEGOB), Boletín Mensual de Estadísticas Migratorias 2022–2023: foreign minors "
        "presented/channelled by nationality × age group × accompaniment × sex × entity",
        "UPM, same bulletin: repatriation events of Mexican minors from the US by reception "
        "point and accompaniment",
        "UNHCR/UNICEF estimates of protection needs; COMAR applications of children",
    ),
    nationalities=NATIONALITIES,
    demography=Demography(
        alone_share=tuple(ALONE_SHARE.items()),
        default_alone_share=0.2,
        separated_share_of_alone=0.15,
        age_alone=weighted({AgeGroup.ADOLESCENT_12_17: 0.86, AgeGroup.CHILD_0_11: 0.14}),
        age_accompanied=weighted({AgeGroup.CHILD_0_11: 0.72, AgeGroup.ADOLESCENT_12_17: 0.28}),
        male_share_alone=0.70,
        male_share_accompanied=0.51,
    ),
    points_foreign=POINTS_FOREIGN,
    points_returned=POINTS_RETURNED,
    screening=ScreeningRates(
        protection_need=0.20,
        asylum_share_of_need=0.7,
        trafficking=0.025,
        violence=0.22,
        health=0.12,
        pregnancy_adolescent_girls=0.05,
    ),
    releases=ReleaseRates(
        share=0.6,
        foreign=weighted({R.RETURNED: 0.62, R.ABSCONDED: 0.16, R.REUNIFIED: 0.12, R.OTHER: 0.10}),
        foreign_protection_need=weighted(
            {R.REFUGEE_STATUS: 0.45, R.ABSCONDED: 0.25, R.REUNIFIED: 0.15, R.OTHER: 0.15}
        ),
        national=weighted({R.REUNIFIED: 0.88, R.OTHER: 0.08, R.ABSCONDED: 0.04}),
        transfer=0.06,
        pending=0.10,
    ),
    shelters=SHELTERS,
    authority="Procuraduría Federal de Protección de Niñas, Niños y Adolescentes",
    utc_offset_hours=-6,
)
