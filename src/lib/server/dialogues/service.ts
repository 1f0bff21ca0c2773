import { commitmentStatus, type StoredStatus } from '$lib/domain/commitments';
import { csvLine } from '$lib/domain/csv';
import type {
	BookletInput,
	BookletView,
	CommitmentFilter,
	CommitmentInput,
	CommitmentUpdate,
	CommitmentView,
	DialogueFilter,
	DialogueInput,
	DialogueView
} from '$lib/schemas/dialogues';
import { unknownMunicipalityMessage, type ValidationLocale } from '$lib/schemas/validation';
import { audit } from '../auth/audit';
import { statement } from '../db/statements';
import { ServiceError } from '../errors';
import { scopeOf } from '../scope';
import type { ServiceDeps } from '../services';
import type { Viewer } from '../viewer';
import { PROGRAMMES } from './seed';
import { insertBooklet, insertCommitment, insertDialogue, updateDialogue } from './store';

/**
 * Community dialogues, the commitments institutions made in them, prevention booklets, and the
 * public prevention page of a municipality. The public gets public fields only: programme,
 * title, municipality, year, the issues discussed; never a meeting place marked sensitive, never
 * names. Recording is for admins and planners; every write runs in one transaction with its
 * audit entry, so a change is never stored without its record (or the reverse).
 */

type DialogueRow = {
	id: number;
	programme: DialogueView['programme'];
	title: string;
	code: string;
	name: string;
	departmentName: string;
	year: number;
	date: string | null;
	lon: number | null;
	lat: number | null;
	placeSensitive: number;
	summary: string | null;
	pointLon: number;
	pointLat: number;
	issues: string;
};

type CommitmentRow = Omit<CommitmentView, 'status' | 'alerts'> & { stored: StoredStatus; alerts: string };

const EDITORS = ['admin', 'planner'] as const;

/** Today as YYYY-MM-DD (UTC), the date overdue commitments are derived against. */
const today = () => new Date().toISOString().slice(0, 10);

const CSV_HEADER = csvLine([
	'id',
	'municipality',
	'municipality_name',
	'dialogue',
	'institution',
	'action',
	'due_date',
	'status'
]);

