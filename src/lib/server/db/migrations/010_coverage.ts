// What each imported source covers (domain/coverage.ts SourceCoverage, as JSON), copied from its
// mapping at import time so that an uploaded mapping's coverage outlives the upload. NULL: the
// mapping declared none (batches from before this version read their shipped mapping's).
export const sql = `
ALTER TABLE import_batches ADD COLUMN coverage TEXT;
`;
