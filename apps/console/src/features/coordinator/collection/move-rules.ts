import { nameOf, say, type Said } from '../../../api/messages';
import type { I18n } from '../../../i18n/catalogue';

/**
 * Collection's refusals of a stop moved by hand, in the planner's words. The service names
 * the pickup by its id; a planner knows it by its address, which `addressOf` gives. What
 * is not a rule of a move is said as the other pages say the API's messages.
 */
type MoveRule = [RegExp, (match: RegExpExecArray, i18n: I18n, addressOf: AddressOf) => string];
export type AddressOf = (pickupId: string) => string;

/** libs/routing's dimensions as collection names them in a refusal. */
const DIMENSIONS: Record<string, string> = {
  kg: 'kg',
  'm³': 'm3',
  crates: 'crates',
  items: 'items',
};

const MOVE_RULES: MoveRule[] = [
  [
    /^over the vehicle's capacity in (kg|m³|crates|items) \(\S+ (?:already )?on board (\S+) exceeds the capacity (\S+)\)$/,
    (m, i) =>
      i.t('moveRule.capacity', {
        dimension: i.t(`moveDimension.${DIMENSIONS[m[1]!]!}` as 'moveDimension.kg'),
        load: i.number(Number(m[2]), 3),
        capacity: i.number(Number(m[3]), 3),
      }),
  ],
  [
    /^pickup (\S+) needs (.+), which the vehicle lacks$/,
    (m, i, addressOf) =>
      i.t('moveRule.skills', {
        address: addressOf(m[1]!),
        skills: m[2]!
          .split(/,\s*/)
          .map((s) => nameOf('skill', s, i))
          .join(', '),
      }),
  ],
  [
    /^pickup (\S+) would be outside the pickup's windows? (.+)$/,
    (m, i, addressOf) => i.t('moveRule.window', { address: addressOf(m[1]!), windows: m[2]! }),
  ],
  [/^no time window can be met$/, (_, i) => i.t('moveRule.noWindow')],
  [/^the vehicle is back after its working hours$/, (_, i) => i.t('moveRule.backLate')],
  [/^the vehicle leaves before its working hours$/, (_, i) => i.t('moveRule.leavesEarly')],
  [
    /^the break cannot be taken inside its window$|break is not planned$/,
    (_, i) => i.t('moveRule.break'),
  ],
  [/^must be from 1 to (\d+)$/, (m, i) => i.t('moveRule.sequence', { max: m[1]! })],
  [/^must be a pickup the plan of \S+ may take$/, (_, i) => i.t('moveRule.notPlannable')],
  [/^a new plan of \S+ is being computed/, (_, i) => i.t('moveRule.planning')],
  [/^\S+ has no plan yet/, (_, i) => i.t('moveRule.noPlan')],
  [/^the rounds of \S+ have changed since their plan/, (_, i) => i.t('moveRule.changed')],
  [
    /^round \S+ is [\w-]+: only the stops of a round not yet started/,
    (_, i) => i.t('moveRule.started'),
  ],
  [/^pickup \S+ is [\w-]+: only a pickup still to be collected/, (_, i) => i.t('moveRule.done')],
];

/** One message of a move's refusal (its detail, or one of its fields' messages). */
export function sayMoveRule(message: string, i18n: I18n, addressOf: AddressOf): Said {
  if (i18n.language === 'en') return { text: message, lang: 'en' };
  for (const [pattern, render] of MOVE_RULES) {
    const match = pattern.exec(message);
    if (match) return { text: render(match, i18n, addressOf), lang: 'fr' };
  }
  return say(message, i18n);
}
