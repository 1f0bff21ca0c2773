// Departments and municipalities from the DANE MGN boundaries (loaded by `npm run geo:build`).
// DIVIPOLA codes are TEXT so that leading zeros survive ('05001').
export const sql = `
CREATE TABLE departments (
	code TEXT PRIMARY KEY CHECK (length(code) = 2 AND code GLOB '[0-9][0-9]'),
	name TEXT NOT NULL,
	population_2018 INTEGER NOT NULL CHECK (population_2018 >= 0),
	area_km2 REAL NOT NULL CHECK (area_km2 > 0),
	point_lon REAL NOT NULL,
	point_lat REAL NOT NULL,
	bbox_west REAL NOT NULL,
	bbox_south REAL NOT NULL,
	bbox_east REAL NOT NULL,
	bbox_north REAL NOT NULL
) STRICT;

CREATE TABLE municipalities (
	code TEXT PRIMARY KEY CHECK (length(code) = 5 AND code GLOB '[0-9][0-9][0-9][0-9][0-9]'),
	name TEXT NOT NULL,
	official_name TEXT NOT NULL,
	department_code TEXT NOT NULL REFERENCES departments (code),
	population_2018 INTEGER NOT NULL CHECK (population_2018 >= 0),
	households_2018 INTEGER,
	area_km2 REAL NOT NULL CHECK (area_km2 > 0),
	point_lon REAL NOT NULL,
	point_lat REAL NOT NULL,
	bbox_west REAL NOT NULL,
	bbox_south REAL NOT NULL,
	bbox_east REAL NOT NULL,
	bbox_north REAL NOT NULL,
	-- No queen-contiguity neighbour (San Andrés, Providencia): spatial weights must treat them apart.
	is_island INTEGER NOT NULL DEFAULT 0 CHECK (is_island IN (0, 1))
) STRICT;
CREATE INDEX municipalities_department ON municipalities (department_code);

-- Queen contiguity (sharing an edge or a single vertex), stored in both directions.
CREATE TABLE municipality_neighbours (
	code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
	neighbour_code TEXT NOT NULL REFERENCES municipalities (code) ON DELETE CASCADE,
	shares_edge INTEGER NOT NULL CHECK (shares_edge IN (0, 1)),
	PRIMARY KEY (code, neighbour_code),
	CHECK (code <> neighbour_code)
) STRICT, WITHOUT ROWID;

-- Key/value facts about loaded data (boundary source and its hash, data version).
CREATE TABLE dataset_meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;
`;
