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
