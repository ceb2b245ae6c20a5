// The two ends of a path search: id, name and labels.
MATCH (n:Entity) WHERE n.id IN $ids
RETURN n.id AS id, n.name AS name, labels(n) AS labels
