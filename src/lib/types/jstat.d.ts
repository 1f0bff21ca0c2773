// jstat ships no types; only what Resiliencia uses is declared.
declare module 'jstat' {
	const jStat: {
		studentt: { inv(p: number, dof: number): number; cdf(x: number, dof: number): number };
	};
	export default jStat;
}
