"""Reference tables, shipped in the package, that validation checks codes against: HS, ISO 3166, ISO 4217, UN/LOCODE."""

from safelane.reference.tables import (
    HsEntry,
    Location,
    country_known,
    country_name,
    currency_known,
    currency_minor_units,
    hs_chapter_known,
    hs_description,
    hs_entry,
    hs_section_name,
    hs_subheading_known,
    location,
    location_known,
    locations_in,
)

__all__ = [
    "HsEntry",
    "Location",
    "country_known",
    "country_name",
    "currency_known",
    "currency_minor_units",
    "hs_chapter_known",
    "hs_description",
    "hs_entry",
    "hs_section_name",
    "hs_subheading_known",
    "location",
    "location_known",
    "locations_in",
]
