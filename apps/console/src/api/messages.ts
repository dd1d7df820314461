import type { I18n } from '../i18n/catalogue';
import { codeOf, type Problem } from './problem';

/**
 * The gateway and the services speak English in their problems (`detail`, each field's
 * `message`). A person reads them in their own language: the rules the console knows are
 * said again in French; anything else is shown as the API wrote it (marked `lang="en"`).
 */
type Rule = [RegExp, (match: RegExpExecArray, i18n: I18n) => string];

const list = (text: string, i18n: I18n, kind: 'state' | 'gate') =>
  text
    .split(/,\s*/)
    .map((name) => nameOf(kind, name.trim(), i18n))
    .join(', ');

/** A state or gate in the person's words (`refurbishing` → « en réfection »). */
export function nameOf(
  kind:
    | 'state'
    | 'gate'
    | 'kind'
    | 'material'
    | 'mode'
    | 'unit'
    | 'decision'
    | 'role'
    | 'grade'
    | 'route'
    | 'end'
    | 'destination'
    | 'flow'
    | 'organisationKind'
    | 'siteKind'
    | 'pickupKind'
    | 'pickupStatus'
    | 'roundStatus'
    | 'stopStatus'
    | 'skill'
    | 'unplanned'
    | 'missed',
  name: string,
  i18n: I18n,
): string {
  const key = `${kind}.${name}`;
  return i18n.has(key) ? i18n.t(key) : name;
}

