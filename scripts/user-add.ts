import os from 'node:os';
import { parseArgs } from 'node:util';
import {
	Email,
	isScopedRole,
	NewUser,
	Password,
	Role,
	ROLES,
	ScopeList,
	UserPatch
} from '../src/lib/schemas/users';
import { localiseMessage } from '../src/lib/schemas/validation';
import { passwordHasher } from '../src/lib/server/auth/password';
import { loadPasswordScorer } from '../src/lib/server/auth/strength';
import { createUser, findLogin, getUser, updateUser, UserError } from '../src/lib/server/auth/users';
import { loadConfig } from '../src/lib/server/config';
import { openDatabase } from '../src/lib/server/db/connection';
import { ServiceError } from '../src/lib/server/errors';

const USAGE = `Usage:
  npm run user:add -- --email EMAIL --role admin|planner|provider|reporter [--scope 52,05001] [--reset]

Creates a user (the first admin, typically). The password is read from standard input
(first line) or, at a terminal, asked for twice without echo; never from the command line.
  --scope   a provider's or reporter's jurisdiction: department (2 digits) and municipality
            (5 digits) codes
  --reset   the user exists: set a new password (and role/scope if given), re-enable and unlock it

Examples:
  npm run user:add -- --email admin@example.org --role admin
  printf '%s\\n' "$PASSWORD" | npm run user:add -- --email policia@example.org --role provider --scope 52,05001
  printf '%s\\n' "$PASSWORD" | npm run user:add -- --email enlace@example.org --role reporter --scope 52835`;

async function main(): Promise<void> {
	const argv = process.argv.slice(2);
	if (argv.some((arg) => /^--?(p|password|pass|pw)(=|$)/.test(arg))) {
		throw new Error(
			'Passwords are never taken from the command line (they end up in shell history and in `ps`).\n' +
				'Pipe it on standard input, or run at a terminal to be asked for it.'
		);
	}
	const { values } = parseArgs({
		args: argv,
		options: {
			email: { type: 'string' },
			role: { type: 'string' },
			scope: { type: 'string' },
			reset: { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h', default: false }
		},
		strict: true
	});
	if (values.help) {
		console.log(USAGE);
		return;
	}
	const email = Email.safeParse(values.email ?? '');
	if (!email.success) throw new Error(`--email: a valid email is required\n\n${USAGE}`);
	const role = values.role === undefined && values.reset ? null : Role.safeParse(values.role);
	if (role && !role.success) throw new Error(`--role: one of ${ROLES.join(', ')}\n\n${USAGE}`);
	const scope = values.scope === undefined ? null : ScopeList.safeParse(values.scope);
	if (scope && !scope.success) throw new Error(`--scope: ${scope.error.issues[0]?.message}`);
	if (scope && role && !isScopedRole(role.data))
		throw new Error('--scope is for providers and reporters only');

	const password = Password.safeParse(await readPassword());
	if (!password.success) throw new Error(refused(password.error.issues[0]?.message ?? 'invalid'));
	// The strength dictionaries, so that a guessable password is refused with its reason.
	await loadPasswordScorer();

	const config = loadConfig();
	const db = openDatabase(config.databaseFile);
	const by = { actor: { id: null, email: `cli:${os.userInfo().username}` }, ip: null };
	try {
		const hasher = passwordHasher();
		if (values.reset) {
			const existing = findLogin(db, email.data);
			if (!existing) throw new Error(`No user ${email.data}; leave out --reset to create it`);
			const parsed = UserPatch.safeParse({
				...(role ? { role: role.data } : {}),
				...(scope ? { jurisdiction: scope.data } : {}),
				disabled: false,
				password: password.data
			});
			if (!parsed.success) {
				const issue = parsed.error.issues[0];
				throw new Error(issue?.path[0] === 'password' ? refused(issue.message) : issue?.message);
			}
			const patch = parsed.data;
			// One audited change: new password, sessions ended, lock lifted, account re-enabled.
			await updateUser(db, hasher, existing.id, patch, by);
			print('Updated', getUser(db, existing.id)!);
			return;
		}
		const input = NewUser.safeParse({
			email: email.data,
			role: role?.data,
			password: password.data,
			jurisdiction: scope?.data ?? { departments: [], municipalities: [] }
		});
		if (!input.success) {
			const issues = input.error.issues;
			throw new Error(
				issues.map((i) => (i.path[0] === 'password' ? refused(i.message) : i.message)).join('\n')
			);
		}
		print('Created', await createUser(db, hasher, input.data, by));
	} finally {
		db.close();
	}
}

function print(what: string, user: NonNullable<ReturnType<typeof getUser>>): void {
	const scope = [...user.jurisdiction.departments, ...user.jurisdiction.municipalities].join(', ');
	console.log(`${what} ${user.role} ${user.email} (id ${user.id})${scope ? `, jurisdiction ${scope}` : ''}.`);
}

/** The first line of standard input, or a hidden prompt (asked twice) at a terminal. */
async function readPassword(): Promise<string> {
	if (!process.stdin.isTTY) {
		const chunks: Buffer[] = [];
		for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
	}
	const first = await promptHidden('Contraseña / Password: ');
	const again = await promptHidden('Repita / Repeat: ');
	if (first !== again) throw new Error('The two passwords differ');
	return first;
}

function promptHidden(question: string): Promise<string> {
	const stdin = process.stdin;
	process.stdout.write(question);
	stdin.setRawMode(true);
	stdin.setEncoding('utf8');
	stdin.resume();
	return new Promise((resolve, reject) => {
		let value: string[] = [];
		const finish = (error?: Error) => {
			stdin.off('data', onData);
			stdin.setRawMode(false);
			stdin.pause();
			process.stdout.write('\n');
			if (error) reject(error);
			else resolve(value.join(''));
		};
		const onData = (chunk: string) => {
			for (const ch of chunk) {
				if (ch === '\r' || ch === '\n') return finish();
				if (ch === '\u0003' || ch === '\u0004') return finish(new Error('Cancelled'));
				if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
				else if (ch >= ' ') value.push(ch);
			}
		};
		stdin.on('data', onData);
	});
}

/** Why a password was refused, in Spanish and English (the operator may read either). */
function refused(reason: string): string {
	return `Contraseña rechazada: ${localiseMessage(reason, 'es')}\nPassword refused: ${reason}`;
}

main().catch((error: unknown) => {
	if (error instanceof ServiceError && error.code === 'weak_password') {
		const details = (error.details ?? {}) as Record<string, unknown>;
		console.error(refused(typeof details.password === 'string' ? details.password : error.message));
	} else if (error instanceof UserError) console.error(error.message);
	else console.error(error instanceof Error ? error.message : error);
	process.exitCode = 1;
});
