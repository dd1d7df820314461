import { useI18n } from '../../../i18n/i18n';
import { useDomId } from '../../../shared/form';
import { fitView, tilesFor, type LatLon } from './projection';

export interface MapStop {
  key: string;
  /** What the marker shows: the stop's number in its round. */
  mark: string;
  /** The stop in words, for the table and the marker's tooltip. */
  name: string;
  position: LatLon;
  status?: 'pending' | 'collected' | 'missed';
}

export interface MapRoute {
  key: string;
  name: string;
  depot: LatLon | null;
  /** In driving order. */
  stops: readonly MapStop[];
}

/**
 * A tile server's URL template (`/tiles/{z}/{x}/{y}.png`), given when the console is built
 * (`VITE_MAP_TILES`). None by default: this cluster's machines reach no tile server, and
 * the console's pages load images from their own origin only, so a server must be served
 * under it (behind the same proxy). Without one the map is the points and routes alone.
 */
const TILES: string | undefined = import.meta.env['VITE_MAP_TILES'] as string | undefined;
const ATTRIBUTION: string | undefined = import.meta.env['VITE_MAP_ATTRIBUTION'] as
  string | undefined;

/**
 * Colours of the rounds, each at least 3:1 on white and on the others' lines (WCAG 1.4.11);
 * a round's line also has its own dash, so that colour is never the only difference.
 */
const COLOURS = ['#0b4f8a', '#b3261e', '#1b6e3a', '#6b3fa0', '#8a5300', '#005f73'];
const DASHES = ['', '10 6', '3 5', '14 4 3 4', '6 3', '1 4'];

/**
 * Rounds on a map drawn in SVG: the depot, the stops numbered in driving order, the route
 * from the depot and back, pickups on no round as hollow markers. Read as one image by a
 * screen reader (its title and a sentence); the same points are in a table under it.
 */
