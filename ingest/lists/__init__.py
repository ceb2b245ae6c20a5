"""Sanctions lists: read OpenSanctions/FollowTheMoney and OFAC SDN files, import them into the
graph, and match the listed entities to the ones extracted from articles.

    ftm.py       FollowTheMoney entity JSON lines (as OpenSanctions publishes them)
    ofac.py      OFAC SDN legacy CSV files (sdn.csv, add.csv, alt.csv)
    records.py   what both readers produce: ParsedList of ListedEntity / ListedSanction / ListedLink
    importer.py  import_sanctions(store, path, fmt): nodes, SANCTIONED_BY, OWNED_BY, then matching
    match.py     matching extracted to listed entities; candidate review (list/accept/reject)
"""
