import { z } from 'zod';
import { parseDepartmentCode, parseMunicipalityCode } from '../domain/divipola';

/**
 * Users, roles and jurisdictions at every boundary: the API (src/lib/server/api/users.ts), the
 * admin pages' form actions and `npm run user:add` parse with these same schemas.
 */

export const ROLES = ['admin', 'planner', 'provider'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Email = z
	.string()
	.trim()
	.toLowerCase()
	.pipe(z.email({ message: 'not an email address' }).max(254));

/**
 * OWASP ASVS 2.1.1–2.1.3 / NIST SP 800-63B: at least 12 characters, up to 128, any characters,
 * no composition rules. Checked when a password is set, not at login (where a stored older
 * password must still work); the hash is computed on the NFKC form (see auth/password.ts).
 */
export const Password = z
	.string()
	.min(12, { message: 'at least 12 characters' })
	.max(128, { message: 'at most 128 characters' });

export const DepartmentCode = z.string().regex(/^\d{2}$/, { message: 'a department is 2 digits' });
export const MunicipalityCode5 = z.string().regex(/^\d{5}$/, { message: 'a municipality is 5 digits' });

/** A provider's jurisdiction: whole departments and single municipalities (DIVIPOLA codes). */
export const Jurisdiction = z.object({
	departments: z.array(DepartmentCode).max(40).default([]),
	municipalities: z.array(MunicipalityCode5).max(1200).default([])
});
export type Jurisdiction = z.infer<typeof Jurisdiction>;

/**
 * The jurisdiction as people type it, in a form or on the command line: `52, 05001` is the whole
 * department of Nariño and Medellín. 1–2 digits are a department, 4–5 a municipality.
 */
export const ScopeList = z
	.string()
	.max(10_000)
	.transform((text, ctx): Jurisdiction => {
		const departments = new Set<string>();
		const municipalities = new Set<string>();
		for (const part of text.split(/[\s,;]+/).filter(Boolean)) {
			const department = part.length <= 2 ? parseDepartmentCode(part) : null;
			const municipality = part.length >= 4 ? parseMunicipalityCode(part) : null;
			if (department) departments.add(department);
			else if (municipality) municipalities.add(municipality);
			else {
				ctx.addIssue({
					code: 'custom',
					message: `"${part.slice(0, 12)}" is not a department or municipality code`
				});
				return z.NEVER;
			}
		}
		return { departments: [...departments].sort(), municipalities: [...municipalities].sort() };
	});

/** A jurisdiction back in the form people type. */
export function formatScope(jurisdiction: Jurisdiction): string {
	return [...jurisdiction.departments, ...jurisdiction.municipalities].join(', ');
}

const jurisdictionMatchesRole = (
	value: { role?: Role; jurisdiction?: Jurisdiction },
	ctx: z.RefinementCtx
): void => {
	if (!value.role || !value.jurisdiction) return;
	const size = value.jurisdiction.departments.length + value.jurisdiction.municipalities.length;
	if (value.role === 'provider' && size === 0) {
		ctx.addIssue({ code: 'custom', path: ['jurisdiction'], message: 'a provider needs a jurisdiction' });
	}
	if (value.role !== 'provider' && size > 0) {
		ctx.addIssue({ code: 'custom', path: ['jurisdiction'], message: 'only providers have a jurisdiction' });
	}
};

export const LoginBody = z.object({
	email: Email,
	// Not the password policy: an account created under an older policy must still sign in.
	password: z.string().min(1).max(1024)
});

export const NewUser = z
	.object({
		email: Email,
		role: Role,
		password: Password,
		jurisdiction: Jurisdiction.default({ departments: [], municipalities: [] })
	})
	.strict()
	.superRefine(jurisdictionMatchesRole);
export type NewUser = z.infer<typeof NewUser>;

/** Changes an admin may make to a user. Users are disabled, never deleted: the audit log names them. */
export const UserPatch = z
	.object({
		role: Role.optional(),
		jurisdiction: Jurisdiction.optional(),
		disabled: z.boolean().optional(),
		password: Password.optional()
	})
	.strict()
	.refine((patch) => Object.keys(patch).length > 0, { message: 'nothing to change' })
	.superRefine(jurisdictionMatchesRole);
export type UserPatch = z.infer<typeof UserPatch>;

export const PasswordChange = z
	.object({ currentPassword: z.string().min(1).max(1024), newPassword: Password })
	.strict()
	.refine((v) => v.currentPassword !== v.newPassword, {
		path: ['newPassword'],
		message: 'the new password must differ from the current one'
	});

export const UserId = z.object({
	id: z.coerce
		.number()
		.int()
		.positive()
		.max(2 ** 31)
});

/** A user as the API returns it: never a password hash. */
export type UserView = {
	id: number;
	email: string;
	role: Role;
	jurisdiction: Jurisdiction;
	disabled: boolean;
	createdAt: string;
	updatedAt: string;
	lastLoginAt: string | null;
};

// --- Audit log ---------------------------------------------------------------------------------

const Day = z.iso.date({ message: 'a date is YYYY-MM-DD' });

/** Filters of `GET /api/audit` and of the audit page (same names in the URL). */
export const AuditQuery = z.object({
	/** An exact action (`auth.login`) or every action of a kind (`auth.*`). */
	action: z
		.string()
		.regex(/^[a-z][a-z_]*\.(\*|[a-z][a-z_]*)$/, { message: 'an action is kind.verb or kind.*' })
		.optional(),
	actor: z.string().trim().toLowerCase().max(254).optional(),
	target: z.string().max(300).optional(),
	/** First and last day, inclusive, in UTC. */
	from: Day.optional(),
	to: Day.optional(),
	/** Entries older than this id (the `nextBefore` of the previous page). */
	before: z.coerce.number().int().positive().optional(),
	limit: z.coerce.number().int().min(1).max(200).default(50)
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export type AuditEntryView = {
	id: number;
	at: string;
	actor: { id: number | null; email: string | null };
	action: string;
	target: string | null;
	details: Record<string, unknown> | null;
	ip: string | null;
};
