// name: sanctioned
// Every directly sanctioned entity: by whom, when, under which program or list.
//
// Parameters:
//   $label (label, default null, example "Vessel"): only entities with this label
//
// Example: sanctions-kg query --name sanctioned -p label=Vessel
// Neo4j Browser: :param label => null
MATCH (e:Entity)-[s:SANCTIONED_BY]->(by:Entity)
WHERE $label IS NULL OR $label IN labels(e)
RETURN e.id AS id,
       e.name AS name,
       [l IN labels(e) WHERE l <> 'Entity'][0] AS label,
       by.name AS sanctioned_by,
       s.year AS year,
       s.date AS date,
       s.program AS program,
       s.list_name AS list_name
ORDER BY name, sanctioned_by, year
