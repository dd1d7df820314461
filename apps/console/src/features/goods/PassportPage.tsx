import { Link, useParams } from 'react-router';
import { nameOf } from '../../api/messages';
import type { Passport } from '../../api/types';
import { groupsOf } from '../../app/groups';
import { useI18n, type I18n } from '../../i18n/i18n';
import { useSession } from '../../session/session';
import { Loading, PageHeading, ProblemNotice } from '../../shared/form';
import { useResource } from '../../shared/use-resource';
import { designation, shortId } from './describe';
import { loadGood, loadPassport } from './load';
import { LABELLED } from './states';

/**
 * A good's passport: what it is, where its stock is, who holds some of it, and its whole
 * history (every movement and refurbishment record, with who did it). Labels point here.
 */
export function PassportPage() {
  const { goodId = '' } = useParams();
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const groups = session ? groupsOf(session.role).map((g) => g.id) : [];
  const resource = useResource(async () => {
    const [{ good }, passport] = await Promise.all([loadGood(goodId), loadPassport(goodId)]);
    return { good, passport };
  }, [goodId]);
  if (resource.status === 'loading') return <Loading />;
  if (resource.status === 'failed')
    return (
      <section>
        <PageHeading title={t('passport.title')}>{t('passport.title')}</PageHeading>
        <ProblemNotice problem={resource.problem} />
      </section>
    );
  const { good, passport } = resource.data;
  const name = designation(good, i18n);
  const unit = nameOf('unit', good.unit, i18n);
  return (
    <article className="passport">
      <PageHeading title={`${t('passport.title')} · ${name}`}>
        <span className="eyebrow">{t('passport.title')}</span> {name}
      </PageHeading>
      {good.activeRecall ? (
        <div className="notice notice--problem">
          <h2>{t('passport.recalled')}</h2>
          <p lang="en">{good.activeRecall.reason}</p>
        </div>
      ) : null}
      <div className="actions">
        {LABELLED.includes(good.kind) && groups.includes('operator') ? (
          <Link className="button" to={`/labels?ids=${good.id}`}>
            {t('passport.label')}
          </Link>
        ) : null}
        {good.kind === 'item' && groups.includes('refurbisher') ? (
          <Link className="button" to={`/workshop/aids/${good.id}`}>
            {t('passport.workshop')}
          </Link>
        ) : null}
      </div>
      <dl className="facts">
        <dt>{t('passport.kind')}</dt>
        <dd>{nameOf('kind', good.kind, i18n)}</dd>
        <dt>{t('passport.state')}</dt>
        <dd>
          <span className="state">{nameOf('state', good.state, i18n)}</span>
        </dd>
        <dt>{t('passport.id')}</dt>
        <dd>
          <code>{good.id}</code>
        </dd>
        {good.kind === 'item' ? (
          <>
            <dt>{t('passport.cycle')}</dt>
            <dd>{good.refurbishmentCycle}</dd>
            <dt>{t('passport.lifetimeStartsOn')}</dt>
            <dd>
              {passport.lifetimeStartsOn
                ? `${i18n.day(passport.lifetimeStartsOn)} (${t(passport.lifetimeBasis === 'first-use' ? 'passport.firstUse' : 'passport.manufacture')})`
                : t('passport.unknown')}
            </dd>
            <dt>{t('passport.fitForUseUntil')}</dt>
            <dd>
              {passport.fitForUseUntil
                ? i18n.day(passport.fitForUseUntil)
                : t('passport.notCertified')}
            </dd>
          </>
        ) : null}
        {passport.donorId ? (
          <>
            <dt>{t('passport.donor')}</dt>
            <dd>
              <Link to={`/goods/${passport.donorId}/passport`}>{shortId(passport.donorId)}</Link>
            </dd>
          </>
        ) : null}
      </dl>

      <section aria-labelledby="stock-heading">
        <h2 id="stock-heading">{t('passport.stock')}</h2>
        {good.balances.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('passport.state')}</th>
                <th scope="col">{t('passport.location')}</th>
                <th scope="col" className="number">
                  {t('passport.quantity')}
                </th>
              </tr>
            </thead>
            <tbody>
              {good.balances.map((b) => (
                <tr key={`${b.state}-${b.locationId}`}>
                  <td>{nameOf('state', b.state, i18n)}</td>
                  <td>
                    <code>{shortId(b.locationId)}</code>
                  </td>
                  <td className="number">
                    {i18n.number(Number(b.quantity))} {unit}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('passport.noStock')}</p>
        )}
      </section>

      <section aria-labelledby="holds-heading">
        <h2 id="holds-heading">{t('passport.holds')}</h2>
        {good.activeHolds.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('passport.hold')}</th>
                <th scope="col">{t('passport.holder')}</th>
                <th scope="col" className="number">
                  {t('passport.quantity')}
                </th>
                <th scope="col">{t('passport.expiresAt')}</th>
                {groups.includes('operator') ? <th scope="col">{t('passport.action')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {good.activeHolds.map((h) => (
                <tr key={h.holdId}>
                  <td>
                    <code>{shortId(h.holdId)}</code>
                  </td>
                  <td>
                    <code>{h.holderId}</code>
                  </td>
                  <td className="number">
                    {i18n.number(Number(h.quantity))} {unit}
                  </td>
                  <td>{i18n.moment(h.expiresAt)}</td>
                  {groups.includes('operator') ? (
                    <td>
                      <Link to={`/holds/${h.holdId}/hand-over?goodId=${good.id}`}>
                        {t('passport.handOver')}
                      </Link>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{t('passport.noHolds')}</p>
        )}
      </section>

      {passport.refurbishment.length ? <Gates passport={passport} i18n={i18n} /> : null}

      <section aria-labelledby="movements-heading">
        <h2 id="movements-heading">{t('passport.movements')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('passport.at')}</th>
              <th scope="col">{t('passport.from')}</th>
              <th scope="col">{t('passport.to')}</th>
              <th scope="col" className="number">
                {t('passport.quantity')}
              </th>
              <th scope="col">{t('passport.reason')}</th>
              <th scope="col">{t('passport.by')}</th>
            </tr>
          </thead>
          <tbody>
            {passport.movements.map((m) => (
              <tr key={m.movementId}>
                <td>{i18n.moment(m.at)}</td>
                <td>{m.from ? nameOf('state', m.from.state, i18n) : t('passport.entered')}</td>
                <td>{m.to ? nameOf('state', m.to.state, i18n) : t('passport.left')}</td>
                <td className="number">
                  {i18n.number(Number(m.quantity))} {unit}
                </td>
                <td lang="en">{m.reason}</td>
                <td>{nameOf('role', m.actor.role, i18n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </article>
  );
}

function Gates({ passport, i18n }: { passport: Passport; i18n: I18n }) {
  const { t } = i18n;
  return (
    <section aria-labelledby="gates-heading">
      <h2 id="gates-heading">{t('passport.gates')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('passport.cycle')}</th>
            <th scope="col">{t('passport.gate')}</th>
            <th scope="col">{t('passport.at')}</th>
            <th scope="col">{t('passport.by')}</th>
            <th scope="col">{t('passport.details')}</th>
          </tr>
        </thead>
        <tbody>
          {passport.refurbishment.map((r, index) => (
            <tr key={index}>
              <td>{r.cycle}</td>
              <td>{nameOf('gate', r.gate, i18n)}</td>
              <td>{i18n.moment(r.at)}</td>
              <td>{nameOf('role', r.actor.role, i18n)}</td>
              <td>{gateDetails(r.gate, r.data, i18n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function gateDetails(gate: string, data: Record<string, unknown>, i18n: I18n): string {
  const { t } = i18n;
  switch (gate) {
    case 'triage':
      return nameOf('decision', String(data['decision']), i18n);
    case 'checklist':
      return t('passport.stepsDone', {
        count: Array.isArray(data['steps']) ? data['steps'].length : 0,
      });
    case 'quality-check':
      return data['passed'] === true
        ? t('passport.passed')
        : `${t('passport.failed')} : ${text(data['reason'])}`;
    case 'disinfection':
      return `${i18n.day(String(data['performedOn']))} · ${String(data['method'])}`;
    case 'certification':
      return t('passport.certifiedUnder', {
        reference: text(data['certificateReference']),
        until: typeof data['fitForUseUntil'] === 'string' ? i18n.day(data['fitForUseUntil']) : '—',
      });
    default:
      return '';
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
