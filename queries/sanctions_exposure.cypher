// name: sanctions_exposure
// Entities that are not sanctioned themselves but sit within N hops of a sanctioned one,
// through ownership, operation, membership or a stated tie (the types of the ontology's exposure
// role, either direction), with the shortest path to each sanctioned entity.
//
// Parameters:
//   $max_hops (int 1..4, default 2, example 2): hops between the entity and the sanctioned one
//   $label (label, default null, example "Company"): only entities with this label
//
// Example: sanctions-kg query --name sanctions_exposure -p max_hops=3 -p label=Agency
// Neo4j Browser: :params {max_hops: 2, label: null}
MATCH (s:Entity)-[:SANCTIONED_BY]->(:Entity)
WITH DISTINCT s
MATCH p = (e:Entity)-[:{{exposure}}*1..4]-(s)
WHERE length(p) <= $max_hops
  AND e <> s
  AND NOT (e)-[:SANCTIONED_BY]->()
  AND ($label IS NULL OR $label IN labels(e))
WITH e, s, min(length(p)) AS hops, collect(p) AS paths
WITH e, s, hops, [q IN paths WHERE length(q) = hops][0] AS p
RETURN e.id AS id,
       e.name AS name,
       [l IN labels(e) WHERE l <> 'Entity'][0] AS label,
       s.id AS sanctioned_id,
       s.name AS sanctioned,
       hops,
       [n IN nodes(p) | n.name] AS path,
       [r IN relationships(p) | type(r)] AS via
ORDER BY hops, name, sanctioned
