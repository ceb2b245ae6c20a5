// name: same_imo_new_name
// Ships whose IMO number is reported under more than one name: a stated rename ("formerly
// known as", "f.k.a.", "ex-", "renamed") or two names for one hull across articles; the
// former names and every name reported, lower case.
//
// Parameters:
//   $imo (string, default null, example "9422108"): only the ship with this IMO number
//
// Example: sanctions-kg query --name same_imo_new_name
// Neo4j Browser: :param imo => null
MATCH (v:Vessel)
WHERE v.imo IS NOT NULL AND v.identity IS NOT NULL AND ($imo IS NULL OR v.imo = $imo)
WITH v, [x IN v.identity WHERE x CONTAINS '"field":"name"'] AS items
WITH v,
     [x IN items | toLower(split(split(x, '"value":"')[1], '"')[0])] AS names,
     [x IN items WHERE x CONTAINS '"status":"former"' | split(split(x, '"value":"')[1], '"')[0]] AS former
UNWIND names AS name
WITH v, former, collect(DISTINCT name) AS names
WHERE size(names) > 1
RETURN v.id AS id,
       v.imo AS imo,
       v.name AS name,
       former,
       names
ORDER BY imo
