// How many relationships the frontier $ids has: the old search grows the smaller side.
MATCH (n:Entity)-[r]-(:Entity) WHERE n.id IN $ids
RETURN count(r) AS degree
