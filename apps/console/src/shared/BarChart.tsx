import { useDomId } from './form';
import { drawBars, type Bar } from './bar-chart';

/** Each bar's row: its label and value on a line, the bar under it. */
const ROW = 52;
const BAR = 18;

/**
 * A horizontal bar chart in SVG, drawn here (no chart library): lengths in percent of the
 * width, so it fits a phone and a desktop alike and its text stays the page's size. Read
 * as one image by a screen reader (its title and a summary); the numbers themselves are in
 * the data table the page shows with it. Bars and text meet WCAG's contrasts on white.
 */
export function BarChart({
  title,
  summary,
  bars,
  format,
}: {
  title: string;
  /** What the chart shows, in a sentence, for who does not see it. */
  summary: string;
  bars: readonly Bar[];
  format: (value: number) => string;
}) {
  const id = useDomId('chart');
  const drawn = drawBars(bars);
  return (
    <figure className="chart">
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <svg
        className="chart__svg"
        width="100%"
        height={drawn.length * ROW}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {drawn.map((bar, index) => (
          <g key={bar.key} className="chart__bar" data-key={bar.key}>
            <text x="0" y={index * ROW + 18} className="chart__label">
              {bar.label} : <tspan className="chart__value">{format(bar.value)}</tspan>
            </text>
            <rect
              x="0"
              y={index * ROW + 26}
              width="100%"
              height={BAR}
              rx="3"
              className="chart__track"
            />
            <rect
              x="0"
              y={index * ROW + 26}
              width={`${bar.percent}%`}
              height={BAR}
              rx="3"
              className="chart__fill"
            />
          </g>
        ))}
      </svg>
    </figure>
  );
}
