"""Ownership, management and ties in the shapes news writing uses (issue 22): roles named
through a possessive with modifiers, "the manager of the vessel, X", charters, subsidiaries,
and ties through what one party does for another. Every sentence is our own; the names are
invented. Each shape has its near-miss that must not give a relation.

The real model parses them (ingest.nlp.load, once per module).
"""

import pytest

from extraction_helpers import extracted, nlp, relations  # noqa: F401  (nlp: the model fixture)

TYPES = ("OWNED_BY", "OPERATED_BY", "ASSOCIATED_WITH", "PART_OF")


def found(nlp, text, types=TYPES):
    return relations(nlp, text, types)


# -- roles through a possessive -------------------------------------------------------------

def test_possessive_roles_with_nationalities_share_the_ship(nlp):
    text = ("Washington also blacklisted the tanker Marlin Dawn, as well as the vessel's Panamanian owner "
            "Redwater Holdings and Cypriot operator Tessaly Ship Management.")
    assert found(nlp, text) == {("OWNED_BY", "Marlin Dawn", "Redwater Holdings"),
                                ("OPERATED_BY", "Marlin Dawn", "Tessaly Ship Management")}


def test_possessive_role_with_a_based_modifier(nlp):
    text = "The tanker Marlin Dawn was detained on Friday. Its Dubai-based manager, Tessaly Ship Management, declined to comment."
    assert found(nlp, text) == {("OPERATED_BY", "Marlin Dawn", "Tessaly Ship Management")}


def test_possessive_owner_without_a_name_gives_nothing(nlp):
    text = "The tanker Marlin Dawn was detained on Friday. The vessel's Greek owner did not respond to questions."
    assert found(nlp, text) == set()


def test_manager_of_the_vessel_named_in_apposition_after(nlp):
    text = ("The tanker Marlin Dawn was seized in May. The Cyprus-based manager of the vessel, Tessaly Ship Management, "
            "said it had cut ties with the charterer.")
    assert found(nlp, text) == {("OPERATED_BY", "Marlin Dawn", "Tessaly Ship Management")}


def test_owner_of_the_vessel_without_a_name_gives_nothing(nlp):
    text = "The tanker Marlin Dawn was seized in May. The owner of the vessel did not respond to a request for comment."
    assert found(nlp, text) == set()


def test_operator_of_ships_in_general_names_no_ship(nlp):
    text = "Tessaly Ship Management is an operator of ships like the tanker Marlin Dawn, analysts said."
    assert ("OPERATED_BY", "Marlin Dawn", "Tessaly Ship Management") not in found(nlp, text)


def test_reduced_relative_managed_by(nlp):
    text = "Images showed the tanker Marlin Dawn, managed by Tessaly Ship Management, off the coast."
    assert found(nlp, text) == {("OPERATED_BY", "Marlin Dawn", "Tessaly Ship Management")}


# -- subsidiaries ---------------------------------------------------------------------------

def test_and_its_subsidiary(nlp):
    text = "The ministry named Redwater Shipping Lines and its subsidiary Kelso Bay Shipping in the notice."
    assert found(nlp, text) == {("OWNED_BY", "Kelso Bay Shipping", "Redwater Shipping Lines")}


def test_subsidiary_in_apposition_after_its_name(nlp):
    text = "The ministry named Redwater Shipping Lines and Kelso Bay Shipping, its Singapore-based subsidiary."
    assert found(nlp, text) == {("OWNED_BY", "Kelso Bay Shipping", "Redwater Shipping Lines")}


# -- charters are ties, not management -----------------------------------------------------

def test_chartered_ships_are_associated_with_the_charterer(nlp):
    text = "Brokers said the tanker Marlin Dawn and the tanker Opal Crest were chartered by Kestrel Trading FZE."
    assert found(nlp, text) == {("ASSOCIATED_WITH", "Marlin Dawn", "Kestrel Trading FZE"),
                                ("ASSOCIATED_WITH", "Opal Crest", "Kestrel Trading FZE")}


