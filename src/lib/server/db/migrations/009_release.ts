// The public release (docs/disclosure.md): every figure the public sees is a cell of one versioned,
// jointly protected release, built in the background after the data change and kept here so that
// a restart serves it at once.
//
// release_batch_cells: per import batch, the true total and the sum of the reports' record keys
// (mod 256, the cell-key method) of each category × municipality × month. Computed once per batch
// by the builder (a batch's reports never change) and dropped with the batch, so a rebuild after
// an edit elsewhere does not read millions of reports again.
//
// The triggers bump `public_facts_version` on every write to what the public pages show besides
// reports (dialogues, booklets, commitments, the survey panel, populations, places), whoever
// writes it: the builder compares it, with the reports version, to the release's sources.
const FACT_TABLES = [
	'dialogues',
	'dialogue_issues',
	'booklets',
	'commitments',
	'survey_respondents',
	'survey_answers',
	'population',
	'municipalities',
	'departments',
	'municipality_neighbours'
];

const triggers = FACT_TABLES.flatMap((table) =>
	['INSERT', 'UPDATE', 'DELETE'].map(
		(event) => `CREATE TRIGGER release_facts_${table}_${event.toLowerCase()} AFTER ${event} ON ${table}
BEGIN
	UPDATE dataset_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'public_facts_version';
END;`
	)
).join('\n');

export const sql = `
CREATE TABLE release_batch_cells (
	batch_id INTEGER NOT NULL REFERENCES import_batches (id) ON DELETE CASCADE,
	category TEXT NOT NULL,
	municipality_code TEXT NOT NULL,
	-- Months as integers: year × 12 + month − 1.
	month INTEGER NOT NULL,
	total REAL NOT NULL,
	key_sum INTEGER NOT NULL CHECK (key_sum BETWEEN 0 AND 255),
	PRIMARY KEY (batch_id, category, municipality_code, month)
) STRICT, WITHOUT ROWID;

-- Batches whose cells are stored (a batch of zero reports has no cells, but is done).
CREATE TABLE release_batches (
	batch_id INTEGER PRIMARY KEY REFERENCES import_batches (id) ON DELETE CASCADE,
	cells INTEGER NOT NULL
) STRICT;

-- The current release: its version, when it was built, the data versions it was built from, and
-- everything but the cells as JSON; the cells of each category as one little-endian typed array.
CREATE TABLE releases (
	version INTEGER PRIMARY KEY,
	built_at TEXT NOT NULL,
	sources TEXT NOT NULL,
	facts TEXT NOT NULL
) STRICT;

CREATE TABLE release_cells (
	id INTEGER PRIMARY KEY,
	version INTEGER NOT NULL REFERENCES releases (version) ON DELETE CASCADE,
	category TEXT NOT NULL,
	cells BLOB NOT NULL,
	UNIQUE (version, category)
) STRICT;

INSERT OR IGNORE INTO dataset_meta (key, value) VALUES ('public_facts_version', '0');
${triggers}
`;
