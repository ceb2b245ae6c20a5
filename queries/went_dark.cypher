// name: went_dark
// Vessels reported to have gone dark (AIS transponder switched off), with the reports.
//
// Parameters: none
//
// Example: sanctions-kg query --name went_dark
// Decode: evidence
MATCH (v:Vessel)
WHERE size(coalesce(v.ais_dark, [])) > 0
OPTIONAL MATCH (v)-[:SANCTIONED_BY]->(by:Entity)
RETURN v.id AS vessel_id,
       v.name AS vessel,
       v.imo AS imo,
       size(v.ais_dark) AS reports,
       collect(DISTINCT by.name) AS sanctioned_by,
       v.ais_dark AS evidence
ORDER BY reports DESC, vessel