def test_chartering_a_plane_names_no_ship(nlp):
    text = "Investigators chartered a plane to reach the tanker Marlin Dawn near the strait."
    assert found(nlp, text) == set()


# -- ties through what a party does for another ---------------------------------------------

def test_a_firm_that_sells_oil_for_two_bodies(nlp):
    text = ("The transfer by the tanker Marlin Dawn was carried out on behalf of Zarin Petroleum, a company that sells oil "
            "for the Defence Ministry and the Navy.")
    assert found(nlp, text) == {("ASSOCIATED_WITH", "Marlin Dawn", "Zarin Petroleum"),
                                ("ASSOCIATED_WITH", "Zarin Petroleum", "Defence Ministry"),
                                ("ASSOCIATED_WITH", "Zarin Petroleum", "Navy")}


def test_a_ship_that_carried_cargo_for_a_body(nlp):
    text = "The tanker Marlin Dawn carried the cargo for the Revolutionary Guard, two officials said."
    assert found(nlp, text) == {("ASSOCIATED_WITH", "Marlin Dawn", "Revolutionary Guard")}


def test_a_ship_that_carried_cargo_for_a_country_is_no_tie(nlp):
    text = "The tanker Marlin Dawn carried the cargo for China, two officials said."
    assert found(nlp, text) == set()


def test_a_person_who_helped_support_a_firm(nlp):
    text = "Dariush Tehrani, who the US said helped support Zarin Petroleum, was also named."
    assert found(nlp, text) == {("ASSOCIATED_WITH", "Dariush Tehrani", "Zarin Petroleum")}


def test_a_person_who_works_with_a_body(nlp):
    text = "Dariush Tehrani, the son of a former minister, works with the Navy, the filing said."
    assert found(nlp, text) == {("ASSOCIATED_WITH", "Dariush Tehrani", "Navy")}


def test_linked_to_a_ship_and_not_to_a_war(nlp):
    assert found(nlp, "The tanker Marlin Dawn was linked to Kestrel Trading FZE, according to the filing.") == {
        ("ASSOCIATED_WITH", "Marlin Dawn", "Kestrel Trading FZE")}
    assert found(nlp, "The tanker Marlin Dawn was linked to the war in Ukraine, according to the filing.") == set()


def test_a_partner_of_a_law_firm_but_not_its_client(nlp):
    assert found(nlp, "Colin Marsh, a partner at Birch Lane LLP, said the rules were unclear.") == {
        ("ASSOCIATED_WITH", "Colin Marsh", "Birch Lane LLP")}
    text = "Colin Marsh, a lawyer at Birch Lane LLP who represents Kestrel Trading FZE, said his client would appeal."
    assert not {r for r in found(nlp, text) if r[2] == "Kestrel Trading FZE" or r[1] == "Kestrel Trading FZE"}


def test_owned_by_unnamed_lessors(nlp):
    text = "The tanker Marlin Dawn was owned by Chinese finance lessors until last year."
    assert found(nlp, text) == set()


# -- more role shapes of news writing -------------------------------------------------------

SEIZED = "The tanker Marlin Dawn was seized in May. "


def test_holder_before_the_tankers_role(nlp):
    text = SEIZED + "Tessaly Ship Management, the tanker's manager, said the ship had been sold."
    assert found(nlp, text) == {("OPERATED_BY", "Marlin Dawn", "Tessaly Ship Management")}


def test_possessive_role_then_a_place_modified_name(nlp):
    text = SEIZED + "The Marlin Dawn's manager, Dubai-based Tessaly Ship Management, said it had complied."
    assert found(nlp, text) == {("OPERATED_BY", "Marlin Dawn", "Tessaly Ship Management")}


def test_owner_of_a_named_ship_then_the_holder_in_apposition(nlp):
    text = "The owner of the tanker Marlin Dawn, Redwater Holdings, is registered in Liberia."
    assert found(nlp, text) == {("OWNED_BY", "Marlin Dawn", "Redwater Holdings")}


