"""Consignment as the WCO Data Model describes it: parties, goods items, itinerary, documents.

These models check shape (types, formats, positive masses, date order). Whether a code exists in
the nomenclature (HS chapter, country, UN/LOCODE, currency) is checked by `safelane.reference.checks`,
which keeps this package free of data files.
"""

import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from safelane.domain.codes import TransportMode
from safelane.domain.text import Clean, CleanText

MAX_COUNT = 2**31 - 1  # counts and versions fit a 32-bit column on every engine


def _code(regex: str, code: str, message: str, *, compact: bool = False):
    """One validator per code type: normalise (upper case; spaces and dots out) and check the shape."""
    compiled = re.compile(regex)

    def check(given: str) -> str:
        value = given.replace(" ", "").replace(".", "").upper() if compact else given.upper()
        if not compiled.fullmatch(value):
            raise PydanticCustomError(code, message, {"value": given})  # pydantic fills {value}; it knows no !r
        return value

    return AfterValidator(check)


CountryCode = Annotated[
    str, _code(r"[A-Z]{2}", "country_format", "country must be an ISO 3166 alpha-2 code, got '{value}'")
]
CurrencyCode = Annotated[str, _code(r"[A-Z]{3}", "currency_format", "currency must be an ISO 4217 code, got '{value}'")]
LoCode = Annotated[
    str,
    _code(
        r"[A-Z]{2}[A-Z2-9]{3}", "locode_format", "place must be a 5-character UN/LOCODE, got '{value}'", compact=True
    ),
]
HsCode = Annotated[
    str, _code(r"\d{6,10}", "hs_code_format", "HS code must have 6 to 10 digits, got '{value}'", compact=True)
]
Text = Annotated[CleanText, Field(min_length=1, max_length=512)]
PositiveMass = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Identifier(_Model):
    """A party identifier: EORI, TIN, AEO certificate number, IMO number, LEI, or a national scheme."""

    scheme: Annotated[Clean, AfterValidator(str.upper), Field(min_length=2, max_length=16)]
    value: Annotated[
        Clean, AfterValidator(lambda v: v.replace(" ", "").replace(".", "").upper()), Field(min_length=1, max_length=64)
    ]


class Address(_Model):
    street: Text | None = None
    city: Text | None = None
    postcode: Annotated[Clean, Field(max_length=17)] | None = None
    country: CountryCode | None = None


class Party(_Model):
    name: Text
    address: Address | None = None
    country: CountryCode | None = None  # where the address gives none, or to override it
    identifiers: list[Identifier] = Field(default_factory=list)

    @property
    def country_code(self) -> str | None:
        return self.country or (self.address.country if self.address else None)

    def identifier(self, scheme: str) -> str | None:
        scheme = scheme.upper()
        return next((i.value for i in self.identifiers if i.scheme == scheme), None)


class Money(_Model):
    amount: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    currency: CurrencyCode


class GoodsItem(_Model):
    sequence: Annotated[int, Field(ge=1, le=MAX_COUNT)] | None = None
    description: Text | None = None  # missing on an air waybill: the PLACI check asks for it (RFI)
    hs_code: HsCode | None = None
    packages: Annotated[int, Field(gt=0, le=MAX_COUNT)] | None = None
    package_kind: Annotated[Clean, Field(max_length=3)] | None = None  # UN/ECE Recommendation 21
    gross_mass_kg: PositiveMass | None = None
    net_mass_kg: PositiveMass | None = None
    value: Money | None = None
    origin_country: CountryCode | None = None

    @model_validator(mode="after")
    def _net_not_above_gross(self) -> "GoodsItem":
        if self.net_mass_kg and self.gross_mass_kg and self.net_mass_kg > self.gross_mass_kg:
            raise PydanticCustomError(
                "net_above_gross",
                "net mass {net} kg exceeds gross mass {gross} kg",
                {"net": self.net_mass_kg, "gross": self.gross_mass_kg},
            )
        return self

    @property
    def value_per_kg(self) -> float | None:
        mass = self.net_mass_kg or self.gross_mass_kg
        return self.value.amount / mass if self.value and mass else None


