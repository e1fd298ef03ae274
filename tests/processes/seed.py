"""Data of the fault tests, made in the portal's own database by its services:
`python -m tests.processes.seed USERS LOT_MEMBERS LOTS` prints, as its last line, the JSON of the
suppliers' e-mails and sessions, the recipient's SIRET and the paths of LOTS lots of LOT_MEMBERS
CII invoices."""

import datetime
import json
import sys
import tempfile


def _structure(gp, n: int, *, public: bool):
    from structures import services
    from structures.enums import IdentifierType, StructureKind
    from tests.factories import valid_siret

    values = {
        "identifier_type": IdentifierType.SIRET,
        "identifier": valid_siret(9_000_000 + n),
        "raison_sociale": "Commune de Recevoir" if public else f"Menuiserie {n}",
        "adresse": "1 place de la Mairie",
        "code_postal": "38000",
        "ville": "Grenoble",
    }
    kind = StructureKind.PUBLIC if public else StructureKind.PRIVATE
    return services.create_structure(actor=gp, data=values, kind=kind)


def _supplier(n: int):
    """A supplier with its VAT number and a signed mandate: it may send invoices."""
    from structures import services
    from tests.factories import UserFactory, french_vat_number

    gp = UserFactory(email=f"fournisseur{n}@exemple.fr")
    structure = _structure(gp, n, public=False)
    vat = french_vat_number(structure.identifier[:9])
    services.update_structure(actor=gp, structure_id=structure.pk, data={"numero_tva": vat})
    mandate = services.subscribe_mandate(actor=gp, structure_id=structure.pk, libelle="Mandat",
                                         signatory_nom="Nom", signatory_prenom="Prénom",
                                         signatory_qualite="Gérant")  # fmt: skip
    services.sign_mandate(actor=gp, mandate_id=mandate.pk)
    structure.refresh_from_db()
    return gp, structure


def _lot(gp, supplier, recipient, members: int, prefix: str) -> str:
    """A zip of CII invoices issued by the supplier, made by the portal's generator from drafts
    that are then deleted."""
    import zipfile

    from einvoice.cii import build_cii_xml
    from invoices import services
    from tests.factories import INVOICE_LINES

    path = tempfile.NamedTemporaryFile(prefix="faults-lot-", suffix=".zip", delete=False).name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(members):
            data = {"recipient_id": recipient.pk, "number": f"{prefix}-{n:03d}", "payment_mode": "CHEQUE",
                    "invoice_date": datetime.date(2026, 11, 2), "numero_engagement": "EJ-77"}  # fmt: skip
            draft = services.save_draft(actor=gp, structure=supplier, data=data, lines=INVOICE_LINES)
            archive.writestr(f"{prefix}-{n:03d}.xml", build_cii_xml(draft))
            services.delete_draft(actor=gp, structure=supplier, invoice_id=draft.pk)
    return path


def _session(user) -> str:
    """The session cookie of a user logged in (the load needs no 20 log-ins over HTTP)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _second_factor_user() -> dict:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import UserFactory

    user = UserFactory(email="totp@exemple.fr")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return {"email": user.email, "secret": secret}


def seed(users: int, lot_members: int, lots: int = 1) -> dict:
    from tests.factories import UserFactory

    suppliers = [_supplier(n) for n in range(users)]
    recipient = _structure(UserFactory(email="destinataire@exemple.fr"), users, public=True)
    return {
        "sessions": [_session(gp) for gp, _structure in suppliers],
        "users": [gp.email for gp, _structure in suppliers],
        "recipient": recipient.identifier,
        # Lots of the first supplier, their invoices numbered LOT-000…, LOT1-000…
        "lots": [_lot(*suppliers[0], recipient, lot_members, f"LOT{n or ''}") for n in range(lots)],
        "totp": _second_factor_user(),
    }


def sweep() -> None:
    """Routes what was left Déposée and notifies what was never notified, as beat does once the
    sweeps' grace delay (3 minutes) has passed."""
    from django.utils import timezone

    from invoices import sweeps

    later = timezone.now() + sweeps.GRACE + datetime.timedelta(seconds=1)
    sweeps.route_stale_invoices(now=later)
    sweeps.notify_missed_changes(now=later)


if __name__ == "__main__":
    import django

    django.setup()
    sys.stdout.write(json.dumps(seed(*map(int, sys.argv[1:4]))) + "\n")
