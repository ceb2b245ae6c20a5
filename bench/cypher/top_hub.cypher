// The best-connected entity, where a report costs most.
MATCH (e:Entity)-[r]-() WITH e, count(r) AS d ORDER BY d DESC LIMIT 1
RETURN e.id AS id, d
