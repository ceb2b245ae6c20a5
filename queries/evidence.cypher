// name: evidence
// The articles and sentences behind the relationships between two entities (either
// direction): one row per relationship and article, with the article's title, source and
// date. Give $type to see one relationship type only.
//
// Parameters:
//   $a (entity, required, example "imo:9161003"): id of one entity
//   $b (entity, required, example "country:us"): id of the other entity
//   $type (reltype, default null, example "SANCTIONED_BY"): only this relationship type
//
// Example: sanctions-kg query --name evidence -p a="Lady R" -p b="United States"
// Neo4j Browser: :params {a: "imo:9161003", b: "country:us", type: null}
// Decode: evidence
MATCH (x:Entity {id: $a})-[r]-(y:Entity {id: $b})
WHERE $type IS NULL OR type(r) = $type
UNWIND coalesce(r.articles, []) AS article_id
OPTIONAL MATCH (art:Article {id: article_id})
RETURN startNode(r).name AS from,
       type(r) AS type,
       endNode(r).name AS to,
       article_id,
       art.title AS title,
       art.source AS source,
       art.published AS published,
       art.url AS url,
       [ev IN coalesce(r.evidence, []) WHERE ev CONTAINS ('"article":"' + article_id + '"')] AS evidence
ORDER BY type, published, article_id