def test_owner_of_a_named_ship_then_a_list_is_no_holder(nlp):
    text = "The owner of the tanker Marlin Dawn, Redwater Holdings and Tessaly Ship Management all declined to comment."
    assert found(nlp, text, ("OWNED_BY",)) == set()


def test_a_firm_that_owns_the_vessel(nlp):
    text = SEIZED + "Redwater Holdings, a Liberia-registered firm, owns the vessel."
    assert found(nlp, text) == {("OWNED_BY", "Marlin Dawn", "Redwater Holdings")}


def test_registered_to_a_firm_not_to_a_flag(nlp):
    assert found(nlp, "The tanker Marlin Dawn is registered to Redwater Holdings, a company in the Marshall Islands.") == {
        ("OWNED_BY", "Marlin Dawn", "Redwater Holdings")}
    assert found(nlp, "The tanker Marlin Dawn is registered to the Marshall Islands.") == set()


def test_control_through_intermediary_firms(nlp):
    text = ("The Treasury targeted 11 vessels indirectly controlled by Volna Fleet through Sever Fleet LLC in St. Petersburg "
            "and Yug Fleet LLC.")
    assert found(nlp, text, ("OWNED_BY",)) == {("OWNED_BY", "Sever Fleet LLC", "Volna Fleet"), ("OWNED_BY", "Yug Fleet LLC", "Volna Fleet")}


def test_control_through_shares_names_no_firm(nlp):
    text = "The tanker Marlin Dawn is controlled by Redwater Holdings through a chain of shell companies."
    assert found(nlp, text, ("OWNED_BY",)) == {("OWNED_BY", "Marlin Dawn", "Redwater Holdings")}


def test_part_of_an_empire_controlled_by_a_person(nlp):
    text = "Omega Tankers Ltd, said to be part of the shipping empire controlled by Dariush Tehrani, was listed."
    assert found(nlp, text, ("OWNED_BY",)) == {("OWNED_BY", "Omega Tankers Ltd", "Dariush Tehrani")}


def test_part_of_a_network_without_its_holder(nlp):
    text = "Omega Tankers Ltd is part of a network of firms that moved oil for years, Dariush Tehrani said."
    assert found(nlp, text, ("OWNED_BY",)) == set()


def test_a_name_after_a_ship_only_role_is_a_ship(nlp):
    text = ("OFAC named (i) Alder Shipping Inc, the registered owner of the Merlin; (ii) Birchmoor Navigation Ltd, "
            "the registered owner of the Skua.")
    assert found(nlp, text) == {("OWNED_BY", "Merlin", "Alder Shipping Inc"), ("OWNED_BY", "Skua", "Birchmoor Navigation Ltd")}


def test_a_firm_after_a_ship_only_role_is_no_ship(nlp):
    text = "Alder Shipping Inc, the registered owner of the Merlin Group, declined to comment."
    assert not [e for e in extracted(nlp, text).entities if e.label == "Vessel"]


def test_a_branch_of_an_agency_is_owned_by_it(nlp):
    for text in ("The Sahand Command, an elite branch of the Revolutionary Guard, arranged the voyages.",
                 "The Sahand Command, a branch of the Revolutionary Guard, arranged the voyages."):
        doc_rels = found(nlp, text, ("OWNED_BY",))
        assert {(r[0], r[2]) for r in doc_rels} == {("OWNED_BY", "Revolutionary Guard")}, text


def test_part_of_between_agencies_is_no_ownership(nlp):
    text = "The Sahand Command is part of the Revolutionary Guard and runs its own ships."
    assert found(nlp, text, ("OWNED_BY",)) == set()


# -- more ties ------------------------------------------------------------------------------

def test_a_firm_that_did_the_ships_transfer(nlp):
    text = SEIZED + "It is believed that the National Tanker Company did the transfer."
    assert found(nlp, text) == {("ASSOCIATED_WITH", "Marlin Dawn", "National Tanker Company")}


