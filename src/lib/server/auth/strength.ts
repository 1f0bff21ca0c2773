import { installPasswordScorer, passwordProblem, type PasswordScorer } from '../../schemas/users';
import { ServiceError } from '../errors';

/**
 * Password strength offline (ASVS 2.1.7): zxcvbn-ts with its common-password, Spanish and
 * English dictionaries, all inside the npm packages, so no password ever leaves the server. The
 * dictionaries are megabytes: they are loaded on the first check (not at start-up, and never in
 * the browser), and installed into the shared schemas (src/lib/schemas/users.ts) so that every
 * schema that sets a password refuses a guessable one with a message at the field.
 */

/** Words of this app that an attacker would try with any account. */
const SITE_WORDS = ['resiliencia', 'resilience'];

let loading: Promise<PasswordScorer> | null = null;

export function loadPasswordScorer(): Promise<PasswordScorer> {
	loading ??= (async () => {
		const [{ ZxcvbnFactory }, common, es, en] = await Promise.all([
			import('@zxcvbn-ts/core'),
			import('@zxcvbn-ts/language-common'),
			import('@zxcvbn-ts/language-es-es'),
			import('@zxcvbn-ts/language-en')
		]);
		const zxcvbn = new ZxcvbnFactory({
			graphs: common.adjacencyGraphs,
			dictionary: { ...common.dictionary, ...es.dictionary, ...en.dictionary },
			translations: en.translations
		});
		const scorer: PasswordScorer = (password, userInputs) =>
			zxcvbn.check(password, [...userInputs, ...SITE_WORDS]).score;
		installPasswordScorer(scorer);
		return scorer;
	})().catch((error: unknown) => {
		// Tried again next time; meanwhile no password is accepted unchecked (the caller gets the error).
		loading = null;
		throw error;
	});
	return loading;
}

/**
 * The check that cannot be skipped, inside the service that sets the password: the boundary's
 * schema normally refused first (in the caller's language); this one also knows the email of a
 * user whose password an admin resets or who changes their own.
 */
export async function assertStrongPassword(
	password: string,
	email: string,
	field = 'password'
): Promise<void> {
	await loadPasswordScorer();
	const problem = passwordProblem(password, email);
	if (problem) throw new ServiceError('weak_password', `Password refused: ${problem}`, { [field]: problem });
}
