import type { DeviceState, TelemetrySample } from '../../../contracts/console-protocol.js';
import type { DeviceHistory } from '../../../contracts/http-history.js';
import { LiveChart } from './charts.js';
import { el, setText } from './dom.js';
import { ago, clock, healthLevel, hours, metricLabel, percent } from './format.js';

export interface DeviceViewElements {
  title: HTMLElement;
  empty: HTMLElement;
  body: HTMLElement;
  facts: HTMLElement;
  alerts: HTMLElement;
  charts: HTMLElement;
  note: HTMLElement;
}

export interface DeviceViewDeps {
  history(deviceId: string): Promise<DeviceHistory>;
  watch(deviceId: string): void;
  unwatch(deviceId: string): void;
}

const PALETTE = ['--chart-1', '--chart-2', '--chart-3', '--chart-4', '--chart-5', '--chart-6'];
const CHART_HEIGHT = 110;
// An hour of history (720 buckets) plus live readings at a few per second for a while.
const MAX_POINTS = 4000;

const number = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** The selected device: facts, open alerts, a live chart per metric and its health and RUL trend. */
export class DeviceView {
  private deviceId: string | undefined;
  private lastState: DeviceState | undefined;
  private readonly metricCharts = new Map<string, LiveChart>();
  private healthChart: LiveChart | undefined;
  private loading = 0;
  private readonly facts: Record<'status' | 'seen' | 'health' | 'rul' | 'type', HTMLElement>;
  private readonly bar: HTMLDivElement;

  constructor(
    private readonly els: DeviceViewElements,
    private readonly deps: DeviceViewDeps,
  ) {
    const fact = (label: string, value: HTMLElement, wide = false) =>
      el('div', { class: wide ? 'fact wide' : 'fact' }, el('dt', { text: label }), el('dd', {}, value));
    this.bar = el('div', { class: 'hbar-fill' });
    this.facts = {
      status: el('span'),
      seen: el('span', { class: 'num' }),
      health: el('span', { class: 'num' }),
      rul: el('span', { class: 'num' }),
      type: el('span'),
    };
    els.facts.append(
      fact('Status', this.facts.status, true),
      fact('Last seen', this.facts.seen),
      fact(
        'Health',
        el('span', { class: 'health-cell' }, el('div', { class: 'hbar' }, this.bar), this.facts.health),
      ),
      fact('Remaining life', this.facts.rul),
      fact('Type', this.facts.type),
    );
    window.setInterval(() => setText(this.facts.seen, ago(this.lastState?.lastSeen, Date.now())), 1000);
  }

  get current(): string | undefined {
    return this.deviceId;
  }

  open(deviceId: string, state: DeviceState | undefined): void {
    if (this.deviceId === deviceId) return;
    this.clear();
    this.deviceId = deviceId;
    setText(this.els.title, deviceId);
    this.els.empty.hidden = true;
    this.els.body.hidden = false;
    this.healthChart = new LiveChart(
      'Health and remaining life',
      [
        { label: 'Health', color: '--ok', scale: '%', format: (v) => `${v.toFixed(0)} %` },
        { label: 'RUL', color: '--chart-4', scale: 'h', format: (v) => hours(v) },
      ],
      { height: CHART_HEIGHT, maxPoints: MAX_POINTS, scales: { '%': { range: [0, 100] } }, rightAxis: 'h' },
    );
    this.els.charts.append(this.healthChart.root);
    if (state !== undefined) this.state(state);
    this.deps.watch(deviceId);
    void this.loadHistory(deviceId);
  }

  close(): void {
    if (this.deviceId !== undefined) this.deps.unwatch(this.deviceId);
    this.clear();
    setText(this.els.title, 'Device');
    this.els.empty.hidden = false;
    this.els.body.hidden = true;
  }

  /** After a reconnect the hub knows nothing of what this page watched. */
  rewatch(): void {
    if (this.deviceId === undefined) return;
    this.deps.watch(this.deviceId);
    void this.loadHistory(this.deviceId);
  }

