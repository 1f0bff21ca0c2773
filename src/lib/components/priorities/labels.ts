import { categoryById, type CategoryId } from '$lib/domain/categories';
import type { Locale, MessageKey, Translate } from '$lib/i18n';

/** The label of an indicator id: "rate:homicide" → "Tasa suavizada: Homicidio". */
export function indicatorLabel(id: string, t: Translate, locale: Locale): string {
	if (id.startsWith('rate:')) {
		const category = categoryById(id.slice(5) as CategoryId);
		return t(category.unit === 'hectares' ? 'priority.ind.area' : 'priority.ind.rate', {
			name: category.label[locale]
		});
	}
	return t(`priority.ind.${id}` as MessageKey);
}
