import type { MessageKey } from '../i18n/fr';
import { parseDecimal, quantityText } from './numbers';

/**
 * What the console itself finds wrong in a form before sending it, named by the field's
 * API path, so that its checks and the gateway's refusals show in the same place.
 */
export interface Check {
  path: string;
  rule: MessageKey;
  params?: Record<string, string | number>;
}

/** Collects a form's checks while its request is built. */
export class Checks {
  readonly found: Check[] = [];

  fail(path: string, rule: MessageKey, params?: Check['params']): undefined {
    this.found.push(params ? { path, rule, params } : { path, rule });
    return undefined;
  }

  get ok(): boolean {
    return this.found.length === 0;
  }

  /** Trimmed text, required or not, at most `max` characters. */
  text(path: string, value: string, { required = true, max = 200 } = {}): string | undefined {
    const text = value.trim();
    if (!text) return required ? this.fail(path, 'rule.required') : undefined;
    if (text.length > max) return this.fail(path, 'rule.maxLength', { max });
    return text;
  }

  /** A positive quantity as the API takes it (a decimal string), whole when counted in units. */
  quantity(path: string, value: string, unit: string): string | undefined {
    if (!value.trim()) return this.fail(path, 'rule.required');
    const quantity = quantityText(value);
    if (!quantity) return this.fail(path, 'rule.quantity');
    if (unit === 'unit' && !/^\d+(\.0{1,3})?$/.test(quantity))
      return this.fail(path, 'rule.wholeUnits');
    return quantity;
  }

  /** Kilograms to the gram, at least 1 g. */
  weight(path: string, value: string, { required = false } = {}): number | undefined {
    if (!value.trim()) return required ? this.fail(path, 'rule.required') : undefined;
    const kg = parseDecimal(value);
    if (kg === undefined) return this.fail(path, 'rule.number');
    if (kg < 0.001) return this.fail(path, 'rule.atLeastAGram');
    if (Math.abs(kg * 1000 - Math.round(kg * 1000)) > 1e-6)
      return this.fail(path, 'rule.toTheGram');
    return kg;
  }

  /** A whole number within bounds. */
  whole(path: string, value: string, min: number, max: number): number | undefined {
    if (!value.trim()) return this.fail(path, 'rule.required');
    const n = parseDecimal(value);
    if (n === undefined || !Number.isInteger(n)) return this.fail(path, 'rule.whole');
    if (n < min) return this.fail(path, 'rule.min', { min });
    if (n > max) return this.fail(path, 'rule.max', { max });
    return n;
  }

  /** An EU waste code of something reusable: `17 02 01`, never a starred (hazardous) one. */
  wasteCode(path: string, value: string): string | undefined {
    const code = value.trim().replace(/\s+/g, ' ');
    if (!code) return this.fail(path, 'rule.required');
    if (code.endsWith('*')) return this.fail(path, 'rule.hazardousCode');
    if (!/^\d{2} \d{2} \d{2}$/.test(code)) return this.fail(path, 'rule.wasteCode');
    return code;
  }

  /** One of the choices offered. */
  choice<T extends string>(path: string, value: T | ''): T | undefined {
    return value ? value : this.fail(path, 'rule.choose');
  }
}

/** Lines of a text area, trimmed, blank ones left out. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}
