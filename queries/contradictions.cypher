// name: contradictions
// Facts one source states and another denies: every relationship with at least one
// article or list entry behind it whose start entity also holds a denial of it (an article
// saying "was not sanctioned by", "denied that ... was owned by"), with the denials.
//
// Parameters:
//   $type (reltype, default null, example "OWNED_BY"): only this relationship type
//
// Example: sanctions-kg query --name contradictions
// Neo4j Browser: :param type => null
// Decode: denials
MATCH (a:Entity)-[r]->(b:Entity)
WHERE a.denials IS NOT NULL AND ($type IS NULL OR type(r) = $type)
WITH a, r, b, [d IN a.denials WHERE d CONTAINS ('"target":"' + b.id + '"') AND d CONTAINS ('"type":"' + type(r) + '"')] AS denials
WHERE size(denials) > 0
RETURN a.id AS from_id,
       a.name AS from,
       type(r) AS type,
       b.id AS to_id,
       b.name AS to,
       size(coalesce(r.articles, [])) AS stating_articles,
       size(denials) AS denying,
       denials
ORDER BY from, type, to
