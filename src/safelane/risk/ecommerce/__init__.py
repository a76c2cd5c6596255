"""E-commerce: dated de minimis thresholds, splitting of orders across parcels, mis-declared parcels."""

from safelane.risk.ecommerce.assessor import ECOMMERCE, TABLES, WINDOW_DAYS, EcommerceAssessor, build
from safelane.risk.registry import AssessorContext, AssessorSpec

__all__ = ["ECOMMERCE", "SPEC", "EcommerceAssessor"]


def _build(context: AssessorContext) -> EcommerceAssessor:
    return build(context.settings.options, context.db)


# No floors: a split order or an under-valued phone is a strong signal, but capacity decides how far it reaches.
SPEC = AssessorSpec(
    ECOMMERCE,
    "E-commerce parcels",
    _build,
    order=50,
    settings=(TABLES, WINDOW_DAYS),
    evidence="findings/ecommerce.html",
)
