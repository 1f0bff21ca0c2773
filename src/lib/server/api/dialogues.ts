import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { CATEGORIES, categoryById, isCategoryId } from '$lib/domain/categories';
import { commitmentStatus, shareDone, type StoredStatus } from '$lib/domain/commitments';
import { discloseCount, isSensitiveCategory } from '$lib/domain/disclosure';
import { BookletInput, CommitmentInput, CommitmentUpdate, DialogueInput } from '../../schemas/dialogues';
import { MunicipalityCode } from '../../schemas/municipality';
import { audit } from '../auth/audit';
import { csvLine } from '$lib/domain/csv';
import { PROGRAMMES } from '../dialogues/seed';
import { insertBooklet, insertCommitment, insertDialogue, updateDialogue } from '../dialogues/store';
import type { StatsService } from '../stats/stats';
import { lastWholeYear, monthIndex } from '$lib/domain/monthly-cube';
import { access, clientIp, jurisdictionFilter } from './access';
import type { ApiDeps } from './deps';
import { parseInput, requestLocale, unknownMunicipalityMessage } from '$lib/schemas/validation';
import type { AppEnv } from './env';
import { ApiError } from './errors';
import { validate } from './validate';

/**
 * Dialogues and the public prevention page. The public gets public fields only: programme, title,
 * municipality, year, the issues discussed; never a meeting place marked sensitive, never names.
 */

