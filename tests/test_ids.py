"""Identifiers: stable ids are unambiguous whatever characters the parts hold."""

from safelane.ids import consignment_id, new_id, stable_id


def test_a_separator_inside_a_part_does_not_make_two_consignments_alike():
    assert consignment_id("ACME", "176-1111111\x1fX", "Y") != consignment_id("ACME", "176-1111111", "X\x1fY")


def test_moving_characters_between_parts_changes_the_id():
    assert stable_id("C", "ab", "c") != stable_id("C", "a", "bc")


def test_the_same_parts_give_the_same_id():
    assert consignment_id("ACME", "DOC-1", "HAWB-0001") == consignment_id("ACME", "DOC-1", "HAWB-0001")


def test_a_consignment_id_is_the_documented_shape():
    value = consignment_id("ACME", "DOC-1", "HAWB-0001")
    assert (value[0], len(value)) == ("C", 21)


def test_new_ids_differ():
    assert new_id("D") != new_id("D")
