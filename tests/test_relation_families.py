"""The relation families of ingest/components/relations/: every relationship type of the
ontology is read by a family or declared `not_extracted`, and each family emits only the types
it declares."""

import re
from pathlib import Path

import yaml

from graph import ontology
from ingest.components import relations

PACKAGE = Path(relations.__file__).parent


def test_every_relationship_type_is_read_or_declared_not_extracted():
    assert relations.unread_types() == []
    raw = yaml.safe_load(ontology.path().read_text("utf-8"))
    declared = {n for n, spec in raw["relationships"].items() if spec.get("not_extracted")}
    # A type is either read from sentences or declared as not read, never both.
    assert declared and not declared & set(relations.emitted_types())


def test_a_new_type_without_a_family_is_reported(tmp_path):
    raw = yaml.safe_load(ontology.path().read_text("utf-8"))
    raw["relationships"]["CREWED_BY"] = {"doc": "a vessel is crewed by a company", "from": ["Vessel"], "to": ["Company"]}
    copy = tmp_path / "ontology.yaml"
    copy.write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    assert relations.unread_types(copy) == ["CREWED_BY"]
    raw["relationships"]["CREWED_BY"]["not_extracted"] = "read from crew lists only"
    copy.write_text(yaml.safe_dump(raw, sort_keys=False), "utf-8")
    assert relations.unread_types(copy) == []


def test_each_family_emits_only_what_it_declares():
    for family in relations.FAMILIES:
        module = family.__module__.rsplit(".", 1)[-1]
        source = (PACKAGE / f"{module}.py").read_text("utf-8")
        emitted = set(re.findall(r'_emit\(\s*out,\s*"([A-Z_]+)"', source))
        emitted |= {t for t in re.findall(r'"([A-Z_]+)"', source) if re.search(rf'rtype\s*=\s*"{t}"|"{t}" if ', source)}
        assert emitted <= set(family.EMITS), f"{module} emits {sorted(emitted - set(family.EMITS))} without declaring it"
        assert set(family.EMITS) <= emitted, f"{module} declares {sorted(set(family.EMITS) - emitted)} but never emits it"
    # Shared code emits nothing by itself.
    assert not re.findall(r'_emit\(\s*out,\s*"', (PACKAGE / "context.py").read_text("utf-8"))



# Each family's own names, read from its class body, and those every family defines on purpose
# (its declaration and its setup hook, which Relations calls family by family).
_PER_FAMILY = {"EMITS", "setup"}


def _clashes(families) -> list[str]:
    """Names defined by two families, or by a family and the shared context."""
    from ingest.components.relations.context import SentenceContext

    owner: dict[str, str] = {n: "SentenceContext" for n in vars(SentenceContext) if not n.startswith("__")}
    out = []
    for family in families:
        for name in sorted(set(vars(family)) - _PER_FAMILY):
            if name.startswith("__"):
                continue
            if name in owner:
                out.append(f"{name}: {owner[name]} and {family.__name__}")
            owner[name] = family.__name__
    return out


def test_no_family_silently_replaces_another_familys_method():
    """Relations mixes the families into one class: a method name two families define, or one
    that shadows the shared context's, would leave only one of them running, with no error."""
    assert _clashes(relations.FAMILIES) == []


def test_the_guard_sees_a_clash():
    taken = sorted(n for n in vars(relations.FAMILIES[1]) if not n.startswith("__") and n not in _PER_FAMILY)[0]
    clash = type("Clash", (), {taken: lambda self: None, "EMITS": ()})
    assert _clashes((*relations.FAMILIES, clash)) == [f"{taken}: {relations.FAMILIES[1].__name__} and Clash"]
