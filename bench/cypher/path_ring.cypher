// One ring of the old path search: every relationship of the frontier $ids, of any type.
MATCH (n:Entity)-[r]-(m:Entity) WHERE n.id IN $ids
RETURN DISTINCT startNode(r).id AS start, endNode(r).id AS end, type(r) AS type,
       coalesce(r.key, '') AS key, m.id AS other, m.name AS name, labels(m) AS labels
