import pytest

from safelane.documents.checks import DocumentRefused, check
from tests.documents import samples


def refused(data: bytes, content_type: str) -> tuple[int, str]:
    with pytest.raises(DocumentRefused) as caught:
        check(data, content_type)
    return caught.value.status, caught.value.problem.code


def test_a_pdf_is_accepted_with_its_pages():
    checked = check(samples.pdf(pages=3), "application/pdf")
    assert (checked.kind, checked.media_type, checked.pages) == ("pdf", "application/pdf", 3)


def test_an_encrypted_pdf_is_refused_with_or_without_a_user_password():
    assert refused(samples.encrypted_pdf(), "application/pdf") == (422, "encrypted_pdf")
    assert refused(samples.encrypted_pdf(user_password=""), "application/pdf") == (422, "encrypted_pdf")


def test_a_truncated_pdf_is_refused_although_qpdf_could_recover_it():
    assert refused(samples.truncated_pdf(), "application/pdf") == (422, "damaged_pdf")


def test_bytes_that_are_not_a_pdf_are_refused():
    assert refused(b"hello", "application/pdf") == (422, "not_pdf")
    assert refused(b"%PDF-1.7\n garbage", "application/pdf")[0] == 422


@pytest.mark.parametrize(
    ("format", "media_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("TIFF", "image/tiff")]
)
def test_images_are_verified_and_decoded(format, media_type):
    assert check(samples.image(format), f"{media_type}; charset=binary").kind == "image"
    assert refused(samples.image(format)[:60], media_type) == (422, "bad_image")


def test_an_image_must_be_the_type_it_is_sent_as():
    assert refused(samples.image("PNG"), "image/jpeg") == (422, "bad_image")


def test_signed_xml_needs_a_signature_element_and_no_doctype():
    assert check(samples.SIGNED_XML, "application/xml").kind == "signed_xml"
    assert refused(samples.UNSIGNED_XML, "text/xml") == (422, "unsigned_xml")
    bomb = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    assert refused(bomb, "application/xml") == (422, "bad_xml")
    assert refused(b"<a>", "application/xml") == (422, "bad_xml")


def test_other_types_and_empty_bodies_are_refused():
    assert refused(b"MZ", "application/octet-stream") == (415, "unsupported_type")
    assert refused(b"", None) == (415, "unsupported_type")
    assert refused(b"", "application/pdf") == (422, "empty")
