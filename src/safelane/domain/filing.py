"""A filing is one message version from one filer; a lodgement is one consignment of it, ready to assess."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from safelane.domain.codes import AIR_MODES, FilingKind
from safelane.domain.consignment import MAX_COUNT, Consignment
from safelane.domain.text import Clean


class Filing(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    filer: Annotated[Clean, Field(min_length=1, max_length=70)] | None = None  # set from the credential by the API
    document_number: Annotated[Clean, Field(min_length=1, max_length=70)]  # the filing's own reference (LRN, MAWB)
    version: Annotated[int, Field(ge=1, lt=MAX_COUNT)] = 1  # below the limit: an amendment adds one
    kind: FilingKind | None = None  # inferred from the first consignment's mode when absent
    message_type: Annotated[Clean, Field(max_length=32)] = "safelane-json"
    filed_at: AwareDatetime | None = None  # when the filer says it filed; the receiver's clock otherwise
    # An amendment that names what it amends (the MRN safelane gave, i.e. the filing id, or the document
    # number) instead of a version: it becomes the next version of that filing (an ICS IE313, say).
    amends: Annotated[Clean, Field(min_length=1, max_length=70)] | None = None
    consignments: Annotated[list[Consignment], Field(min_length=1, max_length=10_000)]

    @model_validator(mode="after")
    def _infer_kind(self) -> "Filing":
        if self.kind is None:
            object.__setattr__(self, "kind", FilingKind.default_for(self.consignments[0].mode))
        if self.kind is FilingKind.PRE_LOADING:
            for i, consignment in enumerate(self.consignments):
                if consignment.mode not in AIR_MODES:
                    raise PydanticCustomError(
                        "not_air_cargo",
                        "consignments[{index}]: pre-loading (PLACI) filings carry air cargo only, not {mode}",
                        {"index": i, "mode": consignment.mode.value},
                    )
        return self

    @property
    def filing_kind(self) -> FilingKind:
        assert self.kind is not None  # set by the validator
        return self.kind


@dataclass(frozen=True, slots=True)
class Lodgement:
    """One consignment as lodged: what every assessor and the selection step look at."""

    consignment_id: str
    consignment: Consignment
    kind: FilingKind
    filer: str
    filed_at: datetime
    document_number: str
    version: int
    message_type: str = "safelane-json"  # the standard it came in (FWB, FFM, IE315...): a manifest is not a waybill

    @property
    def deadline(self) -> datetime | None:
        """When the goods move, so customs must have acted: departure for pre-loading air cargo (the aircraft
        must not be loaded first), arrival for pre-arrival and declaration filings; None when not filed."""
        itinerary = self.consignment.itinerary
        return itinerary.departure_at if self.kind is FilingKind.PRE_LOADING else itinerary.arrival_at
