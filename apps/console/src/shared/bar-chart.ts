/** What a bar chart draws: each bar's length as a share of the largest, in percent. */
export interface Bar {
  key: string;
  label: string;
  value: number;
}

export interface DrawnBar extends Bar {
  /** 0 to 100; a value above zero is never drawn thinner than `MIN_PERCENT`, so it shows. */
  percent: number;
}

export const MIN_PERCENT = 0.75;

export function drawBars(bars: readonly Bar[]): DrawnBar[] {
  const largest = Math.max(0, ...bars.map((b) => b.value));
  return bars.map((bar) => ({
    ...bar,
    percent: largest > 0 && bar.value > 0 ? Math.max(MIN_PERCENT, (bar.value / largest) * 100) : 0,
  }));
}