def test_officials_who_did_an_inspection_are_no_party(nlp):
    assert found(nlp, "Officials did the inspection of the tanker Marlin Dawn in May.") == set()


def test_the_tanker_acting_on_a_partys_behalf(nlp):
    text = SEIZED + "The tanker carried the oil on behalf of Zarin Petroleum, officials said."
    assert found(nlp, text) == {("ASSOCIATED_WITH", "Marlin Dawn", "Zarin Petroleum")}


def test_a_person_who_heads_a_firm_but_not_a_delegation(nlp):
    assert found(nlp, "Dariush Tehrani, who heads Zarin Petroleum, denied the claims.") == {
        ("ASSOCIATED_WITH", "Dariush Tehrani", "Zarin Petroleum")}
    assert found(nlp, "Dariush Tehrani heads the delegation to Geneva.") == set()


def test_hired_ship_is_a_tie(nlp):
    assert found(nlp, "The tanker Marlin Dawn was hired by Kestrel Trading FZE to move the oil.") == {
        ("ASSOCIATED_WITH", "Marlin Dawn", "Kestrel Trading FZE")}


def test_oil_loaded_for_export_names_no_party(nlp):
    assert found(nlp, "The tanker Marlin Dawn loaded oil for export to China.") == set()


def test_plural_possessive_owner_of_the_ships_just_listed(nlp):
    text = "The tankers Marlin Dawn and Opal Crest were seized. The vessels' Liberian owner, Redwater Holdings, declined to comment."
    assert found(nlp, text) == {("OWNED_BY", "Marlin Dawn", "Redwater Holdings"), ("OWNED_BY", "Opal Crest", "Redwater Holdings")}


def test_listed_ships_which_carried_oil_for_a_body(nlp):
    text = "The US sanctioned the tankers Marlin Dawn and Opal Crest, which carried oil for the Revolutionary Guard."
    assert found(nlp, text) == {("ASSOCIATED_WITH", "Marlin Dawn", "Revolutionary Guard"),
                                ("ASSOCIATED_WITH", "Opal Crest", "Revolutionary Guard")}


def test_a_ship_that_moved_a_named_bodys_goods(nlp):
    text = "The tanker Marlin Dawn was suspected of involvement in the transport of Revolutionary Guard cargo from Iran."
    assert found(nlp, text) == {("ASSOCIATED_WITH", "Marlin Dawn", "Revolutionary Guard")}
    text = "The tanker Marlin Dawn carried the Revolutionary Guard's weapons to Yemen."
    assert found(nlp, text) == {("ASSOCIATED_WITH", "Marlin Dawn", "Revolutionary Guard")}


def test_goods_of_a_demonym_or_seized_aboard_are_no_tie(nlp):
    assert found(nlp, "The tanker Marlin Dawn carried Iranian oil to Syria.") == set()
    assert found(nlp, "The tanker Marlin Dawn was seized with Chinese cargo aboard.") == set()


def test_people_who_run_a_firm_are_tied_to_it(nlp):
    text = "Kestrel Trading FZE was founded in 2019. The company is managed by Dariush Tehrani and Leila Tehrani."
    assert found(nlp, text) == {("ASSOCIATED_WITH", "Dariush Tehrani", "Kestrel Trading FZE"),
                                ("ASSOCIATED_WITH", "Leila Tehrani", "Kestrel Trading FZE")}
    # a ship run by a person is management
    assert found(nlp, "The tanker Marlin Dawn is run by Dariush Tehrani.") == {("OPERATED_BY", "Marlin Dawn", "Dariush Tehrani")}


def test_its_after_a_firm_is_the_firms(nlp):
    text = SEIZED + "Kestrel Trading FZE and its Dubai-based manager Tessaly Ship Management were also named."
    assert found(nlp, text, ("OPERATED_BY",)) == set()
    text = SEIZED + "Kestrel Trading FZE and its Greek parent company Redwater Holdings were also named."
    assert found(nlp, text, ("OWNED_BY",)) == {("OWNED_BY", "Kestrel Trading FZE", "Redwater Holdings")}