export function createDialogueService({ db, release }: ServiceDeps) {
	/** The API and the page check the role first; checked again here so that no caller can skip it. */
	const assertEditor = (viewer: Viewer) => {
		const role = viewer.user?.role;
		if (!role || !(EDITORS as readonly string[]).includes(role)) {
			throw new ServiceError('forbidden', 'Only admins and planners record dialogues');
		}
	};

	/** A 400 naming the field, as the form shows it, for a well-formed but unknown code. */
	const assertKnownMunicipality = (code: string, locale: ValidationLocale) => {
		if (statement(db, 'SELECT 1 FROM municipalities WHERE code = ?').get(code)) return;
		const message = unknownMunicipalityMessage(code, locale);
		throw new ServiceError('invalid_request', `municipality: ${message}`, { municipality: message });
	};

	const assertDialogue = (id: number) => {
		if (!statement(db, 'SELECT 1 FROM dialogues WHERE id = ?').get(id)) {
			throw new ServiceError('not_found', `No dialogue ${id}`);
		}
	};

	const dialogueRows = (filter: DialogueFilter) =>
		statement(
			db,
			`SELECT d.id, d.programme, d.title, d.municipality_code AS code, m.name, dep.name AS departmentName, d.year, d.date,
				d.lon, d.lat, d.place_sensitive AS placeSensitive, d.summary, m.point_lon AS pointLon, m.point_lat AS pointLat,
				(SELECT json_group_array(category) FROM (SELECT category FROM dialogue_issues WHERE dialogue_id = d.id ORDER BY rank)) AS issues
			 FROM dialogues d JOIN municipalities m ON m.code = d.municipality_code JOIN departments dep ON dep.code = m.department_code
			 WHERE (@year IS NULL OR d.year = @year) AND (@municipality IS NULL OR d.municipality_code = @municipality)
			   AND (@programme IS NULL OR d.programme = @programme)
			 ORDER BY d.year DESC, m.name`
		).all({
			year: filter.year ?? null,
			municipality: filter.municipality ?? null,
			programme: filter.programme ?? null
		}) as DialogueRow[];

	/**
	 * `restricted`: the viewer may see this dialogue's sensitive place and its summary — admins and
	 * planners everywhere, a provider inside its jurisdiction only, the public never.
	 */
	const shape = (d: DialogueRow, restricted: boolean): DialogueView => ({
		id: d.id,
		programme: d.programme,
		title: d.title,
		municipality: {
			code: d.code,
			name: d.name,
			department: d.departmentName,
			point: [d.pointLon, d.pointLat]
		},
		year: d.year,
		date: d.date,
		// The place is published only when it is known and not sensitive; otherwise the municipality's point is used.
		place:
			d.lon !== null && d.lat !== null && (restricted || !d.placeSensitive)
				? { lon: d.lon, lat: d.lat }
				: null,
		issues: JSON.parse(d.issues) as string[],
		...(restricted ? { summary: d.summary } : {})
	});

	/** Commitments inside the viewer's scope (the jurisdiction clause of auth/jurisdiction.ts). */
	const commitmentRows = (viewer: Viewer, filter: CommitmentFilter): CommitmentView[] => {
		const on = today();
		const rows = statement(
			db,
			`SELECT c.id, c.institution, c.action, c.due_date AS dueDate, c.status AS stored, d.id AS dialogueId, d.title,
				d.municipality_code AS code, m.name,
				-- The early-warning alerts it answers (src/lib/server/alerts), as a JSON array.
				(SELECT json_group_array(json_object('key', r.alert_key, 'category', r.category, 'level', r.level,
				   'month', r.month)) FROM alert_responses r WHERE r.commitment_id = c.id) AS alerts
			 FROM commitments c JOIN dialogues d ON d.id = c.dialogue_id JOIN municipalities m ON m.code = d.municipality_code
			 WHERE (@institution IS NULL OR c.institution = @institution) AND (@municipality IS NULL OR d.municipality_code = @municipality)
			   AND (@unrestricted = 1
			        OR substr(d.municipality_code, 1, 2) IN (SELECT value FROM json_each(@departments))
			        OR d.municipality_code IN (SELECT value FROM json_each(@municipalities)))
			 ORDER BY c.due_date IS NULL, c.due_date, c.id`
		).all({
			institution: filter.institution ?? null,
			municipality: filter.municipality ?? null,
			...scopeOf(viewer).sqlParams
		}) as CommitmentRow[];
		return rows
			.map(({ stored, alerts, ...r }) => ({
				...r,
				status: commitmentStatus(stored, r.dueDate, on),
				alerts: JSON.parse(alerts) as CommitmentView['alerts']
			}))
			.filter((r) => !filter.status || r.status === filter.status);
	};

	const asDialogue = (input: DialogueInput) => ({ ...input, year: Number(input.date.slice(0, 4)) });

	return {
		programmes() {
			return PROGRAMMES;
		},

		/** Every dialogue's public fields; its sensitive place and summary only inside the viewer's scope. */
		list(viewer: Viewer, filter: DialogueFilter = {}): DialogueView[] {
			const scope = scopeOf(viewer);
			return dialogueRows(filter).map((d) => shape(d, !scope.isPublic && scope.includesMunicipality(d.code)));
		},

		create(viewer: Viewer, input: DialogueInput, locale: ValidationLocale): { id: number } {
			assertEditor(viewer);
			assertKnownMunicipality(input.municipality, locale);
			return db.transaction(() => {
				const id = insertDialogue(db, asDialogue(input), 'resiliencia');
				if (id === null) {
					throw new ServiceError(
						'conflict',
						'A dialogue with this programme, municipality, year and title is already stored'
					);
				}
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'dialogues.create',
					target: `dialogue:${id}`,
					details: { municipality: input.municipality }
				});
				return { id };
			})();
		},

		update(viewer: Viewer, id: number, input: DialogueInput, locale: ValidationLocale): { id: number } {
			assertEditor(viewer);
			assertKnownMunicipality(input.municipality, locale);
			db.transaction(() => {
				let updated: boolean;
				try {
					updated = updateDialogue(db, id, asDialogue(input));
				} catch (error) {
					if (String(error).includes('UNIQUE')) {
						throw new ServiceError(
							'conflict',
							'Another dialogue with this programme, municipality, year and title is already stored'
						);
					}
					throw error;
				}
				if (!updated) throw new ServiceError('not_found', `No dialogue ${id}`);
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'dialogues.update',
					target: `dialogue:${id}`,
					details: { municipality: input.municipality }
				});
			})();
			return { id };
		},

		/** Its commitments go with it (ON DELETE CASCADE); its booklets stay, unlinked. */
		remove(viewer: Viewer, id: number): { deleted: number } {
			assertEditor(viewer);
			db.transaction(() => {
				const row = statement(
					db,
					'DELETE FROM dialogues WHERE id = ? RETURNING title, municipality_code AS code'
				).get(id) as { title: string; code: string } | undefined;
				if (!row) throw new ServiceError('not_found', `No dialogue ${id}`);
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'dialogues.delete',
					target: `dialogue:${id}`,
					details: { title: row.title, municipality: row.code }
				});
			})();
			return { deleted: id };
		},

		addCommitment(viewer: Viewer, dialogueId: number, input: CommitmentInput): { id: number } {
			assertEditor(viewer);
			return db.transaction(() => {
				assertDialogue(dialogueId);
				const id = insertCommitment(db, dialogueId, input);
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'commitments.create',
					target: `commitment:${id}`,
					details: { dialogue: dialogueId }
				});
				return { id };
			})();
		},

		/** A new stored status, with a follow-up note dated today when one is given. */
		updateCommitment(
			viewer: Viewer,
			id: number,
			input: CommitmentUpdate
		): { id: number; status: CommitmentUpdate['status'] } {
			assertEditor(viewer);
			db.transaction(() => {
				const changed = statement(db, 'UPDATE commitments SET status = ? WHERE id = ?').run(
					input.status,
					id
				).changes;
				if (changed === 0) throw new ServiceError('not_found', `No commitment ${id}`);
				// The alerts it answers (src/lib/server/alerts) keep the day it was done, for "on time".
				statement(
					db,
					`UPDATE alert_responses SET status = :status,
					   done_on = CASE WHEN :status = 'done' THEN coalesce(done_on, :today) ELSE NULL END
					 WHERE commitment_id = :id`
				).run({ status: input.status, today: today(), id });
				if (input.note) {
					statement(db, 'INSERT INTO commitment_notes (commitment_id, noted_on, note) VALUES (?, ?, ?)').run(
						id,
						today(),
						input.note
					);
				}
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'commitments.update',
					target: `commitment:${id}`,
					details: { status: input.status }
				});
			})();
			return { id, status: input.status };
		},

		addBooklet(viewer: Viewer, input: BookletInput, locale: ValidationLocale): { id: number } {
			assertEditor(viewer);
			assertKnownMunicipality(input.municipality, locale);
			return db.transaction(() => {
				if (input.dialogueId !== null) assertDialogue(input.dialogueId);
				const id = insertBooklet(db, input);
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'booklets.create',
					target: `booklet:${id}`,
					details: { municipality: input.municipality }
				});
				return { id };
			})();
		},

		/** Every booklet, newest first. Their contents are public (the prevention page shows them). */
		booklets(_viewer: Viewer): BookletView[] {
			const rows = statement(
				db,
				`SELECT b.id, b.dialogue_id AS dialogueId, b.municipality_code AS code, m.name, b.problem, b.steps, b.resources
				 FROM booklets b JOIN municipalities m ON m.code = b.municipality_code ORDER BY b.id DESC`
			).all() as {
				id: number;
				dialogueId: number | null;
				code: string;
				name: string;
				problem: string;
				steps: string;
				resources: string | null;
			}[];
			return rows.map((b) => ({
				id: b.id,
				dialogueId: b.dialogueId,
				municipality: { code: b.code, name: b.name },
				problem: b.problem,
				steps: JSON.parse(b.steps) as string[],
				resources: b.resources
			}));
		},

		/** Commitments with their derived status (overdue from the due date), within the viewer's scope. */
		commitments(viewer: Viewer, filter: CommitmentFilter = {}): CommitmentView[] {
			return commitmentRows(viewer, filter);
		},

		/** The same rows as CSV for a spreadsheet (formula injection escaped, domain/csv.ts); audited. */
		commitmentsCsv(viewer: Viewer, filter: CommitmentFilter = {}): string {
			const rows = commitmentRows(viewer, filter);
			audit(db, {
				actor: viewer.actor,
				ip: viewer.ip,
				action: 'commitments.export',
				target: 'commitments',
				details: { rows: rows.length }
			});
			return (
				CSV_HEADER +
				rows
					.map((r) => csvLine([r.id, r.code, r.name, r.title, r.institution, r.action, r.dueDate, r.status]))
					.join('')
			);
		},

		/**
		 * A municipality's public prevention page: its issues, dialogues, latest official figures,
		 * booklets and how many commitments are done, as the public release published them
		 * (src/lib/server/release/prevention.ts). The same for every viewer: it is built for the public.
		 */
		prevention(_viewer: Viewer, code: string) {
			return release.prevention(code);
		}
	};
}

export type DialogueService = ReturnType<typeof createDialogueService>;
