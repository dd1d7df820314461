import { nameOf } from '../../api/messages';
import type { Good, ListedGood } from '../../api/types';
import type { I18n } from '../../i18n/catalogue';

/** A short id people can read out: the first 8 characters of the UUID. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** What a good is, in a few words: an aid by make, model and serial, the rest by what was declared. */
export function designation(good: Good | ListedGood, i18n: I18n): string {
  if (good.kind === 'item' && good.make)
    return i18n.t('good.itemName', {
      make: good.make,
      model: good.model ?? '',
      serial: good.serialNumber ?? '',
    });
  const description = 'description' in good ? good.description : {};
  const what =
    text(description['materialFamily']) ??
    text(description['containerType']) ??
    (text(description['material'])
      ? nameOf('material', text(description['material'])!, i18n)
      : undefined);
  const kind = nameOf('kind', good.kind, i18n);
  return what ? `${kind} · ${what}` : `${kind} ${shortId(good.id)}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The passport's address, which a label's QR code carries. */
export function passportUrl(goodId: string): string {
  return `${window.location.origin}/goods/${goodId}/passport`;
}
