// The old path search's bridge: relationships between the two frontiers $ids and $others.
MATCH (n:Entity)-[r]-(m:Entity) WHERE n.id IN $ids AND m.id IN $others
RETURN DISTINCT startNode(r).id AS start, endNode(r).id AS end, type(r) AS type,
       coalesce(r.key, '') AS key, m.id AS other, m.name AS name, labels(m) AS labels
