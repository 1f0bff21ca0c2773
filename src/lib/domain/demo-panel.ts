import { QUESTIONNAIRE, type Questionnaire } from './questionnaire';
import { seededRandom } from './random';

/**
 * DEMONSTRATION DATA: a simulated leaders' panel, reproducible from a seed, because the
 * programme's real answers are not public. Each leader has a lasting attitude to each provider;
 * each municipality's climate drifts month by month (a random walk) with occasional shocks (a
 * massacre, a successful dialogue); answers are the rounded sum plus noise. 3 % of answers are
 * "don't know", 6 % of leaders skip a wave, and 0.8 % leave the panel each month for good.
 */

export type DemoRespondent = {
	municipality: string;
	pseudonym: string;
	sector: string;
	sex: 'F' | 'M';
	area: 'rural' | 'urban';
};
export type DemoAnswer = {
	respondent: number;
	wave: string;
	question: string;
	value: number | null;
	category: string | null;
};

function months(from: string, to: string): string[] {
	const out: string[] = [];
	let [y, m] = from.split('-').map(Number) as [number, number];
	const [ty, tm] = to.split('-').map(Number) as [number, number];
	while (y < ty || (y === ty && m <= tm)) {
		out.push(`${y}-${String(m).padStart(2, '0')}`);
		[y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
	}
	return out;
}

/** Mean starting trust per provider on the 1–5 scale (the army and police lower in rural areas). */
const BASE: Record<string, number> = {
	police: 2.6,
	army: 2.8,
	prosecutors: 2.4,
	judges: 2.5,
	mayor: 2.9,
	ombudsman: 3.4,
	personeria: 3.2
};

const URGENT = [
	'forced-recruitment',
	'micro-trafficking',
	'threats-to-leaders',
	'extortion',
	'illicit-crops',
	'forced-displacement',
	'gender-based-violence'
];

export function generateDemoPanel(
	params: {
		seed: number;
		from: string;
		to: string;
		respondentsPerMunicipality: number;
		municipalities: string[];
	},
	q: Questionnaire = QUESTIONNAIRE
): { respondents: DemoRespondent[]; answers: DemoAnswer[]; waves: string[] } {
	const random = seededRandom(params.seed);
	const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
	const waves = months(params.from, params.to);
	const respondents: DemoRespondent[] = [];
	const answers: DemoAnswer[] = [];
	for (const municipality of params.municipalities) {
		const place = normal() * 0.35;
		// Climate per provider, drifting by wave.
		const climate = new Map(q.providers.map((p) => [p.id, place + normal() * 0.25]));
		let safety = 2.6 + normal() * 0.4;
		const favourite = URGENT[Math.floor(random() * URGENT.length)]!;
		const first = respondents.length;
		for (let i = 0; i < params.respondentsPerMunicipality; i++) {
			respondents.push({
				municipality,
				pseudonym: `L${String(i + 1).padStart(3, '0')}`,
				sector: q.sectors[Math.floor(random() * q.sectors.length)]!,
				sex: random() < 0.52 ? 'F' : 'M',
				area: random() < 0.6 ? 'rural' : 'urban'
			});
		}
		const attitude = respondents
			.slice(first)
			.map(
				(r) =>
					new Map(
						q.providers.map((p) => [
							p.id,
							normal() * 0.7 + (r.area === 'rural' && (p.id === 'police' || p.id === 'army') ? -0.3 : 0)
						])
					)
			);
		const active = new Array(params.respondentsPerMunicipality).fill(true);
		for (const wave of waves) {
			// A shock now and then moves every provider in the municipality together.
			const shock = random() < 0.06 ? (random() < 0.5 ? -0.7 : 0.5) : 0;
			for (const [id, value] of climate) climate.set(id, value * 0.97 + normal() * 0.08 + shock + 0.01);
			safety = Math.min(4.5, Math.max(1.2, safety + normal() * 0.12 + shock * 0.6));
			for (let i = 0; i < params.respondentsPerMunicipality; i++) {
				if (!active[i]) continue;
				if (random() < 0.008) {
					active[i] = false;
					continue;
				}
				if (random() < 0.06) continue;
				const respondent = first + i;
				const answer = (latent: number) =>
					random() < 0.03 ? null : Math.min(5, Math.max(1, Math.round(latent + normal() * 0.6)));
				for (const provider of q.providers) {
					const latent =
						(BASE[provider.id] ?? 2.8) + climate.get(provider.id)! + attitude[i]!.get(provider.id)!;
					answers.push({
						respondent,
						wave,
						question: `trust:${provider.id}`,
						value: answer(latent),
						category: null
					});
				}
				answers.push({
					respondent,
					wave,
					question: 'rural-safety',
					value: answer(safety + normal() * 0.4),
					category: null
				});
				const category = random() < 0.5 ? favourite : URGENT[Math.floor(random() * URGENT.length)]!;
				answers.push({ respondent, wave, question: 'urgent-issue', value: null, category });
			}
		}
	}
	return { respondents, answers, waves };
}
