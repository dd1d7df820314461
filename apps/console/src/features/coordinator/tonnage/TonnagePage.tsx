import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { nameOf } from '../../../api/messages';
import type { TonnageReport } from '../../../api/types';
import { useI18n, type I18n } from '../../../i18n/i18n';
import { BarChart } from '../../../shared/BarChart';
import { ErrorSummary, Field, Loading, PageHeading, ProblemNotice } from '../../../shared/form';
import { DataTable, type Column } from '../../../shared/table';
import { useResource } from '../../../shared/use-resource';
import {
  periodOf,
  reportQuery,
  reuseRate,
  totalsBy,
  type InRow,
  type OutRow,
  type Period,
  type Total,
} from './tonnage';

/**
 * The coordinator's dashboard: tonnes weighed in and gone out over a period, by flow
 * (aids, materials, deposit containers, cardboard and litter), collection mode and
 * destination, each as a chart with its data table (exported as CSV), and the reuse
 * rate. The period lives in the address, so a report can be bookmarked or sent.
 */
export function TonnagePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [params, setParams] = useSearchParams();
  const period = periodOf(params);
  const [draft, setDraft] = useState<Period>(period);
  const [invalid, setInvalid] = useState(false);
  useEffect(() => setDraft(period), [period.from, period.to]);
  const query = reportQuery(period);
  const report = useResource(
    async () =>
      query ? (await unwrap(api.GET('/v1/reports/tonnage', { params: { query } }))).data : null,
    [query?.from, query?.to],
  );

  function apply(event: FormEvent) {
    event.preventDefault();
    if (!reportQuery(draft)) return setInvalid(true);
    setInvalid(false);
    setParams({ from: draft.from, to: draft.to });
  }

  return (
    <section className="dashboard">
      <PageHeading title={t('tonnage.title')}>{t('tonnage.title')}</PageHeading>
      <ErrorSummary
        title={t('form.problems')}
        items={
          invalid
            ? [
                {
                  path: 'to',
                  label: t('tonnage.to'),
                  message: { text: t('tonnage.badPeriod'), lang: i18n.language },
                },
              ]
            : []
        }
      />
      <form className="filters" onSubmit={apply} aria-label={t('tonnage.period')}>
        {(['from', 'to'] as const).map((name) => (
          <Field
            key={name}
            path={name}
            label={t(`tonnage.${name}`)}
            errors={
              invalid && name === 'to'
                ? [{ text: t('tonnage.badPeriod'), lang: i18n.language }]
                : []
            }
            required
          >
            {(props) => (
              <input
                {...props}
                type="date"
                name={name}
                value={draft[name]}
                onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
              />
            )}
          </Field>
        ))}
        <button type="submit" className="button button--primary">
          {t('tonnage.show')}
        </button>
      </form>
      {report.status === 'loading' ? <Loading /> : null}
      {report.status === 'failed' ? <ProblemNotice problem={report.problem} /> : null}
      {report.status === 'ready' ? (
        report.data ? (
          <Report report={report.data} period={period} i18n={i18n} />
        ) : (
          <p className="notice">{t('tonnage.badPeriod')}</p>
        )
      ) : null}
    </section>
  );
}

