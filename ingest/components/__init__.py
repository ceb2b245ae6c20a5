"""sanctions-kg's spaCy components, registered as factories when this package is imported.

    sanctions_kg_paragraphs_v1  (before the parser) a blank line ends a sentence
    sanctions_kg_gazetteer_v1   ports, countries, agencies, organisations from ingest/data
    sanctions_kg_vessels_v1     ship names from context cues; IMO / MMSI / call sign
    sanctions_kg_orgs_v1        companies (legal forms, cue nouns), agencies, ports by pattern
    sanctions_kg_entities_v1    merges rule spans with the statistical NER into doc.ents
    sanctions_kg_relations_v1   relations, plural references and AIS-dark facts per sentence
"""

from ingest.components import entities, gazetteer, organizations, paragraphs, relations, vessels  # noqa: F401

FACTORIES = (
    "sanctions_kg_gazetteer_v1",
    "sanctions_kg_vessels_v1",
    "sanctions_kg_orgs_v1",
    "sanctions_kg_entities_v1",
    "sanctions_kg_relations_v1",
)
