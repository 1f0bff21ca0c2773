// Context layers: facts about a municipality that are not counts of reported issues and are never
// added to a category's figure. First, armed-group presence per municipality and year from the
// CEDE conflict panel (dummies FARC_, ELN_, AUC_, 1993–2013): 1 present, 0 not recorded as
// present. A year without a row is no data (the panel's flags end in 2013).
export const sql = `
CREATE TABLE armed_group_presence (
	municipality_code TEXT NOT NULL REFERENCES municipalities (code),
	year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2100),
	farc INTEGER NOT NULL CHECK (farc IN (0, 1)),
	eln INTEGER NOT NULL CHECK (eln IN (0, 1)),
	auc INTEGER NOT NULL CHECK (auc IN (0, 1)),
	PRIMARY KEY (municipality_code, year)
) STRICT, WITHOUT ROWID;

CREATE INDEX armed_group_presence_year ON armed_group_presence (year);
`;
