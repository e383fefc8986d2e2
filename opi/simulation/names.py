"""Names, languages and telephone numbering of the children's countries, to make synthetic
identities that look like the real registers (and that tests can look for in the feeds).

Given names follow the registers' fashions of the 2006–2024 birth years (double names in
Central America, anglicised names in Honduras and Venezuela, compound French names in
Haiti); family names are among the most frequent of each country.
"""

from __future__ import annotations

from dataclasses import dataclass

from opi.simulation.weighted import Weighted, weighted

# Parents' and relatives' generation: the classic names of the 1960s–1990s registers.
SPANISH_WOMEN = ("María", "Rosa", "Juana", "Marta", "Gloria", "Carmen", "Lidia", "Sandra",
                 "Norma", "Blanca", "Reina", "Dora Alicia")  # fmt: skip
SPANISH_MEN = ("José", "Juan", "Pedro", "Santos", "Francisco", "Miguel", "Óscar", "Mario",
               "Jorge", "Víctor", "Marvin", "Nelson")  # fmt: skip


@dataclass(frozen=True)
class NameStyle:
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[str, ...]
    two_surnames: bool  # Spanish naming: father's then mother's family name
    languages: Weighted[tuple[str, ...]]
    women: tuple[str, ...] = SPANISH_WOMEN
    men: tuple[str, ...] = SPANISH_MEN


SPANISH = weighted({("es",): 1.0})

CENTRAL_AMERICA = NameStyle(
    girls=("María José", "Ana Lucía", "Daniela", "Yoselin", "Keyla", "Génesis", "Fernanda",
           "Dulce María", "Heidy", "Sofía", "Alisson", "Nicol", "Katherine", "Elvia", "Rosa"),
    boys=("José Luis", "Kevin", "Brayan", "Carlos Eduardo", "Wilmer", "Anderson", "Josué",
          "Edwin", "Jefferson", "Luis Fernando", "Cristian", "Erick", "Juan Pablo", "Byron"),
    surnames=("García", "López", "Hernández", "Pérez", "Martínez", "Ramírez", "Orellana",
              "Mejía", "Vásquez", "Castillo", "Cruz", "Reyes", "Aguilar", "Chávez", "Mendoza",
              "Pop", "Tzul", "Ajú", "Rivera", "Flores", "Díaz", "Morales"),
    two_surnames=True,
    languages=SPANISH,
)  # fmt: skip

GUATEMALA = NameStyle(
    girls=(*CENTRAL_AMERICA.girls, "Glendy", "Marta Elena", "Irma"),
    boys=(*CENTRAL_AMERICA.boys, "Elmer", "Mynor", "Selvin"),
    surnames=(*CENTRAL_AMERICA.surnames, "Xiloj", "Cux", "Tojín", "Ixcoy", "Bámaca"),
    two_surnames=True,
    # children from the western highlands often speak a Mayan language first
    languages=weighted(
        {("es",): 0.75, ("mam", "es"): 0.09, ("quc", "es"): 0.08, ("kjb", "es"): 0.05,
         ("kek",): 0.03}
    ),
)  # fmt: skip

MEXICO = NameStyle(
    girls=("Ximena", "Valeria", "Guadalupe", "Camila", "Regina", "Itzel", "Mariana", "Fátima"),
    boys=("Santiago", "Diego", "Emiliano", "Ángel", "Jesús", "Alejandro", "Uriel", "Iván"),
    surnames=("Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Sánchez",
              "Ramírez", "Cruz", "Gómez", "Jiménez", "Vázquez", "Domínguez", "Zamora"),
    two_surnames=True,
    languages=SPANISH,
)  # fmt: skip

ANDEAN = NameStyle(
    girls=("Valentina", "Oriana", "Yorbelis", "Génesis", "Mariangel", "Isabella", "Camila",
           "Luciana", "Dayana", "Nayeli", "Fiorella", "Yuliana"),
    boys=("Santiago", "Yeferson", "Deiker", "Samuel", "Sebastián", "Jhonaiker", "Matías",
          "Thiago", "Jhon Alexander", "Anthony", "Kendry", "Moisés"),
    surnames=("González", "Rodríguez", "Pérez", "Hernández", "Rojas", "Guerrero", "Quintero",
              "Contreras", "Moreno", "Zambrano", "Cedeño", "Vera", "Quispe", "Mendoza",
              "Chirinos", "Silva"),
    two_surnames=True,
    languages=SPANISH,
)  # fmt: skip

