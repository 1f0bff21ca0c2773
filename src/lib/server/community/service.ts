import { parse } from 'csv-parse/sync';
import { categoryById, type CategoryId } from '$lib/domain/categories';
import { flagKinds, looksPersonal, type PersonalFlag } from '$lib/domain/community/personal';
import {
	canMove,
	COMMUNITY_SOURCE_LABEL,
	isFutureDate,
	parseCommunityDate,
	type CommunityState
} from '$lib/domain/community/report';
import {
	CommunityReportInput,
	type CommunityFiguresQuery,
	type CommunityReportQuery,
	type CommunityReportView
} from '$lib/schemas/community';
import type { Role } from '$lib/schemas/users';
import { unknownMunicipalityMessage, type ValidationLocale } from '$lib/schemas/validation';
import { audit } from '../auth/audit';
import { communityFilter, inJurisdiction, jurisdictionParams } from '../auth/jurisdiction';
import { statement } from '../db/statements';
import { ServiceError } from '../errors';
import { sniffDelimiter } from '../import/source-file';
import type { ServiceDeps } from '../services';
import type { Viewer } from '../viewer';

/**
 * Community reports (issue 18, part 2): what a community or a dialogue reports, recorded by a
 * reporter (scoped to its municipalities) or a planner, verified or rejected by a planner.
 *
 * - Who: reporters record and read the reports of their jurisdiction only (a report elsewhere is
 *   404, as if it did not exist); planners and admins everywhere, and only they verify or reject,
 *   never a report they recorded themselves.
 * - What counts: verified reports only, as a source of their own ("reportes comunitarios"), in
 *   their own table: never in `reports` nor its rollup, so no official figure ever includes them.
 *   `figures` gives exact counts to planners and admins, to providers and reporters inside their
 *   jurisdiction; the public gets them from the public release only (release/community.ts).
 * - Descriptions are never public, and looksPersonal (domain/community/personal.ts) must find no
 *   name, phone number or e-mail in one unless the person confirms (`personal_data`, 422).
 * - Every change is audited in its transaction: the facts, never the description.
 */

/** The roles that record community reports. */
const RECORDERS: readonly Role[] = ['admin', 'planner', 'reporter'];
/** The roles that verify or reject them. */
const REVIEWERS: readonly Role[] = ['admin', 'planner'];
/** The roles that read exact community figures (providers and reporters: their jurisdiction). */
const FIGURE_READERS: readonly Role[] = ['admin', 'planner', 'provider', 'reporter'];

/** Largest CSV import: rows, like the import service bounds a file before reading it whole. */
export const MAX_IMPORT_ROWS = 2_000;

export const IMPORT_COLUMNS = [
	'municipality',
	'category',
	'date',
	'count',
	'source',
	'dialogue_id',
	'lon',
	'lat',
	'place_sensitive',
	'description',
	'confirm_personal'
] as const;

type Row = {
	id: number;
	code: string;
	name: string;
	category: string;
	date: string;
	datePrecision: CommunityReportView['datePrecision'];
	count: number;
	source: CommunityReportView['source'];
	dialogueId: number | null;
	dialogueTitle: string | null;
	lon: number | null;
	lat: number | null;
	placeSensitive: number;
	description: string;
	personalFlags: string;
	state: CommunityState;
	verifiedBy: string | null;
	verifiedAt: string | null;
	rejectedBy: string | null;
	rejectedAt: string | null;
	rejectedReason: string | null;
	createdById: number | null;
	createdBy: string | null;
	createdAt: string;
};

const SELECT = `SELECT r.id, r.municipality_code AS code, m.name, r.category, r.date, r.date_precision AS datePrecision,
		r.count, r.source, r.dialogue_id AS dialogueId, d.title AS dialogueTitle, r.lon, r.lat,
		r.place_sensitive AS placeSensitive, r.description, r.personal_flags AS personalFlags, r.state,
		v.email AS verifiedBy, r.verified_at AS verifiedAt, x.email AS rejectedBy, r.rejected_at AS rejectedAt,
		r.rejected_reason AS rejectedReason, r.created_by AS createdById, c.email AS createdBy, r.created_at AS createdAt
	FROM community_reports r
	JOIN municipalities m ON m.code = r.municipality_code
	LEFT JOIN dialogues d ON d.id = r.dialogue_id
	LEFT JOIN users v ON v.id = r.verified_by
	LEFT JOIN users x ON x.id = r.rejected_by
	LEFT JOIN users c ON c.id = r.created_by`;

