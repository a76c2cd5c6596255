"""Dates and times in queries and bodies are ISO 8601 text, as the OpenAPI document says: pydantic alone would
take a Unix number for a datetime, which schema-conformance testing (and a confused filer) sends."""

from datetime import UTC, date, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from safelane.service.api import IsoDay, IsoTime


def test_iso_text_is_read() -> None:
    assert TypeAdapter(IsoTime).validate_python("2026-12-01T08:00Z") == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert TypeAdapter(IsoDay).validate_python("2026-12-01") == date(2026, 12, 1)


@pytest.mark.parametrize("value", [0.5, 5, "0.5", "1764576000", "2026-12-01"])
def test_a_time_that_is_not_iso_text_is_refused(value: object) -> None:
    with pytest.raises(ValidationError, match="a time is written"):
        TypeAdapter(IsoTime).validate_python(value)


@pytest.mark.parametrize("value", [20261201, 1.5, "2026-1-1", "01.12.2026"])
def test_a_day_that_is_not_iso_text_is_refused(value: object) -> None:
    with pytest.raises(ValidationError, match="a day is written"):
        TypeAdapter(IsoDay).validate_python(value)