  state(state: DeviceState): void {
    if (state.deviceId !== this.deviceId) return;
    this.lastState = state;
    const { facts } = this;
    const where = state.gatewayId === undefined ? '' : ` · ${state.gatewayId}`;
    const since = state.presenceAt === undefined ? '' : ` since ${clock(state.presenceAt)}`;
    setText(facts.status, `${state.online ? 'Online' : 'Offline'}${where}${since}`);
    facts.status.className = `presence ${state.online ? 'on' : 'off'}`;
    setText(facts.seen, ago(state.lastSeen, Date.now()));
    setText(facts.health, percent(state.health));
    this.bar.className = `hbar-fill ${healthLevel(state.health)}`;
    this.bar.style.width = state.health === undefined ? '0' : `${Math.round(state.health * 100)}%`;
    setText(facts.rul, state.rulHours === undefined ? '—' : hours(state.rulHours));
    setText(facts.type, state.machineType ?? (state.registered ? '—' : 'unregistered'));
    this.renderAlerts(state);
    if (state.health !== undefined && state.healthAt !== undefined)
      this.healthChart?.append(state.healthAt, [state.health * 100, state.rulHours ?? null]);
  }

  telemetry(sample: TelemetrySample): void {
    if (sample.deviceId !== this.deviceId) return;
    for (const [metric, value] of Object.entries(sample.metrics))
      this.chartFor(metric).append(sample.ts, [value]);
  }

  private renderAlerts(state: DeviceState): void {
    const items = state.alerts.map((a) =>
      el(
        'li',
        { class: `alert-item ${a.severity}` },
        el('span', { class: `badge ${a.severity}`, text: a.severity }),
        el('span', { class: 'alert-text', text: a.message }),
        el('time', { class: 'num', text: clock(a.at) }),
      ),
    );
    this.els.alerts.replaceChildren(
      ...(items.length === 0 ? [el('li', { class: 'muted', text: 'No open alerts.' })] : items),
    );
  }

  private chartFor(metric: string): LiveChart {
    const existing = this.metricCharts.get(metric);
    if (existing !== undefined) return existing;
    const color = PALETTE[this.metricCharts.size % PALETTE.length] ?? '--chart-1';
    const chart = new LiveChart(metricLabel(metric), [{ label: metric, color, format: number }], {
      height: CHART_HEIGHT,
      maxPoints: MAX_POINTS,
    });
    chart.root.dataset.metric = metric;
    this.metricCharts.set(metric, chart);
    // Alphabetical, so the charts of a device sit in the same places every time it is opened.
    const names = [...this.metricCharts.keys()].sort();
    const next = names[names.indexOf(metric) + 1];
    const before = next === undefined ? null : (this.metricCharts.get(next)?.root ?? null);
    this.els.charts.insertBefore(chart.root, before);
    return chart;
  }

  private async loadHistory(deviceId: string): Promise<void> {
    const ticket = ++this.loading;
    setText(this.els.note, 'Loading the last hour…');
    try {
      const history = await this.deps.history(deviceId);
      if (ticket !== this.loading || deviceId !== this.deviceId) return;
      const { telemetry, health } = history;
      for (const [metric, values] of Object.entries(telemetry.metrics))
        this.chartFor(metric).setHistory(telemetry.times, [values]);
      this.healthChart?.setHistory(health.times, [
        health.health.map((h) => (h === null ? null : h * 100)),
        health.rulHours,
      ]);
      const points = telemetry.times.length;
      setText(
        this.els.note,
        points === 0
          ? 'No stored history for the last hour yet; live readings follow.'
          : `Last hour from InfluxDB (${history.bucketMs / 1000} s averages), then live readings.`,
      );
    } catch (error) {
      if (ticket === this.loading)
        setText(
          this.els.note,
          `History unavailable (${error instanceof Error ? error.message : String(error)}); live readings follow.`,
        );
    }
  }

  private clear(): void {
    this.loading++;
    this.deviceId = undefined;
    this.lastState = undefined;
    for (const chart of this.metricCharts.values()) chart.destroy();
    this.metricCharts.clear();
    this.healthChart?.destroy();
    this.healthChart = undefined;
    this.els.alerts.replaceChildren();
    setText(this.els.note, '');
  }
}
