// name: ownership_chain
// Who owns or runs an entity, up the chain to the top owner: ship -> operator -> owner -> state.
// Follows the types of the ontology's ownership role (docs/model.md, "Relationship roles").
// One row per chain (a ship run by two companies has two), longest first.
//
// Parameters:
//   $entity (entity, required, example "imo:9161003"): id of the ship, company or agency to start from
//
// Example: sanctions-kg query --name ownership_chain -p entity="Lady R"
// Neo4j Browser: :param entity => "imo:9161003"
MATCH (start:Entity {id: $entity})
MATCH p = (start)-[:{{ownership}}*1..8]->(top:Entity)
WHERE NOT (top)-[:{{ownership}}]->()
RETURN top.id AS top_owner_id,
       top.name AS top_owner,
       length(p) AS hops,
       [n IN nodes(p) | n.name] AS chain,
       [r IN relationships(p) | type(r)] AS via,
       [n IN nodes(p) | n.id] AS chain_ids
ORDER BY hops DESC, top_owner
