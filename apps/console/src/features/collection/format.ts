import { nameOf } from '../../api/messages';
import type { CollectionLoad, ExpectedGood } from '../../api/types';
import type { I18n } from '../../i18n/i18n';
import { zonedLocal } from '../../shared/dates';

/** A window as people read it: its day and hours on the Paris clock, the day once if it is one. */
export function windowText(window: { from: string; until: string }, i18n: I18n): string {
  const from = zonedLocal(window.from);
  const until = zonedLocal(window.until);
  if (from.slice(0, 10) === until.slice(0, 10))
    return i18n.t('collection.windowText', {
      day: i18n.day(from.slice(0, 10)),
      from: from.slice(11),
      until: until.slice(11),
    });
  return i18n.t('collection.windowSpan', {
    from: i18n.moment(window.from),
    until: i18n.moment(window.until),
  });
}

/** The hour on the Paris clock, `09:24`: an ETA on the day the page shows. */
export function hourOf(iso: string): string {
  return zonedLocal(iso).slice(11);
}

/** A load by its dimensions, those above zero only: `22 kg · 0,4 m³ · 1 objet encombrant`. */
export function loadText(load: CollectionLoad, i18n: I18n): string {
  const parts = [`${i18n.number(load.kg)} kg`];
  if (load.m3 > 0) parts.push(`${i18n.number(load.m3)} m³`);
  if (load.crates > 0) parts.push(i18n.t('collection.crates', { count: load.crates }));
  if (load.items > 0) parts.push(i18n.t('collection.items', { count: load.items }));
  return parts.join(' · ');
}

/** A good expected or collected, in a few words. */
export function goodText(good: ExpectedGood, i18n: I18n): string {
  switch (good.kind) {
    case 'item':
      return [good.make, good.model, good.serialNumber].filter(Boolean).join(' ');
    case 'lot':
      return `${good.materialFamily}, ${i18n.number(Number(good.quantity))} ${nameOf('unit', good.unit, i18n)}`;
    case 'pool':
      return `${i18n.number(good.count)} × ${good.containerType}`;
    case 'bulk':
      return nameOf('material', good.material, i18n);
  }
}

export function goodsText(goods: readonly ExpectedGood[], i18n: I18n): string {
  return goods.map((g) => goodText(g, i18n)).join(' ; ');
}
