import { z } from 'zod';
import { CategoryId } from '$lib/domain/categories';

/** Query-string pieces shared by the statistics, survey and analysis routes. */

export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM');

/** `category=homicide,extortion`: known ids, at least one, duplicates dropped. */
export const CategoryList = z
	.string()
	.max(400)
	.transform((text, ctx) => {
		const ids = [
			...new Set(
				text
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean)
			)
		];
		if (ids.length === 0) ctx.addIssue({ code: 'custom', message: 'give at least one category' });
		for (const id of ids) {
			if (!CategoryId.safeParse(id).success)
				ctx.addIssue({ code: 'custom', message: `unknown category "${id.slice(0, 40)}"` });
		}
		return ids as CategoryId[];
	});

/** `fdr=true` or `1`: a yes/no switch in a query string. */
export const Flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