/** The standard jurisdiction clause (auth/jurisdiction.ts) on `r.municipality_code`. */
const IN_SCOPE = `(@unrestricted = 1
	OR substr(r.municipality_code, 1, 2) IN (SELECT value FROM json_each(@departments))
	OR r.municipality_code IN (SELECT value FROM json_each(@municipalities)))`;

export type CommunityRowProblem = { row: number; field: string; message: string };

export function createCommunityService({ db, release }: ServiceDeps) {
	const roleOf = (viewer: Viewer) => viewer.user?.role ?? null;

	function assertRole(viewer: Viewer, roles: readonly Role[], what: string): void {
		const role = roleOf(viewer);
		if (!role || !roles.includes(role))
			throw new ServiceError('forbidden', `The ${role ?? 'public'} may not ${what}`);
	}

	const filterOf = (viewer: Viewer) => communityFilter(viewer.user);

	function view(row: Row, viewer: Viewer): CommunityReportView {
		const role = roleOf(viewer);
		return {
			id: row.id,
			municipality: { code: row.code, name: row.name },
			category: row.category,
			date: row.date,
			datePrecision: row.datePrecision,
			count: row.count,
			source: row.source,
			dialogue: row.dialogueId !== null ? { id: row.dialogueId, title: row.dialogueTitle ?? '' } : null,
			place: row.lon !== null && row.lat !== null ? { lon: row.lon, lat: row.lat } : null,
			placeSensitive: row.placeSensitive === 1,
			description: row.description,
			personalFlags: JSON.parse(row.personalFlags) as string[],
			state: row.state,
			verifiedBy: row.verifiedBy,
			verifiedAt: row.verifiedAt,
			rejectedBy: row.rejectedBy,
			rejectedAt: row.rejectedAt,
			rejectedReason: row.rejectedReason,
			createdBy: row.createdBy,
			createdAt: row.createdAt,
			canReview:
				role !== null &&
				REVIEWERS.includes(role) &&
				row.createdById !== viewer.user?.id &&
				(row.state === 'received' || row.state === 'verified')
		};
	}

	/** A report the viewer may read, or 404 (a report outside its scope does not exist for it). */
	function rowFor(viewer: Viewer, id: number): Row {
		const row = statement(db, `${SELECT} WHERE r.id = ?`).get(id) as Row | undefined;
		if (!row || !inJurisdiction(filterOf(viewer), row.code)) {
			throw new ServiceError('not_found', `No community report ${id}`);
		}
		return row;
	}

	/**
	 * Every check of one report that needs the database or the caller, after the schema: the
	 * municipality exists and is inside the caller's scope, the date is not after today, the
	 * dialogue is one of that municipality, the place lies in its bounding box, and no name, phone
	 * number or e-mail is in the description unless confirmed. Problems by field, in English (the
	 * API's language; the form localises them).
	 */
	function problemsOf(
		viewer: Viewer,
		input: CommunityReportInput,
		today: string,
		locale: ValidationLocale
	): { problems: Record<string, string>; flags: PersonalFlag[] } {
		const problems: Record<string, string> = {};
		const municipality = statement(
			db,
			'SELECT code, bbox_west AS w, bbox_south AS s, bbox_east AS e, bbox_north AS n FROM municipalities WHERE code = ?'
		).get(input.municipality) as { code: string; w: number; s: number; e: number; n: number } | undefined;
		if (!municipality) problems.municipality = unknownMunicipalityMessage(input.municipality, locale);
		else if (!inJurisdiction(filterOf(viewer), input.municipality)) {
			problems.municipality = 'outside your jurisdiction';
		}
		if (isFutureDate(input.date, today)) problems.date = 'a date after today';
		if (input.dialogueId !== null) {
			const dialogue = statement(db, 'SELECT municipality_code AS code FROM dialogues WHERE id = ?').get(
				input.dialogueId
			) as { code: string } | undefined;
			if (!dialogue) problems.dialogueId = 'no such dialogue';
			else if (dialogue.code !== input.municipality)
				problems.dialogueId = 'a dialogue of another municipality';
		}
		if (input.place && municipality) {
			const { lon, lat } = input.place;
			if (lon < municipality.w || lon > municipality.e || lat < municipality.s || lat > municipality.n) {
				problems.place = 'the place lies outside the municipality';
			}
		}
		const flags = looksPersonal(input.description);
		if (flags.length > 0 && !input.confirmPersonal) {
			problems.description = 'looks like it names or reaches a person: remove it, or confirm';
		}
		return { problems, flags };
	}

	const insert = () =>
		statement(
			db,
			`INSERT INTO community_reports (municipality_code, category, date, date_precision, month, count, source,
				dialogue_id, lon, lat, place_sensitive, description, personal_flags, created_by)
			 VALUES (@municipality, @category, @date, @precision, @month, @count, @source, @dialogueId, @lon, @lat,
				@placeSensitive, @description, @flags, @createdBy)`
		);

	function store(viewer: Viewer, input: CommunityReportInput, flags: PersonalFlag[]): number {
		const parsed = parseCommunityDate(input.date)!;
		return Number(
			insert().run({
				municipality: input.municipality,
				category: input.category,
				date: parsed.date,
				precision: parsed.precision,
				month: parsed.month,
				count: input.count,
				source: input.source,
				dialogueId: input.dialogueId,
				lon: input.place?.lon ?? null,
				lat: input.place?.lat ?? null,
				placeSensitive: input.placeSensitive ? 1 : 0,
				description: input.description,
				flags: JSON.stringify(flagKinds(flags)),
				createdBy: viewer.user && viewer.user.id > 0 ? viewer.user.id : null
			}).lastInsertRowid
		);
	}

	return {
		/**
		 * What a description looks like it reveals, for the form's warning before saving (the API
		 * answers the same flags when it refuses an unconfirmed one).
		 */
		check(text: string): { flags: PersonalFlag[] } {
			return { flags: looksPersonal(text) };
		},

		/** Records one report, received (not counted until a planner verifies it). */
		create(
			viewer: Viewer,
			input: CommunityReportInput,
			options: { today?: string; locale?: ValidationLocale } = {}
		): CommunityReportView {
			assertRole(viewer, RECORDERS, 'record community reports');
			const today = options.today ?? new Date().toISOString().slice(0, 10);
			const { problems, flags } = problemsOf(viewer, input, today, options.locale ?? 'en');
			if (problems.municipality === 'outside your jurisdiction') {
				throw new ServiceError(
					'outside_jurisdiction',
					`Municipality ${input.municipality} is outside your jurisdiction`
				);
			}
			if (problems.description && Object.keys(problems).length === 1) {
				throw new ServiceError('personal_data', 'The description looks like it names or reaches a person', {
					description: problems.description,
					flags
				});
			}
			if (Object.keys(problems).length > 0) {
				throw new ServiceError('invalid_request', 'The report has invalid fields', problems);
			}
			const id = db.transaction(() => {
				const id = store(viewer, input, flags);
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'community.create',
					target: `community_report:${id}`,
					details: {
						municipality: input.municipality,
						category: input.category,
						count: input.count,
						source: input.source,
						personalFlags: flagKinds(flags)
					}
				});
				return id;
			})();
			return view(rowFor(viewer, id), viewer);
		},

		/**
		 * What the form offers: the municipalities of a scoped viewer's jurisdiction (null for
		 * planners and admins, who type a code), and the dialogues held there, newest first.
		 */
		formOptions(viewer: Viewer) {
			assertRole(viewer, RECORDERS, 'record community reports');
			const filter = filterOf(viewer);
			const params = jurisdictionParams(filter);
			const municipalities =
				filter === null
					? null
					: (statement(
							db,
							`SELECT code, name FROM municipalities
							 WHERE @unrestricted = 1 OR department_code IN (SELECT value FROM json_each(@departments))
							   OR code IN (SELECT value FROM json_each(@municipalities))
							 ORDER BY name`
						).all(params) as { code: string; name: string }[]);
			const dialogues = statement(
				db,
				`SELECT r.id, r.title, r.year, r.municipality_code AS code FROM dialogues r
				 WHERE ${IN_SCOPE} ORDER BY r.year DESC, r.id DESC LIMIT 300`
			).all(params) as { id: number; title: string; year: number; code: string }[];
			return { municipalities, dialogues };
		},

		/** The reports the viewer may read, newest first: its jurisdiction's (reporters) or all. */
		list(viewer: Viewer, query: CommunityReportQuery) {
			assertRole(viewer, RECORDERS, 'read community reports');
			const filter = filterOf(viewer);
			if (query.municipality && !inJurisdiction(filter, query.municipality)) {
				throw new ServiceError(
					'outside_jurisdiction',
					`Municipality ${query.municipality} is outside your jurisdiction`
				);
			}
			const rows = statement(
				db,
				`${SELECT} WHERE ${IN_SCOPE} AND (@state IS NULL OR r.state = @state)
				   AND (@municipality IS NULL OR r.municipality_code = @municipality)
				 ORDER BY r.id DESC LIMIT @limit`
			).all({
				...jurisdictionParams(filter),
				state: query.state ?? null,
				municipality: query.municipality ?? null,
				limit: query.limit
			}) as Row[];
			return { reports: rows.map((r) => view(r, viewer)) };
		},

		get(viewer: Viewer, id: number): CommunityReportView {
			assertRole(viewer, RECORDERS, 'read community reports');
			return view(rowFor(viewer, id), viewer);
		},

		/** A planner or admin verifies a received report (not one they recorded): it counts from now. */
		verify(viewer: Viewer, id: number): CommunityReportView {
			assertRole(viewer, REVIEWERS, 'verify community reports');
			db.transaction(() => {
				const row = rowFor(viewer, id);
				if (row.createdById !== null && row.createdById === viewer.user?.id) {
					throw new ServiceError('forbidden', 'A report is verified by someone other than who recorded it');
				}
				if (!canMove(row.state, 'verified')) {
					throw new ServiceError(
						'conflict',
						`Report ${id} is ${row.state}; only a received report is verified`
					);
				}
				statement(
					db,
					`UPDATE community_reports SET state = 'verified', verified_by = ?,
					   verified_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`
				).run(viewer.user && viewer.user.id > 0 ? viewer.user.id : null, id);
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'community.verify',
					target: `community_report:${id}`,
					details: { municipality: row.code, category: row.category, count: row.count }
				});
			})();
			return view(rowFor(viewer, id), viewer);
		},

		/** A planner or admin rejects a report with a reason; a verified one stops counting. */
		reject(viewer: Viewer, id: number, reason: string): CommunityReportView {
			assertRole(viewer, REVIEWERS, 'reject community reports');
			db.transaction(() => {
				const row = rowFor(viewer, id);
				if (row.createdById !== null && row.createdById === viewer.user?.id) {
					throw new ServiceError('forbidden', 'A report is reviewed by someone other than who recorded it');
				}
				if (!canMove(row.state, 'rejected')) {
					throw new ServiceError('conflict', `Report ${id} is already rejected`);
				}
				statement(
					db,
					`UPDATE community_reports SET state = 'rejected', rejected_by = ?, rejected_reason = ?,
					   rejected_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`
				).run(viewer.user && viewer.user.id > 0 ? viewer.user.id : null, reason, id);
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'community.reject',
					target: `community_report:${id}`,
					// The reason is a planner's free text: its length only, like descriptions.
					details: {
						municipality: row.code,
						category: row.category,
						from: row.state,
						reasonLength: reason.length
					}
				});
			})();
			return view(rowFor(viewer, id), viewer);
		},

		/**
		 * A CSV of reports (IMPORT_COLUMNS, `,` `;` or tab), validated row by row with the form's
		 * schema and checks; all or nothing: one bad row and none is saved (422 with every problem).
		 */
		importCsv(
			viewer: Viewer,
			text: string,
			options: { today?: string; locale?: ValidationLocale; fileName?: string } = {}
		) {
			assertRole(viewer, RECORDERS, 'import community reports');
			const today = options.today ?? new Date().toISOString().slice(0, 10);
			const body = text.replace(/^\uFEFF/, '');
			const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
			let records: string[][];
			try {
				records = parse(body, {
					delimiter: sniffDelimiter(firstLine),
					skip_empty_lines: true,
					relax_column_count: true,
					to: MAX_IMPORT_ROWS + 2
				}) as string[][];
			} catch (error) {
				throw new ServiceError(
					'import_rejected',
					`The file is not a readable CSV: ${(error as Error).message}`
				);
			}
			const [header, ...rows] = records;
			if (!header || rows.length === 0) throw new ServiceError('empty_file', 'The file has no reports');
			if (rows.length > MAX_IMPORT_ROWS) {
				throw new ServiceError('too_large', `At most ${MAX_IMPORT_ROWS} reports per file`);
			}
			const columns = header.map((h) => h.trim().toLowerCase());
			const missing = ['municipality', 'category', 'date', 'count', 'source'].filter(
				(c) => !columns.includes(c)
			);
			if (missing.length > 0) {
				throw new ServiceError('import_rejected', `Missing columns: ${missing.join(', ')}`, {
					problems: [{ row: 1, field: missing[0]!, message: 'missing column' }]
				});
			}
			const problems: CommunityRowProblem[] = [];
			const accepted: { input: CommunityReportInput; flags: PersonalFlag[] }[] = [];
			rows.forEach((values, i) => {
				const row = i + 2;
				const get = (c: string) => {
					const at = columns.indexOf(c);
					return at < 0 ? '' : (values[at] ?? '').trim();
				};
				const yes = (c: string, fallback: boolean) => {
					const v = get(c).toLowerCase();
					return v === '' ? fallback : ['1', 'true', 'si', 'sí', 'yes'].includes(v);
				};
				const lon = get('lon');
				const lat = get('lat');
				const parsed = CommunityReportInput.safeParse({
					municipality: get('municipality').padStart(5, '0'),
					category: get('category'),
					date: get('date'),
					count: get('count'),
					source: get('source'),
					dialogueId: get('dialogue_id') === '' ? null : get('dialogue_id'),
					place: lon === '' && lat === '' ? null : { lon: Number(lon), lat: Number(lat) },
					placeSensitive: yes('place_sensitive', true),
					description: get('description'),
					confirmPersonal: yes('confirm_personal', false)
				});
				if (!parsed.success) {
					for (const issue of parsed.error.issues) {
						problems.push({ row, field: String(issue.path[0] ?? ''), message: issue.message });
					}
					return;
				}
				const checked = problemsOf(viewer, parsed.data, today, options.locale ?? 'en');
				for (const [field, message] of Object.entries(checked.problems))
					problems.push({ row, field, message });
				if (Object.keys(checked.problems).length === 0)
					accepted.push({ input: parsed.data, flags: checked.flags });
			});
			if (problems.length > 0) {
				db.transaction(() =>
					audit(db, {
						actor: viewer.actor,
						ip: viewer.ip,
						action: 'community.import_rejected',
						target: options.fileName ?? null,
						details: { rows: rows.length, problems: problems.length, first: problems[0] }
					})
				)();
				throw new ServiceError('import_rejected', `${problems.length} problems; nothing was saved`, {
					problems: problems.slice(0, 200)
				});
			}
			const ids = db.transaction(() => {
				const ids = accepted.map(({ input, flags }) => store(viewer, input, flags));
				audit(db, {
					actor: viewer.actor,
					ip: viewer.ip,
					action: 'community.import',
					target: options.fileName ?? null,
					details: {
						reports: ids.length,
						first: ids[0],
						last: ids.at(-1),
						municipalities: [...new Set(accepted.map((a) => a.input.municipality))].slice(0, 50)
					}
				});
				return ids;
			})();
			return { imported: ids.length, ids };
		},

		/**
		 * Verified community reports per municipality and category: exact, for planners and admins
		 * everywhere and providers and reporters inside their jurisdiction (a source of their own:
		 * never added to an official figure). The public gets `publicFigures`, from the release.
		 */
		figures(viewer: Viewer, query: CommunityFiguresQuery) {
			assertRole(viewer, FIGURE_READERS, 'read exact community figures');
			const rows = statement(
				db,
				`SELECT r.municipality_code AS code, m.name, r.category, sum(r.count) AS count, count(*) AS reports,
					min(r.month) AS first, max(r.month) AS last
				 FROM community_reports r JOIN municipalities m ON m.code = r.municipality_code
				 WHERE r.state = 'verified' AND ${IN_SCOPE}
				   AND (@category IS NULL OR r.category = @category)
				   AND (@from IS NULL OR r.month >= @from) AND (@to IS NULL OR r.month <= @to)
				 GROUP BY r.municipality_code, r.category ORDER BY r.municipality_code, r.category`
			).all({
				...jurisdictionParams(filterOf(viewer)),
				category: query.category ?? null,
				from: query.from ?? null,
				to: query.to ?? null
			}) as {
				code: string;
				name: string;
				category: CategoryId;
				count: number;
				reports: number;
				first: string;
				last: string;
			}[];
			return {
				source: COMMUNITY_SOURCE_LABEL,
				from: query.from ?? null,
				to: query.to ?? null,
				figures: rows.map((r) => ({
					municipality: { code: r.code, name: r.name },
					category: r.category,
					label: categoryById(r.category).label,
					count: r.count,
					reports: r.reports,
					months: { from: r.first, to: r.last }
				}))
			};
		},

		/**
		 * Community figures as the public release publishes them (anyone, the public included): per
		 * department and the nation, per quarter and year, protected like a sensitive category.
		 */
		publicFigures(category: CategoryId | undefined) {
			return release.communityFigures(category);
		}
	};
}

export type CommunityService = ReturnType<typeof createCommunityService>;
