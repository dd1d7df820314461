import QRCode from 'qrcode';
import { Link, useSearchParams } from 'react-router';
import type { Good } from '../../../api/types';
import { useI18n } from '../../../i18n/i18n';
import { Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { useResource } from '../../../shared/use-resource';
import { designation, passportUrl, shortId } from '../../goods/describe';
import { loadGood } from '../../goods/load';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A sheet is printed at once; more goods than this go on another sheet. */
const MAX_LABELS = 60;

interface Label {
  good: Good;
  url: string;
  /** The QR code as SVG markup, made here from the passport's address (no network). */
  svg: string;
}

/**
 * Labels to stick on aids and lots, one per good: a QR code of the passport's address,
 * what the good is and its short id, printed from the browser (the print style keeps
 * only the labels, each whole on its page).
 */
export function LabelsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params] = useSearchParams();
  const ids = [
    ...new Set((params.get('ids') ?? '').split(',').filter((id) => UUID.test(id))),
  ].slice(0, MAX_LABELS);
  const labels = useResource(
    () =>
      Promise.all(
        ids.map(async (id): Promise<Label> => {
          const { good } = await loadGood(id);
          const url = passportUrl(id);
          const svg = await QRCode.toString(url, {
            type: 'svg',
            errorCorrectionLevel: 'M',
            margin: 1,
          });
          return { good, url, svg };
        }),
      ),
    [ids.join(',')],
  );

  return (
    <section className="labels-page">
      <div className="no-print">
        <PageHeading title={t('labels.title')}>{t('labels.title')}</PageHeading>
        {ids.length === 0 ? (
          <p>{t('labels.none')}</p>
        ) : (
          <p>{t('labels.intro', { count: ids.length })}</p>
        )}
      </div>
      {labels.status === 'loading' && ids.length ? <Loading /> : null}
      {labels.status === 'failed' ? <ProblemNotice problem={labels.problem} /> : null}
      {labels.status === 'ready' && labels.data.length ? (
        <>
          <div className="actions no-print">
            <button
              type="button"
              className="button button--primary button--large"
              onClick={() => window.print()}
            >
              {t('labels.print')}
            </button>
          </div>
          <ul className="label-sheet" aria-label={t('labels.sheet')}>
            {labels.data.map(({ good, url, svg }) => {
              const name = designation(good, i18n);
              // An aid's label names its model, its serial number on a line of its own.
              const shown =
                good.kind === 'item' && good.make ? `${good.make} ${good.model ?? ''}` : name;
              return (
                <li key={good.id} className="label">
                  <div
                    className="label__qr"
                    role="img"
                    aria-label={t('labels.qrOf', { name })}
                    // The markup is qrcode's own SVG of the passport's address, never text a person typed.
                    dangerouslySetInnerHTML={{ __html: svg }}
                  />
                  <div className="label__text">
                    <p className="label__brand">Boucle · {t(`kind.${good.kind}`)}</p>
                    <p className="label__name">{shown}</p>
                    {good.kind === 'item' && good.serialNumber ? (
                      <p>
                        {t('labels.serial')} <strong>{good.serialNumber}</strong>
                      </p>
                    ) : null}
                    <p>
                      {t('labels.id')} <strong className="label__id">{shortId(good.id)}</strong>
                    </p>
                    <p className="label__url">
                      <Link to={`/goods/${good.id}/passport`}>
                        {url.replace(/^https?:\/\//, '')}
                      </Link>
                    </p>
                  </div>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </section>
  );
}
