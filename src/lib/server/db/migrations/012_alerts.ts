// Early warning (issue 16): the index the weekly rules read reports by day through, who
// acknowledged which alert, personal feed tokens, and the responses (commitments) to alerts.
// An alert is not stored: it is recomputed from the data; `alert_key` is
// category|level|code|period|rule (src/lib/server/alerts/service.ts alertKey), period a month
// (YYYY-MM) or an ISO week (YYYY-Www).
export const sql = `
CREATE INDEX reports_by_day ON reports (category, date, municipality_code, count)
	WHERE date_precision = 'day';

CREATE TABLE alert_acknowledgements (
	id INTEGER PRIMARY KEY,
	alert_key TEXT NOT NULL,
	category TEXT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('municipality', 'department')),
	code TEXT NOT NULL,
	month TEXT NOT NULL,
	period TEXT NOT NULL,
	rule TEXT NOT NULL,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	acknowledged_at TEXT NOT NULL,
	note TEXT CHECK (note IS NULL OR length(note) <= 500),
	UNIQUE (alert_key, user_id)
) STRICT;
CREATE INDEX alert_acknowledgements_month ON alert_acknowledgements (category, level, month);

-- A personal, revocable feed URL: only the SHA-256 of the token is kept, as for sessions.
CREATE TABLE alert_feed_tokens (
	token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	-- JSON array of categories, and the level, the feed lists.
	categories TEXT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('municipality', 'department')),
	created_at TEXT NOT NULL,
	last_used_at TEXT
) STRICT;
CREATE INDEX alert_feed_tokens_user ON alert_feed_tokens (user_id);

-- The loop: an alert answered by a commitment, either an existing one from a dialogue
-- (commitment_id) or one made for the alert (institution, action, due date of its own).
CREATE TABLE alert_responses (
	id INTEGER PRIMARY KEY,
	alert_key TEXT NOT NULL,
	category TEXT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('municipality', 'department')),
	code TEXT NOT NULL,
	month TEXT NOT NULL,
	period TEXT NOT NULL,
	rule TEXT NOT NULL,
	commitment_id INTEGER REFERENCES commitments (id) ON DELETE CASCADE,
	institution TEXT,
	action TEXT,
	due_date TEXT,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done')),
	done_on TEXT,
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TEXT NOT NULL,
	CHECK (commitment_id IS NOT NULL OR (institution IS NOT NULL AND action IS NOT NULL))
) STRICT;
CREATE INDEX alert_responses_key ON alert_responses (alert_key);
CREATE INDEX alert_responses_commitment ON alert_responses (commitment_id);
`;
