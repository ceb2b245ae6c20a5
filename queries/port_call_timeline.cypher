// name: port_call_timeline
// The port calls of one vessel in date order (calls without a date last), with the
// sentences that report them.
//
// Parameters:
//   $vessel (entity, required, example "imo:9161003"): id of the vessel
//
// Example: sanctions-kg query --name port_call_timeline -p vessel="Lady R"
// Neo4j Browser: :param vessel => "imo:9161003"
// Decode: evidence
MATCH (v:Vessel {id: $vessel})-[c:CALLED_AT]->(port:Entity)
OPTIONAL MATCH (port)-[:LOCATED_IN]->(country:Country)
RETURN c.date AS date,
       port.id AS port_id,
       port.name AS port,
       country.name AS country,
       c.activity AS activity,
       c.evidence AS evidence
ORDER BY coalesce(c.date, '9999-12-31'), port
