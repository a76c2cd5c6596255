"""ePhyto: electronic phytosanitary certificates (UN/CEFACT SPSCertificate:17, as the IPPC ePhyto Hub carries them).

The plant-health agency (NPPO) of the exporting country issues the certificate; the importing side reads it,
keeps it, and compares it with the consignment the filer declared (docs/ephyto.md). `reader` reads one
certificate or Hub envelope, `schema` validates it against the shipped Hub schemas, `matching` compares it
with a consignment, `assessor` turns mismatches into plant-health findings, `hub` is the Hub boundary.
"""

from safelane.ephyto.certificate import Certificate, Commodity, Trader, Transport

PLANT_HEALTH = "plant_health"  # the agency code findings carry (docs/agencies.md)

__all__ = ["PLANT_HEALTH", "Certificate", "Commodity", "Trader", "Transport"]
