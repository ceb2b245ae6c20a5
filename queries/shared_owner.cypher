// name: shared_owner
// Owners and operators shared by more than one entity: the companies behind several ships,
// the ministries behind several companies (the types of the ontology's control role). Give
// $entity to see only the owners it shares.
//
// Parameters:
//   $entity (entity, default null, example "vessel:maria"): only owners of this entity
//
// Example: sanctions-kg query --name shared_owner -p entity=Maria
// Neo4j Browser: :param entity => null
MATCH (e:Entity)-[r:{{control}}]->(owner:Entity)
WITH owner, collect(DISTINCT e.id) AS ids, collect(DISTINCT e.name) AS names,
     collect(DISTINCT type(r)) AS via
WHERE size(ids) > 1 AND ($entity IS NULL OR $entity IN ids)
RETURN owner.id AS owner_id,
       owner.name AS owner,
       [l IN labels(owner) WHERE l <> 'Entity'][0] AS owner_label,
       via,
       size(ids) AS count,
       names AS entities,
       ids AS entity_ids
ORDER BY count DESC, owner