export function RouteMap({
  title,
  summary,
  routes,
  loose = [],
  looseName,
  width = 800,
  height = 480,
}: {
  title: string;
  summary: string;
  routes: readonly MapRoute[];
  /** Pickups on no round, drawn apart. */
  loose?: readonly MapStop[];
  looseName?: string;
  width?: number;
  height?: number;
}) {
  const { t, number } = useI18n();
  const id = useDomId('map');
  const positions = [
    ...routes.flatMap((r) => [...(r.depot ? [r.depot] : []), ...r.stops.map((s) => s.position)]),
    ...loose.map((s) => s.position),
  ];
  const view = fitView(positions, { width, height, padding: 36 });
  const tiles = TILES ? tilesFor(view, TILES) : [];
  const at = (position: LatLon) => {
    const p = view.project(position);
    return { x: Math.round(p.x * 10) / 10, y: Math.round(p.y * 10) / 10 };
  };
  const rows = [
    ...routes.flatMap((route) => [
      ...(route.depot
        ? [
            {
              key: `${route.key}-depot`,
              group: route.name,
              mark: t('map.depot'),
              name: t('map.depot'),
              position: route.depot,
            },
          ]
        : []),
      ...route.stops.map((s) => ({ ...s, key: `${route.key}-${s.key}`, group: route.name })),
    ]),
    ...loose.map((s) => ({ ...s, key: `loose-${s.key}`, group: looseName ?? t('map.loose') })),
  ];

  return (
    <figure className="route-map">
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <svg
        className="route-map__svg"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <rect width={width} height={height} className="route-map__ground" />
        {tiles.map((tile) => (
          <image
            key={tile.key}
            href={tile.href}
            x={tile.x}
            y={tile.y}
            width={tile.size}
            height={tile.size}
            preserveAspectRatio="none"
          />
        ))}
        {routes.map((route, index) => {
          const colour = COLOURS[index % COLOURS.length]!;
          const line = [
            ...(route.depot ? [route.depot] : []),
            ...route.stops.map((s) => s.position),
            ...(route.depot ? [route.depot] : []),
          ]
            .map(at)
            .map((p) => `${p.x},${p.y}`)
            .join(' ');
          return (
            <g key={route.key} className="route-map__route" data-route={route.key}>
              <polyline
                points={line}
                fill="none"
                stroke={colour}
                strokeWidth={4}
                strokeDasharray={DASHES[index % DASHES.length] || undefined}
                strokeLinejoin="round"
              />
              {route.depot ? (
                <Depot at={at(route.depot)} colour={colour} label={t('map.depot')} />
              ) : null}
              {route.stops.map((stop) => (
                <Marker key={stop.key} stop={stop} at={at(stop.position)} colour={colour} />
              ))}
            </g>
          );
        })}
        {loose.map((stop) => (
          <Marker key={stop.key} stop={stop} at={at(stop.position)} colour="#4a4a4a" hollow />
        ))}
        {TILES && ATTRIBUTION ? (
          <text x={width - 6} y={height - 6} textAnchor="end" className="route-map__credit">
            {ATTRIBUTION}
          </text>
        ) : null}
      </svg>
      {routes.length > 1 || loose.length ? (
        <ul className="route-map__legend" aria-label={t('map.legend')}>
          {routes.map((route, index) => (
            <li key={route.key}>
              <svg width="40" height="12" aria-hidden="true" focusable="false">
                <line
                  x1="0"
                  y1="6"
                  x2="40"
                  y2="6"
                  stroke={COLOURS[index % COLOURS.length]}
                  strokeWidth={4}
                  strokeDasharray={DASHES[index % DASHES.length] || undefined}
                />
              </svg>
              {route.name}
            </li>
          ))}
          {loose.length ? (
            <li>
              <svg width="40" height="20" aria-hidden="true" focusable="false">
                <circle cx="20" cy="10" r="8" fill="#fff" stroke="#4a4a4a" strokeWidth={3} />
              </svg>
              {looseName ?? t('map.loose')}
            </li>
          ) : null}
        </ul>
      ) : null}
      <details className="route-map__table">
        <summary>{t('map.asTable')}</summary>
        <table>
          <caption className="visually-hidden">{t('map.tableCaption', { title })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('map.group')}</th>
              <th scope="col">{t('map.mark')}</th>
              <th scope="col">{t('map.place')}</th>
              <th scope="col" className="number">
                {t('map.latitude')}
              </th>
              <th scope="col" className="number">
                {t('map.longitude')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <td>{row.group}</td>
                <td>{row.mark}</td>
                <td>{row.name}</td>
                <td className="number">{number(row.position.latitude, 5)}</td>
                <td className="number">{number(row.position.longitude, 5)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function Depot({
  at,
  colour,
  label,
}: {
  at: { x: number; y: number };
  colour: string;
  label: string;
}) {
  return (
    <g className="route-map__depot">
      <title>{label}</title>
      <rect
        x={at.x - 13}
        y={at.y - 13}
        width={26}
        height={26}
        rx={3}
        fill="#fff"
        stroke={colour}
        strokeWidth={4}
      />
      <text
        x={at.x}
        y={at.y + 6}
        textAnchor="middle"
        className="route-map__depot-mark"
        fill={colour}
      >
        D
      </text>
    </g>
  );
}

function Marker({
  stop,
  at,
  colour,
  hollow = false,
}: {
  stop: MapStop;
  at: { x: number; y: number };
  colour: string;
  hollow?: boolean;
}) {
  // A stop done is drawn pale, a stop missed crossed: its number stays readable.
  const done = stop.status === 'collected' || stop.status === 'missed';
  const filled = !hollow && !done;
  return (
    <g className="route-map__stop" data-status={stop.status}>
      <title>{stop.name}</title>
      <circle
        cx={at.x}
        cy={at.y}
        r={15}
        fill={filled ? colour : '#fff'}
        stroke={colour}
        strokeWidth={3}
        strokeDasharray={stop.status === 'missed' ? '4 3' : undefined}
      />
      <text
        x={at.x}
        y={at.y + 5.5}
        textAnchor="middle"
        className="route-map__mark"
        fill={filled ? '#fff' : colour}
      >
        {stop.mark}
      </text>
    </g>
  );
}
