// name: most_mentioned
// The entities mentioned in the most articles.
//
// Parameters:
//   $label (label, default null, example "Vessel"): only entities with this label
//   $limit (int 1..1000, default 20, example 10): how many rows
//
// Example: sanctions-kg query --name most_mentioned -p label=Vessel -p limit=5
// Neo4j Browser: :params {label: null, limit: 20}
MATCH (art:Article)-[:MENTIONS]->(e:Entity)
WHERE $label IS NULL OR $label IN labels(e)
WITH e, count(DISTINCT art) AS articles
RETURN e.id AS id,
       e.name AS name,
       [l IN labels(e) WHERE l <> 'Entity'][0] AS label,
       articles
ORDER BY articles DESC, name
LIMIT $limit
