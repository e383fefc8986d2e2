"""The recipients of a development instance: consulates reached by signed webhook, the
authority, shelters and supervisors by e-mail, all delivered to `opi dev`'s mailbox."""

from __future__ import annotations

from pathlib import Path

CONSULATES = {
    "GT": "Consulado General de Guatemala",
    "HN": "Consulado General de Honduras",
    "SV": "Consulado General de El Salvador",
    "NI": "Consulado de Nicaragua",
    "VE": "Consulado de Venezuela",
    "CU": "Consulado de Cuba",
    "HT": "Consulat d'Haïti",
    "CO": "Consulado de Colombia",
    "EC": "Consulado del Ecuador",
}


def write_dev_recipients(path: Path, *, mailbox_url: str, secret: str) -> Path:
    lines = []
    for country, name in CONSULATES.items():
        lines += [
            f"[consulates.{country}]",
            f'name = "{name}"',
            'channel = "webhook"',
            f'address = "{mailbox_url}/hooks/consulate-{country.lower()}"',
            f'secret = "{secret}"',
            "",
        ]
    for kind, key, name, address, contact in (
        (
            "authorities",
            "default",
            "Procuraduría Federal de Protección de Niñas, Niños y Adolescentes",
            "procuraduria@proteccion.example.mx",
            "+52 55 3003 2200",
        ),
        (
            "authorities",
            "COMAR",
            "Comisión Mexicana de Ayuda a Refugiados",
            "referencias@comar.example.mx",
            None,
        ),
        (
            "authorities",
            "FGR-FEVIMTRA",
            "FGR, Fiscalía Especial en Trata de Personas",
            "trata@fgr.example.mx",
            None,
        ),
        ("shelters", "default", "Red de albergues DIF", "albergues@dif.example.mx", None),
        ("supervisors", "default", "Supervisión OPI", "supervision@inm.example.mx", None),
    ):
        lines += [
            f'[{kind}."{key}"]',
            f'name = "{name}"',
            'channel = "email"',
            f'address = "{address}"',
        ]
        lines += [f'contact = "{contact}"', ""] if contact else [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    return path
