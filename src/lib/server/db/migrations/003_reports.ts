// Reported security issues, the import batches they came from, their monthly rollup and the
// municipal population by year used for rates.
export const sql = `
CREATE TABLE import_batches (
	id INTEGER PRIMARY KEY,
	source TEXT NOT NULL,
	-- The mapping that read the file (data/mappings/<id>.json or an uploaded one).
	mapping_id TEXT NOT NULL,
	file_name TEXT NOT NULL,
	file_sha256 TEXT NOT NULL,
	attribution TEXT NOT NULL,
	rows_read INTEGER NOT NULL,
	rows_inserted INTEGER NOT NULL,
	-- Rows whose source reference was already stored (a re-import adds nothing).
	rows_duplicate INTEGER NOT NULL,
	-- Rows left out with --skip-invalid.
	rows_rejected INTEGER NOT NULL,
	-- Rows whose point lies outside the municipality the row states (kept in the stated one).
	rows_point_outside INTEGER NOT NULL DEFAULT 0,
	-- The categories of its reports, as a JSON array (for attributions without scanning reports).
	categories TEXT NOT NULL DEFAULT '[]',
	imported_at TEXT NOT NULL,
	imported_by INTEGER REFERENCES users (id) ON DELETE SET NULL
) STRICT;

CREATE TABLE reports (
	id INTEGER PRIMARY KEY,
	batch_id INTEGER NOT NULL REFERENCES import_batches (id) ON DELETE CASCADE,
	source TEXT NOT NULL,
	-- Unique per source: an id from the file, or a digest of the row's content and its occurrence.
	source_ref TEXT NOT NULL,
	category TEXT NOT NULL,
	municipality_code TEXT NOT NULL REFERENCES municipalities (code),
	-- YYYY-MM-DD, or YYYY-MM when only the month is known, or YYYY for yearly figures.
	date TEXT NOT NULL,
	month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
	date_precision TEXT NOT NULL CHECK (date_precision IN ('day', 'month', 'year')),
	lon REAL,
	lat REAL,
	-- How exact the point is: 'exact', 'populated-centre', 'municipality' (a reference point).
	point_precision TEXT,
	point_outside INTEGER NOT NULL DEFAULT 0 CHECK (point_outside IN (0, 1)),
	count REAL NOT NULL CHECK (count >= 0),
	attributes TEXT,
	UNIQUE (source, source_ref)
) STRICT;
CREATE INDEX reports_batch ON reports (batch_id);
CREATE INDEX reports_point ON reports (category, month) WHERE lon IS NOT NULL;

-- Municipality x category x month, kept in step with imports and batch deletions.
CREATE TABLE report_rollup (
	category TEXT NOT NULL,
	month TEXT NOT NULL,
	municipality_code TEXT NOT NULL,
	count REAL NOT NULL,
	reports INTEGER NOT NULL,
	PRIMARY KEY (category, month, municipality_code)
) STRICT, WITHOUT ROWID;

-- DANE population estimates at 30 June, by municipality and year.
CREATE TABLE population (
	municipality_code TEXT NOT NULL REFERENCES municipalities (code),
	year INTEGER NOT NULL,
	population INTEGER NOT NULL CHECK (population >= 0),
	PRIMARY KEY (municipality_code, year)
) STRICT, WITHOUT ROWID;
`;
