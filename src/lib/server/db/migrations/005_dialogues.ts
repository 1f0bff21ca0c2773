// Dialogues (programme meetings of communities, institutions and public forces), their prevention
// booklets and the institutions' commitments. Unknown dates and places stay NULL, never invented.
export const sql = `
CREATE TABLE dialogues (
	id INTEGER PRIMARY KEY,
	programme TEXT NOT NULL,
	title TEXT NOT NULL,
	municipality_code TEXT NOT NULL REFERENCES municipalities (code),
	-- The meeting place when known; NULL: drawn at the municipality's representative point.
	lon REAL,
	lat REAL,
	-- A sensitive meeting's place is never published, even when known.
	place_sensitive INTEGER NOT NULL DEFAULT 1 CHECK (place_sensitive IN (0, 1)),
	-- YYYY-MM-DD, or YYYY when only the year is known.
	date TEXT,
	year INTEGER NOT NULL,
	participants_community INTEGER,
	participants_institutions INTEGER,
	participants_public_force INTEGER,
	participants_women INTEGER,
	participants_men INTEGER,
	summary TEXT,
	source TEXT NOT NULL,
	UNIQUE (programme, municipality_code, year, title)
) STRICT;

CREATE TABLE dialogue_issues (
	dialogue_id INTEGER NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
	category TEXT NOT NULL,
	rank INTEGER NOT NULL,
	PRIMARY KEY (dialogue_id, category)
) STRICT, WITHOUT ROWID;

CREATE TABLE booklets (
	id INTEGER PRIMARY KEY,
	dialogue_id INTEGER REFERENCES dialogues (id) ON DELETE SET NULL,
	municipality_code TEXT NOT NULL REFERENCES municipalities (code),
	problem TEXT NOT NULL,
	-- JSON array of the prevention steps, in order.
	steps TEXT NOT NULL DEFAULT '[]',
	resources TEXT
) STRICT;

CREATE TABLE commitments (
	id INTEGER PRIMARY KEY,
	dialogue_id INTEGER NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
	institution TEXT NOT NULL,
	action TEXT NOT NULL,
	due_date TEXT,
	-- 'overdue' is never stored: it is derived from the due date (src/lib/domain/commitments.ts).
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done'))
) STRICT;

CREATE TABLE commitment_notes (
	id INTEGER PRIMARY KEY,
	commitment_id INTEGER NOT NULL REFERENCES commitments (id) ON DELETE CASCADE,
	noted_on TEXT NOT NULL,
	note TEXT NOT NULL
) STRICT;
`;