function Report({ report, period, i18n }: { report: TonnageReport; period: Period; i18n: I18n }) {
  const { t } = i18n;
  const tonnes = (value: number) => t('tonnage.tonnes', { value: i18n.number(value) });
  const rate = reuseRate(report);
  const span = t('tonnage.span', { from: i18n.day(period.from), to: i18n.day(period.to) });
  const suffix = `${period.from}-${period.to}`;
  const name = (kind: 'flow' | 'mode' | 'destination', key: string) => nameOf(kind, key, i18n);

  const summary: { label: string; value: number | null; unit: string }[] = [
    { label: t('tonnage.in'), value: report.inTonnes, unit: 't' },
    { label: t('tonnage.out'), value: report.outTonnes, unit: 't' },
    { label: t('tonnage.stockStart'), value: report.stockStartTonnes, unit: 't' },
    { label: t('tonnage.stockEnd'), value: report.stockEndTonnes, unit: 't' },
    {
      label: t('tonnage.reuseRate'),
      value: rate === null ? null : Math.round(rate * 1000) / 10,
      unit: '%',
    },
  ];

  return (
    <>
      <p>{span}</p>
      <div className="figures">
        <p className="figure">
          <span className="figure__label">{t('tonnage.in')}</span>
          <span className="figure__value">{tonnes(report.inTonnes)}</span>
        </p>
        <p className="figure">
          <span className="figure__label">{t('tonnage.out')}</span>
          <span className="figure__value">{tonnes(report.outTonnes)}</span>
        </p>
        <p className="figure">
          <span className="figure__label">{t('tonnage.reuseRate')}</span>
          <span className="figure__value">
            {rate === null ? '—' : `${i18n.number(Math.round(rate * 1000) / 10, 1)} %`}
          </span>
        </p>
      </div>
      <p className="hint">{t('tonnage.reuseRateHint')}</p>
      <DataTable
        caption={t('tonnage.summary')}
        exportName={`${t('tonnage.summary')}-${suffix}`}
        columns={[
          { label: t('tonnage.indicator'), value: (r) => r.label },
          {
            label: t('tonnage.value'),
            value: (r) => r.value,
            numeric: true,
            cell: (r) => (r.value === null ? '—' : i18n.number(r.value, r.unit === '%' ? 1 : 3)),
          },
          { label: t('tonnage.unit'), value: (r) => r.unit },
        ]}
        rows={summary}
        rowKey={(r) => r.label}
      />

      <div className="charts">
        <ChartWithTable
          title={t('tonnage.inByFlow')}
          keyLabel={t('tonnage.flow')}
          totals={totalsBy(report.in, 'kind')}
          name={(key) => name('flow', key)}
          suffix={suffix}
          i18n={i18n}
        />
        <ChartWithTable
          title={t('tonnage.inByMode')}
          keyLabel={t('tonnage.mode')}
          totals={totalsBy(report.in, 'collectionMode')}
          name={(key) => name('mode', key)}
          suffix={suffix}
          i18n={i18n}
        />
        <ChartWithTable
          title={t('tonnage.outByDestination')}
          keyLabel={t('tonnage.destination')}
          totals={totalsBy(report.out, 'destination')}
          name={(key) => name('destination', key)}
          suffix={suffix}
          i18n={i18n}
        />
        <ChartWithTable
          title={t('tonnage.outByFlow')}
          keyLabel={t('tonnage.flow')}
          totals={totalsBy(report.out, 'kind')}
          name={(key) => name('flow', key)}
          suffix={suffix}
          i18n={i18n}
        />
      </div>

      <h2>{t('tonnage.details')}</h2>
      <DataTable<InRow>
        caption={t('tonnage.inDetails')}
        exportName={`${t('tonnage.inDetails')}-${suffix}`}
        empty={t('tonnage.nothingIn')}
        columns={[
          { label: t('tonnage.mode'), value: (r) => name('mode', r.collectionMode) },
          { label: t('tonnage.flow'), value: (r) => name('flow', r.kind) },
          { label: t('tonnage.tonnesColumn'), value: (r) => r.tonnes, numeric: true },
        ]}
        rows={report.in}
        rowKey={(r) => `${r.collectionMode}-${r.kind}`}
      />
      <DataTable<OutRow>
        caption={t('tonnage.outDetails')}
        exportName={`${t('tonnage.outDetails')}-${suffix}`}
        empty={t('tonnage.nothingOut')}
        columns={[
          { label: t('tonnage.destination'), value: (r) => name('destination', r.destination) },
          { label: t('tonnage.flow'), value: (r) => name('flow', r.kind) },
          { label: t('tonnage.tonnesColumn'), value: (r) => r.tonnes, numeric: true },
        ]}
        rows={report.out}
        rowKey={(r) => `${r.destination}-${r.kind}`}
      />
    </>
  );
}

/** One chart and its numbers: the table under the chart is the chart's data, exported as is. */
function ChartWithTable({
  title,
  keyLabel,
  totals,
  name,
  suffix,
  i18n,
}: {
  title: string;
  keyLabel: string;
  totals: Total[];
  name: (key: string) => string;
  suffix: string;
  i18n: I18n;
}) {
  const { t } = i18n;
  const tonnes = (value: number) => t('tonnage.tonnes', { value: i18n.number(value) });
  const columns: Column<Total>[] = [
    { label: keyLabel, value: (r) => name(r.key) },
    { label: t('tonnage.tonnesColumn'), value: (r) => r.tonnes, numeric: true },
  ];
  const all = Math.round(totals.reduce((sum, r) => sum + r.tonnes * 1000, 0)) / 1000;
  return (
    <section className="chart-block" aria-label={title}>
      {totals.length ? (
        <>
          <BarChart
            title={title}
            summary={t('tonnage.chartSummary', {
              count: totals.length,
              first: name(totals[0]!.key),
              tonnes: tonnes(totals[0]!.tonnes),
              total: tonnes(all),
            })}
            bars={totals.map((r) => ({ key: r.key, label: name(r.key), value: r.tonnes }))}
            format={tonnes}
          />
          <DataTable
            caption={t('tonnage.dataOf', { chart: title })}
            exportName={`${title}-${suffix}`}
            columns={columns}
            rows={totals}
            rowKey={(r) => r.key}
            footer={[t('tonnage.total'), all]}
          />
        </>
      ) : (
        <>
          <h3 className="chart-empty">{title}</h3>
          <p>{t('tonnage.nothing')}</p>
        </>
      )}
    </section>
  );
}