type DialogueRow = {
	id: number;
	programme: string;
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

export function dialogueRoutes({ db, stats }: ApiDeps & { stats: StatsService }) {
	const list = (filter: { year?: number; municipality?: string; programme?: string }) =>
		db
			.prepare(
				`SELECT d.id, d.programme, d.title, d.municipality_code AS code, m.name, dep.name AS departmentName, d.year, d.date,
					d.lon, d.lat, d.place_sensitive AS placeSensitive, d.summary, m.point_lon AS pointLon, m.point_lat AS pointLat,
					(SELECT json_group_array(category) FROM (SELECT category FROM dialogue_issues WHERE dialogue_id = d.id ORDER BY rank)) AS issues
				 FROM dialogues d JOIN municipalities m ON m.code = d.municipality_code JOIN departments dep ON dep.code = m.department_code
				 WHERE (@year IS NULL OR d.year = @year) AND (@municipality IS NULL OR d.municipality_code = @municipality)
				   AND (@programme IS NULL OR d.programme = @programme)
				 ORDER BY d.year DESC, m.name`
			)
			.all({
				year: filter.year ?? null,
				municipality: filter.municipality ?? null,
				programme: filter.programme ?? null
			}) as DialogueRow[];

	const shape = (d: DialogueRow, restricted: boolean) => ({
		id: d.id,
		programme: d.programme,
		title: d.title,
		// The municipality's representative point (DANE MGN), where a dialogue without a public place is drawn.
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

	/** A 400 naming the field, as the form shows it, for a well-formed but unknown code. */
	const assertKnownMunicipality = (code: string, c: Context<AppEnv>) => {
		if (db.prepare('SELECT 1 FROM municipalities WHERE code = ?').get(code)) return;
		const message = unknownMunicipalityMessage(code, requestLocale(c.req.header('accept-language')));
		throw new ApiError(400, 'invalid_request', `municipality: ${message}`, { municipality: message });
	};

	/**
	 * Body validation that answers `details: { field: message }` for the form, in the caller's
	 * language (Accept-Language: es → Spanish), with the schema the form itself checks first.
	 */
	const body = async <T>(c: Context<AppEnv>, schema: z.ZodType<T>): Promise<T> => {
		let json: unknown;
		try {
			json = await c.req.json();
		} catch {
			throw new ApiError(400, 'invalid_request', 'The body is not JSON');
		}
		const parsed = parseInput(schema, json, requestLocale(c.req.header('accept-language')));
		if (!parsed.success) {
			throw new ApiError(
				400,
				'invalid_request',
				Object.entries(parsed.errors)
					.map(([f, m]) => `${f}: ${m}`)
					.join('; '),
				parsed.errors
			);
		}
		return parsed.data;
	};

	const commitmentRows = (filter: { institution?: string; municipality?: string }) => {
		const today = new Date().toISOString().slice(0, 10);
		return (
			db
				.prepare(
					`SELECT c.id, c.institution, c.action, c.due_date AS dueDate, c.status AS stored, d.id AS dialogueId, d.title,
						d.municipality_code AS code, m.name
					 FROM commitments c JOIN dialogues d ON d.id = c.dialogue_id JOIN municipalities m ON m.code = d.municipality_code
					 WHERE (@institution IS NULL OR c.institution = @institution) AND (@municipality IS NULL OR d.municipality_code = @municipality)
					 ORDER BY c.due_date IS NULL, c.due_date, c.id`
				)
				.all({ institution: filter.institution ?? null, municipality: filter.municipality ?? null }) as {
				id: number;
				institution: string;
				action: string;
				dueDate: string | null;
				stored: StoredStatus;
				dialogueId: number;
				title: string;
				code: string;
				name: string;
			}[]
		).map((r) => ({ ...r, status: commitmentStatus(r.stored, r.dueDate, today) }));
	};

	return new Hono<AppEnv>()
		.get('/programmes', access('public'), (c) => c.json({ programmes: PROGRAMMES }))
		.post('/dialogues', access(['admin', 'planner']), async (c) => {
			const input = await body(c, DialogueInput);
			assertKnownMunicipality(input.municipality, c);
			const id = db.transaction(() => {
				const created = insertDialogue(db, { ...input, year: Number(input.date.slice(0, 4)) }, 'resiliencia');
				if (created === null) {
					throw new ApiError(
						409,
						'conflict',
						'A dialogue with this programme, municipality, year and title is already stored'
					);
				}
				audit(db, {
					actor: c.get('user'),
					action: 'dialogues.create',
					target: `dialogue:${created}`,
					details: { municipality: input.municipality },
					ip: clientIp(c)
				});
				return created;
			})();
			return c.json({ id }, 201);
		})
		.put(
			'/dialogues/:id',
			access(['admin', 'planner']),
			validate('param', z.object({ id: z.coerce.number().int().positive() })),
			async (c) => {
				const { id } = c.req.valid('param');
				const input = await body(c, DialogueInput);
				assertKnownMunicipality(input.municipality, c);
				db.transaction(() => {
					let updated: boolean;
					try {
						updated = updateDialogue(db, id, { ...input, year: Number(input.date.slice(0, 4)) });
					} catch (error) {
						if (String(error).includes('UNIQUE'))
							throw new ApiError(
								409,
								'conflict',
								'Another dialogue with this programme, municipality, year and title is already stored'
							);
						throw error;
					}
					if (!updated) throw new ApiError(404, 'not_found', `No dialogue ${id}`);
					audit(db, {
						actor: c.get('user'),
						action: 'dialogues.update',
						target: `dialogue:${id}`,
						details: { municipality: input.municipality },
						ip: clientIp(c)
					});
				})();
				return c.json({ id });
			}
		)
		.delete(
			'/dialogues/:id',
			access(['admin', 'planner'], { note: 'its commitments go with it; its booklets stay, unlinked' }),
			validate('param', z.object({ id: z.coerce.number().int().positive() })),
			(c) => {
				const { id } = c.req.valid('param');
				db.transaction(() => {
					const row = db
						.prepare('DELETE FROM dialogues WHERE id = ? RETURNING title, municipality_code AS code')
						.get(id) as { title: string; code: string } | undefined;
					if (!row) throw new ApiError(404, 'not_found', `No dialogue ${id}`);
					audit(db, {
						actor: c.get('user'),
						action: 'dialogues.delete',
						target: `dialogue:${id}`,
						details: { title: row.title, municipality: row.code },
						ip: clientIp(c)
					});
				})();
				return c.json({ deleted: id });
			}
		)
		.post(
			'/dialogues/:id/commitments',
			access(['admin', 'planner']),
			validate('param', z.object({ id: z.coerce.number().int().positive() })),
			async (c) => {
				const { id } = c.req.valid('param');
				const input = await body(c, CommitmentInput);
				if (!db.prepare('SELECT 1 FROM dialogues WHERE id = ?').get(id))
					throw new ApiError(404, 'not_found', `No dialogue ${id}`);
				const created = insertCommitment(db, id, input);
				audit(db, {
					actor: c.get('user'),
					action: 'commitments.create',
					target: `commitment:${created}`,
					details: { dialogue: id },
					ip: clientIp(c)
				});
				return c.json({ id: created }, 201);
			}
		)
		.patch(
			'/commitments/:id',
			access(['admin', 'planner']),
			validate('param', z.object({ id: z.coerce.number().int().positive() })),
			async (c) => {
				const { id } = c.req.valid('param');
				const input = await body(c, CommitmentUpdate);
				const today = new Date().toISOString().slice(0, 10);
				const changed = db.transaction(() => {
					const n = db
						.prepare('UPDATE commitments SET status = ? WHERE id = ?')
						.run(input.status, id).changes;
					if (n > 0 && input.note) {
						db.prepare('INSERT INTO commitment_notes (commitment_id, noted_on, note) VALUES (?, ?, ?)').run(
							id,
							today,
							input.note
						);
					}
					return n;
				})();
				if (changed === 0) throw new ApiError(404, 'not_found', `No commitment ${id}`);
				audit(db, {
					actor: c.get('user'),
					action: 'commitments.update',
					target: `commitment:${id}`,
					details: { status: input.status },
					ip: clientIp(c)
				});
				return c.json({ id, status: input.status });
			}
		)
		.post('/booklets', access(['admin', 'planner']), async (c) => {
			const input = await body(c, BookletInput);
			assertKnownMunicipality(input.municipality, c);
			const id = insertBooklet(db, input);
			audit(db, {
				actor: c.get('user'),
				action: 'booklets.create',
				target: `booklet:${id}`,
				details: { municipality: input.municipality },
				ip: clientIp(c)
			});
			return c.json({ id }, 201);
		})
		.get(
			'/commitments',
			access('restricted', { jurisdiction: true }),
			validate(
				'query',
				z.object({
					institution: z.string().max(200).optional(),
					municipality: MunicipalityCode.optional(),
					status: z.enum(['open', 'in_progress', 'done', 'overdue']).optional(),
					format: z.enum(['json', 'csv']).default('json')
				})
			),
			(c) => {
				const q = c.req.valid('query');
				const filter = jurisdictionFilter(c.get('user'));
				const rows = commitmentRows(q).filter(
					(r) =>
						(!q.status || r.status === q.status) &&
						(filter === null ||
							filter.municipalities.includes(r.code) ||
							filter.departments.includes(r.code.slice(0, 2)))
				);
				if (q.format === 'csv') {
					audit(db, {
						actor: c.get('user'),
						action: 'commitments.export',
						target: 'commitments',
						details: { rows: rows.length },
						ip: clientIp(c)
					});
					c.header('Content-Type', 'text/csv; charset=utf-8');
					c.header('Content-Disposition', 'attachment; filename="commitments.csv"');
					return c.body(
						csvLine([
							'id',
							'municipality',
							'municipality_name',
							'dialogue',
							'institution',
							'action',
							'due_date',
							'status'
						]) +
							rows
								.map((r) =>
									csvLine([r.id, r.code, r.name, r.title, r.institution, r.action, r.dueDate, r.status])
								)
								.join('')
					);
				}
				return c.json({ commitments: rows.map(({ stored: _stored, ...r }) => r) });
			}
		)
		.get(
			'/dialogues',
			access('public'),
			validate(
				'query',
				z.object({
					year: z.coerce.number().int().min(1990).max(2100).optional(),
					municipality: MunicipalityCode.optional(),
					programme: z
						.string()
						.regex(/^[a-z-]{1,60}$/)
						.optional()
				})
			),
			(c) => {
				const restricted = c.get('user') !== null;
				return c.json({ dialogues: list(c.req.valid('query')).map((d) => shape(d, restricted)) });
			}
		)
		.get(
			'/municipalities/:code/prevention',
			access('public'),
			validate('param', z.object({ code: MunicipalityCode })),
			(c) => {
				const { code } = c.req.valid('param');
				const municipality = db
					.prepare(
						`SELECT m.code, m.name, d.name AS department FROM municipalities m JOIN departments d ON d.code = m.department_code WHERE m.code = ?`
					)
					.get(code) as { code: string; name: string; department: string } | undefined;
				if (!municipality) throw new ApiError(404, 'not_found', `No municipality with DIVIPOLA code ${code}`);
				const dialogues = list({ municipality: code });
				const named = [...new Set(dialogues.flatMap((d) => JSON.parse(d.issues) as string[]))].filter(
					isCategoryId
				);
				// Figures: the last whole year with data of each non-sensitive category, through disclosure control.
				const extent = stats.extent();
				const figures = CATEGORIES.filter((cat) => !isSensitiveCategory(cat.id) && extent.categories[cat.id])
					.map((cat) => {
						const to = extent.categories[cat.id]!.to;
						const year = lastWholeYear(to);
						const count =
							stats
								.summary(code, monthIndex(`${year}-01`), monthIndex(`${year}-12`))
								.find((s) => s.category === cat.id)?.count ?? null;
						if (count === null) return null;
						const disclosed = cat.unit === 'hectares' ? { value: count } : discloseCount(count);
						return {
							category: cat.id,
							year,
							unit: cat.unit,
							value: 'value' in disclosed ? disclosed.value : null,
							display: 'display' in disclosed ? disclosed.display : null,
							attributions: extent.attributions[cat.id] ?? []
						};
					})
					.filter((f) => f !== null);
				const booklets = db
					.prepare('SELECT problem, steps, resources FROM booklets WHERE municipality_code = ? ORDER BY id')
					.all(code) as { problem: string; steps: string; resources: string | null }[];
				const today = new Date().toISOString().slice(0, 10);
				const statuses = (
					db
						.prepare(
							`SELECT c.status, c.due_date AS due FROM commitments c JOIN dialogues d ON d.id = c.dialogue_id WHERE d.municipality_code = ?`
						)
						.all(code) as { status: StoredStatus; due: string | null }[]
				).map((r) => commitmentStatus(r.status, r.due, today));
				c.header('Cache-Control', 'public, max-age=300');
				return c.json({
					municipality,
					issues: named.map((id) => ({ id, label: categoryById(id).label })),
					dialogues: dialogues.map((d) => ({
						programme: d.programme,
						title: d.title,
						year: d.year,
						date: d.date
					})),
					figures,
					booklets: booklets.map((b) => ({
						problem: b.problem,
						steps: JSON.parse(b.steps) as string[],
						resources: b.resources
					})),
					commitments: { total: statuses.length, shareDone: shareDone(statuses) }
				});
			}
		);
}
