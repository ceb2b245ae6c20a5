// Every company id, in order: the pool query_bench samples from with a fixed seed.
MATCH (c:Company) RETURN c.id AS id ORDER BY id
