// Planners' named scenarios for the priority index: the chosen categories and the weights, so a
// ranking can be reproduced and discussed later. The ranking itself is recomputed, never stored.
export const sql = `
CREATE TABLE priority_scenarios (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 80),
	-- JSON: {"categories": [...], "weights": {"rate:homicide": 2, ...}, "to": "YYYY-MM" | null}
	settings TEXT NOT NULL CHECK (json_valid(settings)),
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
`;
