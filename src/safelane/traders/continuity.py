"""Tier 2 of a continuity plan: consignments of trusted traders go right after essential goods.

The register's own answer to `resilience.tiers.TrustedTraders`: a party of the consignment known to the
register by an identifier it filed (a name match is too weak to jump a queue), holding an authorisation
certified when the consignment was filed, of its own programme or one an MRA in force recognises.
"""

from collections.abc import Callable
from datetime import datetime

from safelane.domain import Lodgement
from safelane.domain.consignment import PARTY_ROLES
from safelane.traders.recognition import Recognition
from safelane.traders.register import Match, Register


class RegisteredTraders:
    def __init__(self, register: Callable[[], Register], recognition: Recognition):
        self.register, self.recognition = register, recognition

    def is_trusted(self, lodgement: Lodgement, at: datetime) -> bool:
        register = self.register()
        if not len(register):
            return False
        filed = lodgement.filed_at  # as of the filing, like every other benefit
        for role in PARTY_ROLES:
            party = getattr(lodgement.consignment, role)
            match = register.match(party) if party is not None else None
            if type(match) is not Match or match.how != "identifier":
                continue
            for authorisation in match.operator.authorisations:
                if authorisation.status_at(filed) == "certified" and self.recognition.earned(
                    authorisation.programme, authorisation.type, filed
                ):
                    return True
        return False
