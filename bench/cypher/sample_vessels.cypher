// Every vessel id, in order: the pool query_bench samples from with a fixed seed.
MATCH (v:Vessel) RETURN v.id AS id ORDER BY id
