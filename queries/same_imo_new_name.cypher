// name: same_imo_new_name
// Ships whose IMO number is reported under more than one name: a stated rename ("formerly
// known as", "f.k.a.", "ex-", "renamed"), two names for one hull across articles, or the names
// a sanctions list gives it (its name, a.k.a., f.k.a., n.k.a.); the former names (stated by an
// article or a list), the names lists give, and every name reported, lower case. The report's
// identity timeline dates each.
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
     [x IN items WHERE x CONTAINS '"status":"former"' | split(split(x, '"value":"')[1], '"')[0]] AS former,
     [x IN items WHERE x CONTAINS '"method":"list"' | split(split(x, '"value":"')[1], '"')[0]] AS listed
UNWIND names AS name
WITH v, former, listed, collect(DISTINCT name) AS names
WHERE size(names) > 1
RETURN v.id AS id,
       v.imo AS imo,
       v.name AS name,
       // Of two spellings of one former name, the one not in capitals (a list's), whatever the order.
       reduce(kept = [], x IN former | CASE WHEN NOT toLower(x) IN [k IN kept | toLower(k)] THEN kept + x
              ELSE [k IN kept | CASE WHEN toLower(k) = toLower(x) AND k = toUpper(k) AND x <> toUpper(x) THEN x ELSE k END] END) AS former,
       reduce(kept = [], x IN listed | CASE WHEN x IN kept THEN kept ELSE kept + x END) AS listed,
       names
ORDER BY imo
