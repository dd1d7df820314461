import { say } from '../api/messages';
import { codeOf, fieldErrors, type Problem } from '../api/problem';
import type { I18n } from '../i18n/catalogue';
import type { Check } from './checks';
import type { FieldMessage, SummaryItem } from './form';

/**
 * A form's messages, the console's own checks and the gateway's refusal of its fields
 * together: those of each field (shown next to it) and the summary at the form's top,
 * each line linking to its field when the form shows one by that API path.
 */
export function messagesOf(
  checks: readonly Check[],
  problem: Problem | null,
  i18n: I18n,
  labels: Readonly<Record<string, string>>,
): { at: (path: string) => FieldMessage[]; summary: SummaryItem[] } {
  const server =
    problem && codeOf(problem) === 'validation'
      ? fieldErrors(problem)
      : new Map<string, string[]>();
  const own = (c: Check): FieldMessage => ({ text: i18n.t(c.rule, c.params), lang: i18n.language });
  const item = (path: string, message: FieldMessage): SummaryItem => ({
    ...(path in labels ? { path, label: labels[path] } : {}),
    message,
  });
  return {
    at: (path) => [
      ...checks.filter((c) => c.path === path).map(own),
      ...(server.get(path) ?? []).map((m) => say(m, i18n)),
    ],
    summary: [
      ...checks.map((c) => item(c.path, own(c))),
      ...[...server].flatMap(([path, messages]) => messages.map((m) => item(path, say(m, i18n)))),
    ],
  };
}
