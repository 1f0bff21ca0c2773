import type Database from 'better-sqlite3';
import {
	isScopedRole,
	type Jurisdiction,
	type NewUser,
	type Role,
	type UserPatch,
	type UserView
} from '../../schemas/users';
import { statement } from '../db/statements';
import { ServiceError } from '../errors';
import { audit, type AuditActor } from './audit';
import type { PasswordHasher } from './password';
import { revokeUserSessions } from './sessions';
import { assertStrongPassword } from './strength';
import { unlockAccount } from './throttle';
import type { SessionUser } from './types';

/** An expected refusal of user management; the API maps its code to a status (api/errors.ts). */
export class UserError extends ServiceError {
	constructor(
		override readonly code:
			'email_taken' | 'not_found' | 'last_admin' | 'unknown_codes' | 'jurisdiction_required',
		message: string
	) {
		super(code, message);
	}
}

/** Who makes a change, and from where: recorded in the audit log. */
export type ChangedBy = { actor: AuditActor; ip: string | null };

type UserRow = {
	id: number;
	email: string;
	role: Role;
	disabled: number;
	createdAt: string;
	updatedAt: string;
	lastLoginAt: string | null;
};

const USER_COLUMNS = `id, email, role, disabled, created_at AS createdAt, updated_at AS updatedAt, last_login_at AS lastLoginAt`;

function jurisdictionOf(db: Database.Database, userId: number): Jurisdiction {
	const codes = statement(db, 'SELECT code FROM user_jurisdiction WHERE user_id = ? ORDER BY code')
		.pluck()
		.all(userId) as string[];
	return {
		departments: codes.filter((c) => c.length === 2),
		municipalities: codes.filter((c) => c.length === 5)
	};
}

function view(db: Database.Database, row: UserRow): UserView {
	return {
		id: row.id,
		email: row.email,
		role: row.role,
		jurisdiction: jurisdictionOf(db, row.id),
		disabled: row.disabled === 1,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
		lastLoginAt: row.lastLoginAt
	};
}

/** The signed-in identity of an enabled user, read fresh for every request. */
export function loadSessionUser(db: Database.Database, id: number): SessionUser | null {
	const row = statement(db, 'SELECT id, email, role FROM users WHERE id = ? AND disabled = 0').get(id) as
		{ id: number; email: string; role: Role } | undefined;
	return row ? { ...row, jurisdiction: jurisdictionOf(db, row.id) } : null;
}

export type LoginRecord = { id: number; email: string; passwordHash: string; disabled: boolean };

export function findLogin(db: Database.Database, email: string): LoginRecord | null {
	const row = statement(
		db,
		'SELECT id, email, password_hash AS passwordHash, disabled FROM users WHERE email = ? COLLATE NOCASE'
	).get(email) as (Omit<LoginRecord, 'disabled'> & { disabled: number }) | undefined;
	return row ? { ...row, disabled: row.disabled === 1 } : null;
}

export function listUsers(db: Database.Database): UserView[] {
	const rows = statement(db, `SELECT ${USER_COLUMNS} FROM users ORDER BY email`).all() as UserRow[];
	return rows.map((row) => view(db, row));
}

export function getUser(db: Database.Database, id: number): UserView | null {
	const row = statement(db, `SELECT ${USER_COLUMNS} FROM users WHERE id = ?`).get(id) as UserRow | undefined;
	return row ? view(db, row) : null;
}

/**
 * Codes that name no department or municipality. Checked only once boundaries are loaded, so the
 * first admin can be created on an empty database.
 */
function unknownCodes(db: Database.Database, jurisdiction: Jurisdiction): string[] {
	const loaded = statement(db, 'SELECT EXISTS (SELECT 1 FROM municipalities)').pluck().get() === 1;
	if (!loaded) return [];
	return statement(
		db,
		`SELECT value FROM json_each(?) WHERE value NOT IN (SELECT code FROM departments)
		 UNION ALL
		 SELECT value FROM json_each(?) WHERE value NOT IN (SELECT code FROM municipalities)`
	)
		.pluck()
		.all(JSON.stringify(jurisdiction.departments), JSON.stringify(jurisdiction.municipalities)) as string[];
}

function assertKnownCodes(db: Database.Database, jurisdiction: Jurisdiction): void {
	const unknown = unknownCodes(db, jurisdiction);
	if (unknown.length > 0) {
		throw new UserError('unknown_codes', `No department or municipality has the code ${unknown.join(', ')}`);
	}
}

