"""Check a filing's codes against the nomenclatures: HS 2022, ISO 3166, ISO 4217, UN/LOCODE.

The domain models check shape; these checks need the packaged tables, so they live here.
"""

from safelane.domain import Consignment, Filing, InvalidMessage, Problem
from safelane.reference.tables import (
    country_known,
    currency_known,
    hs_chapter_known,
    hs_subheading_known,
    location_known,
)


def _country(problems: list[Problem], where: str, code: str | None) -> None:
    if code and not country_known(code):
        problems.append(Problem(where, "unknown_country", f"{code} is not an ISO 3166 country code"))


def _place(problems: list[Problem], where: str, code: str | None) -> None:
    if code and not location_known(code):
        problems.append(Problem(where, "unknown_locode", f"{code} is not a UN/LOCODE location"))


def consignment_problems(consignment: Consignment, at: str) -> list[Problem]:
    problems: list[Problem] = []
    for role, party in consignment.parties():
        _country(problems, f"{at}.{role}.country", party.country)
        if party.address:
            _country(problems, f"{at}.{role}.address.country", party.address.country)
    for i, item in enumerate(consignment.goods):
        where = f"{at}.goods[{i}]"
        if item.hs_code:
            if not hs_chapter_known(item.hs_code):
                problems.append(
                    Problem(f"{where}.hs_code", "unknown_hs_chapter", f"HS chapter {item.hs_code[:2]} does not exist")
                )
            elif not hs_subheading_known(item.hs_code):
                problems.append(
                    Problem(
                        f"{where}.hs_code",
                        "unknown_hs_subheading",
                        f"HS subheading {item.hs_code[:6]} is not in the HS 2022 nomenclature",
                    )
                )
        _country(problems, f"{where}.origin_country", item.origin_country)
        if item.value and not currency_known(item.value.currency):
            problems.append(
                Problem(
                    f"{where}.value.currency",
                    "unknown_currency",
                    f"{item.value.currency} is not an ISO 4217 currency code",
                )
            )
    itinerary = consignment.itinerary
    _place(problems, f"{at}.itinerary.place_of_loading", itinerary.place_of_loading)
    _place(problems, f"{at}.itinerary.place_of_unloading", itinerary.place_of_unloading)
    for i, code in enumerate(itinerary.routing_countries):
        _country(problems, f"{at}.itinerary.routing_countries[{i}]", code)
    if consignment.transport_means:
        _country(problems, f"{at}.transport_means.nationality", consignment.transport_means.nationality)
    return problems


def check_filing(filing: Filing, at: str = "") -> None:
    """Raise InvalidMessage listing every unknown code in the filing."""
    problems: list[Problem] = []
    for i, consignment in enumerate(filing.consignments):
        problems += consignment_problems(consignment, f"{at}consignments[{i}]")
    if problems:
        raise InvalidMessage(problems)
