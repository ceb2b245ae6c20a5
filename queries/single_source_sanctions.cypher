// name: single_source_sanctions
// Sanctions claims that rest on one independent source: designations stated by the articles
// of a single publisher (articles without one count each) or by a single list entry, and by
// nothing else; the claims to check before relying on them.
//
// Parameters: none
//
// Example: sanctions-kg query --name single_source_sanctions
// Decode: evidence
MATCH (e:Entity)-[s:SANCTIONED_BY]->(by:Entity)
OPTIONAL MATCH (art:Article) WHERE art.id IN coalesce(s.articles, [])
WITH e, s, by, collect(DISTINCT toLower(trim(coalesce(art.source, art.id)))) AS publishers
WITH e, s, by, publishers, [x IN coalesce(s.evidence, []) WHERE x CONTAINS '"method":"list"'] AS entries
WHERE size(publishers) + size(entries) = 1
RETURN e.id AS id,
       e.name AS name,
       [l IN labels(e) WHERE l <> 'Entity'][0] AS label,
       by.name AS sanctioned_by,
       publishers,
       s.list_name AS list_name,
       s.evidence AS evidence
ORDER BY name, sanctioned_by