class Itinerary(_Model):
    place_of_loading: LoCode | None = None
    place_of_unloading: LoCode | None = None
    routing_countries: list[CountryCode] = Field(default_factory=list)
    departure_at: AwareDatetime | None = None
    arrival_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _arrival_after_departure(self) -> "Itinerary":
        if self.departure_at and self.arrival_at and self.arrival_at < self.departure_at:
            raise PydanticCustomError(
                "dates_out_of_order",
                "arrival {arrival} is before departure {departure}",
                {"arrival": self.arrival_at.isoformat(), "departure": self.departure_at.isoformat()},
            )
        return self

    @property
    def loading_country(self) -> str | None:
        return self.place_of_loading[:2] if self.place_of_loading else None

    @property
    def unloading_country(self) -> str | None:
        return self.place_of_unloading[:2] if self.place_of_unloading else None


class TransportMeans(_Model):
    """The aircraft, vessel, vehicle or train: flight number, IMO number or registration."""

    identifier: Annotated[Clean, Field(min_length=1, max_length=35)]
    name: Text | None = None
    nationality: CountryCode | None = None


class Document(_Model):
    """A referenced document: certificate, licence, invoice, previous document (WCO 'AdditionalDocument')."""

    type: Annotated[Clean, Field(min_length=1, max_length=8)]
    reference: Text
    issued_on: date | None = None


PARTY_ROLES = ("consignor", "consignee", "notify_party", "carrier", "declarant")


class Consignment(_Model):
    consignment_id: Annotated[Clean, Field(min_length=1, max_length=70)] | None = None
    mode: TransportMode
    master_document: Annotated[Clean, Field(min_length=1, max_length=35)] | None = None  # master AWB / B/L
    house_document: Annotated[Clean, Field(min_length=1, max_length=35)] | None = None  # house AWB / B/L
    office: Annotated[Clean, Field(min_length=2, max_length=17)] | None = None  # customs office of first entry
    consignor: Party | None = None
    consignee: Party | None = None
    notify_party: Party | None = None
    carrier: Party | None = None
    declarant: Party | None = None
    goods: Annotated[list[GoodsItem], Field(min_length=1, max_length=999)]
    itinerary: Itinerary = Field(default_factory=Itinerary)
    transport_means: TransportMeans | None = None
    documents: list[Document] = Field(default_factory=list)
    total_packages: Annotated[int, Field(gt=0, le=MAX_COUNT)] | None = None
    total_gross_mass_kg: PositiveMass | None = None
    # air cargo security status as declared by a regulated agent (SPX, SHR, NSC...), from Cargo-XML/IMP OCI lines
    security_status: Annotated[Clean, Field(min_length=1, max_length=8)] | None = None
    # unit load devices or containers the goods travel in (PMC1337XX, MSCU1234565)
    # (None rather than [] when absent, so filings without it keep their canonical JSON and hash)
    equipment: Annotated[list[Annotated[Clean, Field(min_length=1, max_length=17)]], Field(max_length=999)] | None = (
        None
    )
    # seal numbers on that equipment (WCO DM "Seal identifier"): compared with the seals the trader shared
    seals: Annotated[list[Annotated[Clean, Field(min_length=1, max_length=35)]], Field(max_length=999)] | None = None

    @model_validator(mode="after")
    def _has_transport_document(self) -> "Consignment":
        if not (self.master_document or self.house_document or self.consignment_id):
            raise PydanticCustomError(
                "missing_transport_document", "a consignment needs a master or house transport document number"
            )
        return self

    @property
    def reference(self) -> str:
        """The filer's own reference of this consignment: house document, else master, else given id."""
        return self.consignment_id or self.house_document or self.master_document or ""

    @property
    def entry_office(self) -> str | None:
        """The customs office that acts on it: the declared office of first entry, else the place of unloading
        (the port or airport where its office sits). Capacity, queues and officers' access go by this."""
        return self.office or self.itinerary.place_of_unloading

    def parties(self) -> Iterator[tuple[str, Party]]:
        for role in PARTY_ROLES:
            party = getattr(self, role)
            if party is not None:
                yield role, party

    @property
    def gross_mass_kg(self) -> float | None:
        if self.total_gross_mass_kg:
            return self.total_gross_mass_kg
        masses = [g.gross_mass_kg for g in self.goods if g.gross_mass_kg]
        return sum(masses) if masses else None