const RULES: Rule[] = [
  [/^Invalid input: expected \w+, received undefined$/, (_, i) => i.t('rule.required')],
  [/^Too small: expected string to have >=?1 characters?$/, (_, i) => i.t('rule.required')],
  [
    /^Too small: expected (?:number|int) to be >=?(-?[\d.]+)$/,
    (m, i) => i.t('rule.min', { min: i.number(Number(m[1])) }),
  ],
  [
    /^Too big: expected (?:number|int) to be <=?(-?[\d.]+)$/,
    (m, i) => i.t('rule.max', { max: i.number(Number(m[1])) }),
  ],
  [
    /^Too big: expected string to have <=(\d+) characters$/,
    (m, i) => i.t('rule.maxLength', { max: m[1]! }),
  ],
  [
    /^Too small: expected array to have >=(\d+) items?$/,
    (m, i) => i.t('rule.minItems', { min: m[1]! }),
  ],
  [/^Invalid input: expected (?:number|int), received \w+$/, (_, i) => i.t('rule.number')],
  [/^Invalid UUID$/, (_, i) => i.t('rule.uuid')],
  [/^Invalid ISO date$/, (_, i) => i.t('rule.day')],
  [/^Invalid ISO datetime$/, (_, i) => i.t('rule.moment')],
  [/^Invalid option: expected one of/, (_, i) => i.t('rule.option')],
  [
    /^Too big: expected array to have <=(\d+) items?$/,
    (m, i) => i.t('rule.maxItems', { max: m[1]! }),
  ],
  [/^unknown field$/, (_, i) => i.t('rule.unknownField')],
  [/^must be after availableFrom$/, (_, i) => i.t('rule.afterStart')],
  [/^must be in the future$/, (_, i) => i.t('rule.inFuture')],
  [/^must be an ISO 9999 class/, (_, i) => i.t('rule.isoClass')],
  [/^must be at least 1 g \(0\.001 kg\)$/, (_, i) => i.t('rule.atLeastAGram')],
  [/^at most 3 decimal places \(grams\)$/, (_, i) => i.t('rule.toTheGram')],
  [/^must be less than grossWeightKg$/, (_, i) => i.t('rule.tareBelowGross')],
  [/^must be an EU waste code/, (_, i) => i.t('rule.wasteCode')],
  [/^a starred code is hazardous waste/, (_, i) => i.t('rule.hazardousCode')],
  [/^hazardous materials/, (_, i) => i.t('rule.hazardous')],
  [/^must be a positive decimal/, (_, i) => i.t('rule.quantity')],
  [/^must be greater than zero$/, (_, i) => i.t('rule.positive')],
  [/^counted in whole units$/, (_, i) => i.t('rule.wholeUnits')],
  [/^must be an opaque reference/, (_, i) => i.t('rule.opaqueRef')],
  [/^cannot be in the future$/, (_, i) => i.t('rule.future')],
  [
    /^cannot be before the aid's intake, on (\S+)$/,
    (m, i) => i.t('rule.beforeIntake', { day: i.day(m[1]!) }),
  ],
  [
    /^cannot be before the last recorded gate, on (\S+)$/,
    (m, i) => i.t('rule.beforeLastGate', { day: i.day(m[1]!) }),
  ],
  [
    /^checklist incomplete, not done: (.+)$/,
    (m, i) => i.t('rule.checklistIncomplete', { steps: m[1]! }),
  ],
  [
    /^not steps of the (.+) checklist: (.+)$/,
    (m, i) => i.t('rule.checklistUnknown', { model: m[1]!, steps: m[2]! }),
  ],
  [/^a failed quality check needs its reason$/, (_, i) => i.t('rule.qualityReason')],
  [
    /^centre certificate (.+) is not valid today$/,
    (m, i) => i.t('rule.certificateInvalid', { reference: m[1]! }),
  ],
  [
    /^centre certificate (.+) is not one of site \S+, which holds the aid$/,
    (m, i) => i.t('rule.certificateOtherSite', { reference: m[1]! }),
  ],
  [
    /^centre certificate (.+) was revoked on (\S+)$/,
    (m, i) => i.t('rule.certificateRevoked', { reference: m[1]!, day: i.moment(m[2]!) }),
  ],
  [/^(.+) was not triaged as repairable$/, (m, i) => i.t('rule.notRepairable', { good: m[1]! })],
  [
    /^(.+) is ([\w-]+): ([\w-]+) needs the gate\(s\) (.+) recorded first$/,
    (m, i) =>
      i.t('rule.gatesFirst', {
        good: m[1]!,
        state: nameOf('state', m[2]!, i),
        gate: nameOf('gate', m[3]!, i),
        gates: list(m[4]!, i, 'gate'),
      }),
  ],
  [
    /^(.+) is ([\w-]+): ([\w-]+) is recorded while ([\w-]+)$/,
    (m, i) =>
      i.t('rule.gateWhile', {
        good: m[1]!,
        state: nameOf('state', m[2]!, i),
        gate: nameOf('gate', m[3]!, i),
        needed: nameOf('state', m[4]!, i),
      }),
  ],
  [
    /^(.+) is ([\w-]+): it cannot become ([\w-]+) \(allowed next: (.+)\)$/,
    (m, i) =>
      i.t('rule.transition', {
        good: m[1]!,
        state: nameOf('state', m[2]!, i),
        target: nameOf('state', m[3]!, i),
        allowed: m[4] === 'none' ? i.t('rule.none') : list(m[4]!, i, 'state'),
      }),
  ],
  [
    /^(.+) was certified fit for use until (\S+): it must be refurbished and certified again$/,
    (m, i) => i.t('rule.fitForUseOver', { good: m[1]!, day: i.day(m[2]!) }),
  ],
  [/^(.+) is under recall/, (m, i) => i.t('rule.recalled', { good: m[1]! })],
  [
    /^(?:good|hold|site|location|centre certificate|device model|organisation) .+ not found$/,
    (_, i) => i.t('rule.notFound'),
  ],
  [/^not enough stock/, (_, i) => i.t('rule.notEnoughStock')],
  [/^the token has expired$/, (_, i) => i.t('rule.tokenExpired')],
  [/^a bearer token is required$/, (_, i) => i.t('rule.tokenRequired')],
  [
    /^at most (\d+) a minute; try again in (\d+) s$/,
    (m, i) => i.t('rule.rateLimited', { seconds: m[2]! }),
  ],
  [/^try again with the same Idempotency-Key$/, (_, i) => i.t('rule.tryAgain')],
  [/^send a new key for a new request$/, (_, i) => i.t('rule.newKey')],
  [/^must be a phone number$/, (_, i) => i.t('rule.phone')],
  [/^must be an e-mail address$/, (_, i) => i.t('rule.email')],
  [/^give a phone number or an e-mail address$/, (_, i) => i.t('rule.contactOne')],
  [/^name the person the need is for/, (_, i) => i.t('rule.nameThePerson')],
  [/^distance needs a point/, (_, i) => i.t('rule.distanceNeedsPoint')],
];

export interface Said {
  text: string;
  /** The language the text is in: the API's English when the console knows no better. */
  lang: 'fr' | 'en';
}

/** One API message in the person's language, if the console knows its rule. */
export function say(message: string, i18n: I18n): Said {
  if (i18n.language === 'en') return { text: message, lang: 'en' };
  for (const [pattern, render] of RULES) {
    const match = pattern.exec(message);
    if (match) return { text: render(match, i18n), lang: 'fr' };
  }
  return { text: message, lang: 'en' };
}

/** A problem's title, by its type, in the person's language. */
export function titleOf(problem: Problem, i18n: I18n): string {
  const key = `problem.${codeOf(problem)}`;
  return i18n.has(key) ? i18n.t(key) : problem.title;
}
