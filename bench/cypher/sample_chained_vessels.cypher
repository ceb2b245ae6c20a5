// Vessels at the foot of an ownership chain of at least two companies (deep reports).
MATCH (v:Vessel)-[:OWNED_BY]->(:Company)-[:OWNED_BY]->(:Company)
RETURN DISTINCT v.id AS id ORDER BY id
