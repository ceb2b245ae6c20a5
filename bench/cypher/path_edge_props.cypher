// The properties of the relationships on the paths found, named by start, end, type and key.
UNWIND $edges AS e
MATCH (x:Entity {id: e.start})-[r]->(y:Entity {id: e.end})
WHERE type(r) = e.type AND coalesce(r.key, '') = e.key
RETURN e.start AS start, e.end AS end, e.type AS type, e.key AS key, properties(r) AS props