CUBA = NameStyle(
    girls=("Yanelis", "Dayanara", "Lianet", "Yaimara", "Amanda", "Claudia", "Lisandra"),
    boys=("Yoandri", "Dayron", "Yasiel", "Osmany", "Alejandro", "Adrián", "Leandro"),
    surnames=("Rodríguez", "González", "Hernández", "Pérez", "Díaz", "Fernández", "Valdés",
              "Castillo", "Reyes", "Betancourt"),
    two_surnames=True,
    languages=SPANISH,
)  # fmt: skip

DOMINICAN = NameStyle(
    girls=("Yaritza", "Esmeralda", "Ashley", "Yokasta", "Nicole", "Rosmery"),
    boys=("Starlin", "Yunior", "Wander", "Luis Ángel", "Raudy", "Eury"),
    surnames=("Rodríguez", "Pérez", "Martínez", "Féliz", "Peña", "Santana", "De la Cruz"),
    two_surnames=True,
    languages=SPANISH,
)  # fmt: skip

HAITI = NameStyle(
    girls=("Wisline", "Rose-Mirlande", "Widlene", "Lovely", "Nadège", "Marie Carmelle",
           "Djenica", "Fabienne", "Roseline", "Mideline", "Sherlande", "Ketia"),
    boys=("Mackenson", "Jhonley", "Kervens", "Fritznel", "Wilner", "Dieuseul", "Jean Robert",
          "Stevenson", "Woodley", "Peterson", "Ricardo", "Jean-Baptiste"),
    surnames=("Jean", "Pierre", "Joseph", "Louis", "Charles", "Jean-Baptiste", "Saint-Fleur",
              "Desir", "Michel", "François", "Augustin", "Dorvil", "Exantus", "Célestin"),
    two_surnames=False,
    languages=weighted({("ht",): 0.7, ("ht", "fr"): 0.2, ("ht", "es"): 0.1}),
    women=("Marie", "Rose", "Jeanne", "Nadia", "Guerline", "Mirlande", "Yolette", "Marie-Ange"),
    men=("Jean", "Pierre", "Joseph", "Wilson", "Frantz", "Jacques", "Jean-Claude", "Rony"),
)  # fmt: skip

BRAZIL = NameStyle(
    girls=("Ana Clara", "Maria Eduarda", "Yasmin", "Lívia"),
    boys=("João Pedro", "Enzo", "Davi", "Miguel"),
    surnames=("Silva", "Santos", "Oliveira", "Souza", "Lima"),
    two_surnames=True,
    languages=weighted({("pt",): 0.6, ("pt", "ht"): 0.4}),
    women=("Maria", "Ana Paula", "Fernanda", "Cláudia"),
    men=("José", "João", "Paulo", "Marcos"),
)  # fmt: skip

STYLES = {
    "MX": MEXICO, "GT": GUATEMALA, "HN": CENTRAL_AMERICA, "SV": CENTRAL_AMERICA,
    "NI": CENTRAL_AMERICA, "VE": ANDEAN, "CO": ANDEAN, "EC": ANDEAN, "PE": ANDEAN,
    "CU": CUBA, "DO": DOMINICAN, "HT": HAITI, "BR": BRAZIL, "CL": ANDEAN,
}  # fmt: skip

# Many children with Brazilian or Chilean nationality were born there to Haitian parents
# on their way north (2016–2021), and carry Haitian names.
HAITIAN_PARENTS_SHARE = {"BR": 0.7, "CL": 0.7}

# Calling code, first digits of mobiles, length of the national number: numbers that look
# national to an officer (never dialled: the platform does not call families).
MOBILES: dict[str, tuple[str, tuple[str, ...], int]] = {
    "MX": ("+52", ("55", "33", "81", "962", "993", "656", "664"), 10),
    "GT": ("+502", ("3", "4", "5"), 8),
    "HN": ("+504", ("3", "8", "9"), 8),
    "SV": ("+503", ("6", "7"), 8),
    "NI": ("+505", ("8",), 8),
    "VE": ("+58", ("412", "414", "416", "424", "426"), 10),
    "CO": ("+57", ("300", "310", "315", "320"), 10),
    "EC": ("+593", ("98", "99"), 9),
    "PE": ("+51", ("9",), 9),
    "CU": ("+53", ("5",), 8),
    "DO": ("+1", ("809", "829", "849"), 10),
    "HT": ("+509", ("3", "4"), 8),
    "BR": ("+55", ("119", "219"), 11),
    "CL": ("+56", ("9",), 9),
    "US": ("+1", ("713", "832", "214", "305", "404", "212", "718", "213", "615"), 10),
}

RELATIONSHIPS = weighted(
    {"mother": 0.42, "father": 0.2, "aunt": 0.1, "uncle": 0.08, "grandmother": 0.1,
     "older sibling": 0.06, "cousin": 0.04}
)  # fmt: skip
