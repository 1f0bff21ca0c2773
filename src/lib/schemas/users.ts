import { z } from 'zod';
import { parseDepartmentCode, parseMunicipalityCode } from '../domain/divipola';

/**
 * Users, roles and jurisdictions at every boundary: the API (src/lib/server/api/users.ts), the
 * admin pages' form actions and `npm run user:add` parse with these same schemas.
 */

export const ROLES = ['admin', 'planner', 'provider', 'reporter'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * Roles limited to a jurisdiction (departments and municipalities): security providers, and
 * reporters (a programme facilitator or community liaison, issue 18), who record community reports
 * there and otherwise see only what the public sees.
 */
export const SCOPED_ROLES = ['provider', 'reporter'] as const satisfies readonly Role[];

export function isScopedRole(role: Role): boolean {
	return (SCOPED_ROLES as readonly Role[]).includes(role);
}

export const Email = z
	.string()
	.trim()
	.toLowerCase()
	.pipe(z.email({ message: 'not an email address' }).max(254));

/**
 * OWASP ASVS 2.1.1–2.1.3 / NIST SP 800-63B: at least 12 characters, up to 128, any characters,
 * no composition rules. Checked when a password is set, not at login (where a stored older
 * password must still work); the hash is computed on the NFKC form (see auth/password.ts).
 * The schemas that set a password also refuse a guessable one (`strongPassword` below).
 */
export const Password = z
	.string()
	.min(12, { message: 'at least 12 characters' })
	.max(128, { message: 'at most 128 characters' });

/** Why a long-enough password is refused; each has its Spanish text in validation.ts. */
export const PASSWORD_PROBLEMS = {
	guessable: 'too easy to guess: use a longer phrase of unusual words',
	email: 'must not contain the email address or its name'
} as const;

/**
 * How guessable a password is: zxcvbn's score, 0 (guessed in under 10^3 tries) to 4 (over
 * 10^10), given words of the user's own (the email) that an attacker would try first. Only the
 * server has one: src/lib/server/auth/strength.ts loads the dictionaries on first use and
 * installs it here. In the browser the dictionaries are never loaded (they are megabytes), so a
 * form checks the length and the email only and the server has the last word.
 */
export type PasswordScorer = (password: string, userInputs: readonly string[]) => number;
let scorer: PasswordScorer | null = null;

export function installPasswordScorer(next: PasswordScorer): void {
	scorer = next;
}

/**
 * zxcvbn's "safely unguessable" (ASVS 2.1.7, NIST SP 800-63B §5.1.1.2: refuse passwords found in
 * breach lists, dictionary words and context-specific words such as the user name).
 */
export const MIN_PASSWORD_SCORE = 3;

/** The words of an email people build passwords from: the address and its name part. */
export function emailWords(email: string): string[] {
	const address = email.trim().toLowerCase();
	const local = address.split('@')[0] ?? '';
	return [address, ...(local.length >= 3 && local !== address ? [local] : [])];
}

/** Why a password may not be set for this email (null: it may), from PASSWORD_PROBLEMS. */
export function passwordProblem(password: string, email: string | null): string | null {
	const words = email ? emailWords(email) : [];
	const folded = password.normalize('NFKC').toLowerCase();
	if (words.some((word) => folded.includes(word))) return PASSWORD_PROBLEMS.email;
	if (scorer && scorer(password, words) < MIN_PASSWORD_SCORE) return PASSWORD_PROBLEMS.guessable;
	return null;
}

/** The refinement of a schema that sets a password, its issue at that field. */
const strongPassword =
	(field: string, emailField?: string) =>
	(value: Partial<Record<string, unknown>>, ctx: z.RefinementCtx): void => {
		const password = value[field];
		const email = emailField ? value[emailField] : null;
		// Too short or too long is already said; a score of a 2-character string says nothing more.
		if (typeof password !== 'string' || password.length < 12 || password.length > 128) return;
		const problem = passwordProblem(password, typeof email === 'string' ? email : null);
		if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem });
	};

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
	if (isScopedRole(value.role) && size === 0) {
		ctx.addIssue({ code: 'custom', path: ['jurisdiction'], message: `a ${value.role} needs a jurisdiction` });
	}
	if (!isScopedRole(value.role) && size > 0) {
		ctx.addIssue({
			code: 'custom',
			path: ['jurisdiction'],
			message: 'only providers and reporters have a jurisdiction'
		});
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
	.superRefine(jurisdictionMatchesRole)
	.superRefine(strongPassword('password', 'email'));
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
	.superRefine(jurisdictionMatchesRole)
	.superRefine(strongPassword('password'));
export type UserPatch = z.infer<typeof UserPatch>;

export const PasswordChange = z
	.object({ currentPassword: z.string().min(1).max(1024), newPassword: Password })
	.strict()
	.refine((v) => v.currentPassword !== v.newPassword, {
		path: ['newPassword'],
		message: 'the new password must differ from the current one'
	})
	.superRefine(strongPassword('newPassword'));

// --- Second factor and one's own sessions ----------------------------------------------------

/** A 6-digit code from the authenticator app, or a recovery code (`xxxx-xxxx-xxxx-xxxx`). */
export const SecondFactorCode = z
	.string()
	.trim()
	.min(6, { message: 'a 6-digit code or a recovery code' })
	.max(40, { message: 'a 6-digit code or a recovery code' });

/** The code of an authenticator app: 6 digits (spaces people type are dropped). */
export const TotpCode = z
	.string()
	.transform((code) => code.replace(/\s+/g, ''))
	.pipe(z.string().regex(/^\d{6}$/, { message: '6 digits' }));

/** The second step of a sign-in: the pending sign-in's token and the code. */
export const SecondFactorBody = z
	.object({
		challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'not a sign-in in progress' }),
		code: SecondFactorCode
	})
	.strict();

/** Turning the authenticator off: the password and a code, both (ASVS 2.8.x, 3.7.1). */
export const TotpDisable = z
	.object({ password: z.string().min(1, { message: 'required' }).max(1024), code: SecondFactorCode })
	.strict();

/** A session as its owner sees it on the account page: never its token or the token's hash. */
export type SessionView = {
	/** A short public handle (the first 16 hex digits of the token's hash), to end it by. */
	id: string;
	createdAt: string;
	lastSeenAt: string;
	userAgent: string | null;
	ip: string | null;
	current: boolean;
};

export const SessionId = z.object({
	id: z.string().regex(/^[0-9a-f]{16}$/, { message: 'not a session' })
});

/** The signed-in user's second factor. */
export type MfaStatus = {
	totp: 'off' | 'enrolling' | 'on';
	/** Admins must have one before they can use any admin page or route. */
	required: boolean;
	recoveryCodesLeft: number;
};

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
