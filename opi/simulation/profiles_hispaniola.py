"""Dominican Republic and Haiti: children crossing and returned across the border of
Hispaniola.

Sources (approximate, rounded to whole percentages; written from knowledge of the published
reports, not downloaded):

- IOM Displacement Tracking Matrix (DTM) Haiti, *Border monitoring / Monitoring des flux
  transfrontaliers*, 2023–2024: returns from the Dominican Republic by crossing point
  (Ouanaminthe about 40 %, Belladère, Malpasse, Anse-à-Pitres), return type, and
  unaccompanied or separated children identified and referred to IBESR (about one returned
  child in eight). Air and sea returns from the US, Turks and Caicos and the Bahamas arrive
  at Cap-Haïtien and Port-au-Prince (8 % here).
- Dominican side: IOM DTM flow monitoring at Dajabón, Elías Piña, Jimaní and Pedernales, and
  the Dirección General de Migración's repatriation figures 2023 (Haitian nationals almost
  all); CONANI transit homes ("hogares de paso"). Other nationalities are our rounding.
"""

from __future__ import annotations

from opi.simulation.profile import (
    CountryProfile,
    Demography,
    DetectionPoint,
    ReleaseRates,
    ShelterSpec,
)
from opi.simulation.profiles_returns import (
    AGE_ACCOMPANIED,
    AGE_ALONE,
    returnee_releases,
    transit_country_screening,
)
from opi.simulation.weighted import weighted
from shared.contracts.enums import Sex
from shared.contracts.placement import ReleaseReason as R

P = DetectionPoint
S = ShelterSpec
ANY_SEX = (Sex.FEMALE, Sex.MALE, Sex.INTERSEX, Sex.UNKNOWN)
OUANAMINTHE = ("HT-NE", "Centre de Ressources Frontalier, Ouanaminthe", 19.5506, -71.7247)
MALPASSE = ("HT-OU", "Centre de Ressources Frontalier, Malpasse", 18.4906, -71.8736)

DOMINICAN_REPUBLIC = CountryProfile(
    country="DO",
    sources=(
        "IOM DTM, flow monitoring on the Dominican–Haitian border 2023",
        "Dirección General de Migración, repatriations 2023; CONANI hogares de paso",
    ),
    nationalities=weighted({"HT": 0.94, "VE": 0.03, "CO": 0.01, "CU": 0.01, "DO": 0.01}),
    demography=Demography(
        alone_share=(("HT", 0.18), ("DO", 0.50)),
        default_alone_share=0.05,
        separated_share_of_alone=0.35,  # many travel with an aunt, a neighbour, a "buscón"
        age_alone=AGE_ALONE,
        age_accompanied=AGE_ACCOMPANIED,
        male_share_alone=0.62,
        male_share_accompanied=0.50,
    ),
    points_foreign=weighted(
        {
            P("DO-05", "Puesto fronterizo Dajabón", 19.5486, -71.7083): 0.35,
            P("DO-07", "Puesto fronterizo Elías Piña (Comendador)", 18.8766, -71.7044): 0.20,
            P("DO-10", "Puesto fronterizo Jimaní", 18.4917, -71.8500): 0.20,
            P("DO-16", "Puesto fronterizo Pedernales", 18.0380, -71.7440): 0.08,
            P("DO-25", "Operativo de control, Santiago de los Caballeros", 19.4517, -70.6970): 0.07,
            P("DO-21", "Centro de procesamiento migratorio, Haina", 18.4167, -70.0333): 0.10,
        }
    ),
    points_returned=weighted(
        {P("DO-32", "Aeropuerto Internacional de Las Américas", 18.4297, -69.6689, "US"): 1.0}
    ),
    screening=transit_country_screening(protection_need=0.05, trafficking=0.04),
    releases=ReleaseRates(
        share=0.8,
        foreign=weighted({R.RETURNED: 0.80, R.REUNIFIED: 0.08, R.ABSCONDED: 0.07, R.OTHER: 0.05}),
        foreign_protection_need=weighted(
            {R.REFUGEE_STATUS: 0.15, R.ABSCONDED: 0.30, R.REUNIFIED: 0.25, R.OTHER: 0.30}
        ),
        national=weighted({R.REUNIFIED: 0.90, R.OTHER: 0.10}),
        transfer=0.04,
        pending=0.12,
    ),
    shelters=(
        S("Hogar de Paso CONANI Dajabón", "CONANI", "DO-05", 19.5500, -71.7100),
        S("Hogar de Paso CONANI Elías Piña", "CONANI", "DO-07", 18.8800, -71.7000),
        S("Hogar de Paso CONANI Jimaní", "CONANI", "DO-10", 18.4900, -71.8500),
        S("Hogar de Paso CONANI Santo Domingo", "CONANI", "DO-01", 18.4700, -69.9000),
        S(
            "Hogar Especializado CONANI para Víctimas de Trata",
            "CONANI",
            "DO-01",
            18.4800,
            -69.9300,
            sexes=ANY_SEX,
            specialised=True,
        ),
    ),
    authority="Consejo Nacional para la Niñez y la Adolescencia (CONANI)",
    utc_offset_hours=-4,
)

HAITI = CountryProfile(
    country="HT",
    sources=(
        "IOM DTM Haiti, border monitoring 2023–2024: returns by crossing point and type, "
        "unaccompanied or separated children referred to IBESR",
    ),
    nationalities=weighted({"HT": 0.99, "DO": 0.01}),
    demography=Demography(
        alone_share=(("HT", 0.12), ("DO", 0.30)),
        default_alone_share=0.10,
        separated_share_of_alone=0.40,
        age_alone=AGE_ALONE,
        age_accompanied=AGE_ACCOMPANIED,
        male_share_alone=0.60,
        male_share_accompanied=0.49,
    ),
    points_foreign=weighted({P(*OUANAMINTHE): 0.6, P(*MALPASSE): 0.4}),
    points_returned=weighted(
        {
            P(*OUANAMINTHE, "DO"): 0.42,
            P("HT-CE", "Centre de Ressources Frontalier, Belladère", 18.8625, -71.7778, "DO"): 0.22,
            P(*MALPASSE, "DO"): 0.20,
            P(
                "HT-SE", "Centre de Ressources Frontalier, Anse-à-Pitres", 18.0450, -71.7500, "DO"
            ): 0.08,
            P("HT-ND", "Aéroport International du Cap-Haïtien", 19.7328, -72.1947, "US"): 0.05,
            P(
                "HT-OU", "Aéroport International Toussaint Louverture", 18.5800, -72.2925, "US"
            ): 0.03,
        }
    ),
    screening=transit_country_screening(protection_need=0.02, trafficking=0.03),
    releases=returnee_releases(reunified=0.80, returned_foreign=0.60),
    shelters=(
        S("Centre d'accueil transitoire IBESR, Ouanaminthe", "IBESR", "HT-NE", 19.5500, -71.7300),
        S("Centre d'accueil transitoire, Belladère", "IBESR", "HT-CE", 18.8600, -71.7800),
        S("Foyer de transit IBESR, Croix-des-Bouquets", "IBESR", "HT-OU", 18.5800, -72.2300),
        S("Centre d'accueil transitoire, Anse-à-Pitres", "IBESR", "HT-SE", 18.0500, -71.7500),
        S(
            "Centre spécialisé pour victimes de traite, Port-au-Prince",
            "IBESR",
            "HT-OU",
            18.5400,
            -72.3400,
            sexes=ANY_SEX,
            specialised=True,
        ),
    ),
    authority="Institut du Bien-Être Social et de Recherches (IBESR)",
    utc_offset_hours=-5,
)