function setJurisdiction(db: Database.Database, userId: number, jurisdiction: Jurisdiction): void {
	statement(db, 'DELETE FROM user_jurisdiction WHERE user_id = ?').run(userId);
	const insert = statement(db, 'INSERT INTO user_jurisdiction (user_id, code) VALUES (?, ?)');
	for (const code of new Set([...jurisdiction.departments, ...jurisdiction.municipalities]))
		insert.run(userId, code);
}

export async function createUser(
	db: Database.Database,
	hasher: PasswordHasher,
	input: NewUser,
	by: ChangedBy
): Promise<UserView> {
	assertKnownCodes(db, input.jurisdiction);
	if (findLogin(db, input.email))
		throw new UserError('email_taken', `A user with the email ${input.email} exists`);
	await assertStrongPassword(input.password, input.email);
	const passwordHash = await hasher.hash(input.password);
	const id = db.transaction(() => {
		// Checked again inside the transaction: another request may have created it while scrypt ran.
		if (findLogin(db, input.email))
			throw new UserError('email_taken', `A user with the email ${input.email} exists`);
		const info = statement(db, 'INSERT INTO users (email, role, password_hash) VALUES (?, ?, ?)').run(
			input.email,
			input.role,
			passwordHash
		);
		const id = Number(info.lastInsertRowid);
		setJurisdiction(db, id, input.jurisdiction);
		audit(db, {
			actor: by.actor,
			action: 'user.create',
			target: `user:${id}`,
			details: { email: input.email, role: input.role, jurisdiction: input.jurisdiction },
			ip: by.ip
		});
		return id;
	})();
	return getUser(db, id)!;
}

/**
 * Applies an admin's change. A provider keeps a non-empty jurisdiction and other roles none (the
 * jurisdiction is cleared when a provider becomes a planner or admin); the last enabled admin
 * cannot be demoted or disabled. Disabling a user or resetting their password ends their sessions.
 */
export async function updateUser(
	db: Database.Database,
	hasher: PasswordHasher,
	id: number,
	patch: UserPatch,
	by: ChangedBy
): Promise<UserView> {
	const before = getUser(db, id);
	if (!before) throw new UserError('not_found', `No user with id ${id}`);
	const role = patch.role ?? before.role;
	const jurisdiction = isScopedRole(role)
		? (patch.jurisdiction ?? before.jurisdiction)
		: { departments: [], municipalities: [] };
	const size = jurisdiction.departments.length + jurisdiction.municipalities.length;
	if (isScopedRole(role) && size === 0) {
		throw new UserError(
			'jurisdiction_required',
			`A ${role} needs a jurisdiction: departments or municipalities`
		);
	}
	assertKnownCodes(db, jurisdiction);
	const disabled = patch.disabled ?? before.disabled;
	if (patch.password) await assertStrongPassword(patch.password, before.email);
	const passwordHash = patch.password ? await hasher.hash(patch.password) : null;

	db.transaction(() => {
		const losesAdmin = before.role === 'admin' && !before.disabled && (role !== 'admin' || disabled);
		if (losesAdmin) {
			const others = statement(
				db,
				"SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?"
			)
				.pluck()
				.get(id) as number;
			if (others === 0)
				throw new UserError('last_admin', 'The last enabled admin cannot be demoted or disabled');
		}
		statement(
			db,
			`UPDATE users SET role = ?, disabled = ?, password_hash = coalesce(?, password_hash),
			   updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`
		).run(role, disabled ? 1 : 0, passwordHash, id);
		setJurisdiction(db, id, jurisdiction);
		if (disabled || passwordHash) revokeUserSessions(db, id);
		if (passwordHash) unlockAccount(db, before.email);

		const changes: Record<string, unknown> = {};
		if (role !== before.role) changes.role = { from: before.role, to: role };
		if (JSON.stringify(jurisdiction) !== JSON.stringify(before.jurisdiction)) {
			changes.jurisdiction = { from: before.jurisdiction, to: jurisdiction };
		}
		if (disabled !== before.disabled) changes.disabled = { from: before.disabled, to: disabled };
		if (passwordHash) changes.credentialsReset = true;
		audit(db, {
			actor: by.actor,
			action: 'user.update',
			target: `user:${id}`,
			details: { email: before.email, changes },
			ip: by.ip
		});
	})();
	return getUser(db, id)!;
}

/** Records a successful login and, when the stored hash is weaker than today's cost, upgrades it. */
export function recordLogin(db: Database.Database, id: number, upgradedHash: string | null): void {
	statement(
		db,
		`UPDATE users SET last_login_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
		   password_hash = coalesce(?, password_hash) WHERE id = ?`
	).run(upgradedHash, id);
}

export function setPasswordHash(db: Database.Database, id: number, passwordHash: string): void {
	statement(
		db,
		`UPDATE users SET password_hash = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`
	).run(passwordHash, id);
}
