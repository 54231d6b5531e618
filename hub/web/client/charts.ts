import type UPlot from 'uplot';
import { el, setText } from './dom.js';

// uPlot is served as its own script (its IIFE build from node_modules/uplot/dist), not bundled.
const uPlotGlobal = (): typeof UPlot => (globalThis as unknown as { uPlot: typeof UPlot }).uPlot;

export interface SeriesSpec {
  label: string;
  /** A CSS custom property of the page's palette, such as --chart-1. */
  color: string;
  scale?: string;
  format(value: number): string;
}

export interface ChartOptions {
  height: number;
  /** Points kept per series: history plus live readings, oldest dropped first. */
  maxPoints: number;
  scales?: UPlot.Scales;
  /** A second y axis on the right, for the second series' scale. */
  rightAxis?: string;
}

/** Tick labels of the time axis: seconds shown only when ticks are less than a minute apart. */
const timeTicks = (_plot: UPlot, splits: number[], _axis: number, _space: number, incr: number): string[] =>
  splits.map((s) =>
    new Date(s * 1000).toLocaleTimeString('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      ...(incr < 60 ? { second: '2-digit' } : {}),
    }),
  );

/** Room for the longest tick label of a value axis, so labels such as 1,462.5 are not cut. */
const labelRoom = (_plot: UPlot, values: string[] | null): number =>
  Math.max(32, ...(values ?? []).map((v) => Math.ceil(v.length * 6.5) + 24));

const cssVar = (name: string): string =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/**
 * A small live time-series chart: a header with the latest values and a uPlot canvas of fixed
 * height, so charts never move the layout when data arrives. Redraws at most once per frame.
 */
export class LiveChart {
  readonly root: HTMLElement;
  private readonly plotBox: HTMLDivElement;
  private readonly values: HTMLSpanElement[];
  private times: number[] = [];
  private columns: (number | null)[][];
  private plot: UPlot | undefined;
  private frame: number | undefined;
  private readonly resize: ResizeObserver;

  constructor(
    title: string,
    private readonly series: SeriesSpec[],
    private readonly options: ChartOptions,
  ) {
    this.columns = series.map(() => []);
    this.values = series.map((s) => el('span', { class: 'chart-value', title: s.label, text: '—' }));
    this.plotBox = el('div', { class: 'chart-plot' });
    this.plotBox.style.height = `${options.height}px`;
    this.root = el(
      'figure',
      { class: 'chart', attrs: { 'data-points': '0' } },
      el('figcaption', {}, el('span', { class: 'chart-title', text: title }), ...this.values),
      this.plotBox,
    );
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.plotBox);
  }

  /** Replaces everything older than the newest history point; live points after it are kept. */
  setHistory(times: readonly number[], columns: readonly (readonly (number | null)[])[]): void {
    const last = times.at(-1) ?? -Infinity;
    const keep = this.times.findIndex((t) => t > last / 1000);
    const liveTimes = keep === -1 ? [] : this.times.slice(keep);
    this.times = [...times.map((t) => t / 1000), ...liveTimes];
    this.columns = this.series.map((_, i) => [
      ...(columns[i] ?? times.map(() => null)),
      ...(keep === -1 ? [] : (this.columns[i] ?? []).slice(keep)),
    ]);
    this.trim();
    this.schedule();
  }

  /** A live point; one not newer than the last is ignored (history already has it). */
  append(time: number, values: readonly (number | null)[]): void {
    const t = time / 1000;
    const lastTime = this.times.at(-1);
    if (lastTime !== undefined && t <= lastTime) return;
    this.times.push(t);
    this.series.forEach((_, i) => this.columns[i]?.push(values[i] ?? null));
    this.trim();
    this.schedule();
  }

  destroy(): void {
    this.resize.disconnect();
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.plot?.destroy();
    this.root.remove();
  }

  private trim(): void {
    const excess = this.times.length - this.options.maxPoints;
    if (excess <= 0) return;
    this.times.splice(0, excess);
    for (const column of this.columns) column.splice(0, excess);
  }

  private schedule(): void {
    this.frame ??= requestAnimationFrame(() => {
      this.frame = undefined;
      this.draw();
    });
  }

  private draw(): void {
    this.root.dataset.points = String(this.times.length);
    this.series.forEach((s, i) => {
      const column = this.columns[i] ?? [];
      const latest = column.findLast((v) => v !== null);
      const label = this.values[i];
      if (label !== undefined)
        setText(label, latest === undefined || latest === null ? '—' : s.format(latest));
    });
    const data = [this.times, ...this.columns] as UPlot.AlignedData;
    if (this.plot === undefined) this.create(data);
    else this.plot.setData(data);
  }

  private create(data: UPlot.AlignedData): void {
    const width = this.plotBox.clientWidth;
    const uPlot = uPlotGlobal();
    if (width === 0 || uPlot === undefined) return;
    const axisColor = cssVar('--muted');
    const gridColor = cssVar('--grid');
    const axis = (scale?: string, side?: number): UPlot.Axis => ({
      stroke: axisColor,
      grid: { stroke: gridColor, width: 1, show: side === undefined },
      ticks: { stroke: gridColor, width: 1 },
      font: '11px system-ui, sans-serif',
      size: labelRoom,
      ...(scale === undefined ? {} : { scale }),
      ...(side === undefined ? {} : { side }),
    });
    const firstScale = this.series[0]?.scale;
    this.plot = new uPlot(
      {
        width,
        height: this.options.height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, ...this.options.scales },
        axes: [
          { ...axis(), size: 28, values: timeTicks },
          axis(firstScale),
          ...(this.options.rightAxis === undefined ? [] : [axis(this.options.rightAxis, 1)]),
        ],
        series: [
          {},
          ...this.series.map((s) => ({
            label: s.label,
            stroke: cssVar(s.color),
            width: 1.5,
            points: { show: false },
            ...(s.scale === undefined ? {} : { scale: s.scale }),
          })),
        ],
      },
      data,
      this.plotBox,
    );
  }

  private fit(): void {
    const width = this.plotBox.clientWidth;
    if (width === 0) return;
    if (this.plot === undefined) this.schedule();
    else this.plot.setSize({ width, height: this.options.height });
  }
}
