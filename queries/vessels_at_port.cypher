// name: vessels_at_port
// Vessels that called at (loaded, unloaded, docked at, arrived in) a port, optionally
// between two dates (inclusive; calls without a date only show when no dates are given).
//
// Parameters:
//   $port (entity, required, example "port:rason"): id of the port
//   $from (date, default null, example "2023-08-01"): first day of the window
//   $to (date, default null, example "2023-12-31"): last day of the window
//
// Example: sanctions-kg query --name vessels_at_port -p port=Vostochny -p from=2023-08-01
// Neo4j Browser: :params {port: "port:rason", from: "2023-08-01", to: null}
MATCH (v:Vessel)-[c:CALLED_AT]->(port:Entity {id: $port})
WHERE ($from IS NULL OR c.date >= $from)
  AND ($to IS NULL OR c.date <= $to)
RETURN v.id AS vessel_id,
       v.name AS vessel,
       v.imo AS imo,
       c.date AS date,
       c.activity AS activity,
       c.articles AS articles
ORDER BY coalesce(c.date, '9999-12-31'), vessel
