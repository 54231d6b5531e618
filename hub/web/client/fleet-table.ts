import type { DeviceState } from '../../../contracts/console-protocol.js';
import { el, setText } from './dom.js';
import type { FleetStore, FleetUpdate } from './fleet-store.js';
import { compareDevices, matches, type Filters, type SortKey } from './fleet-order.js';
import { ago, healthLevel, hours, percent } from './format.js';

interface Row {
  tr: HTMLTableRowElement;
  type: HTMLTableCellElement;
  status: HTMLSpanElement;
  gateway: HTMLTableCellElement;
  seen: HTMLTableCellElement;
  bar: HTMLDivElement;
  health: HTMLSpanElement;
  rul: HTMLTableCellElement;
  alerts: HTMLSpanElement;
  lastSeen: number | undefined;
}

/**
 * The fleet table: one row element per device, updated in place; order and filtering are applied
 * at most a few times a second, so a busy fleet does not reflow the table on every message.
 */
export class FleetTable {
  private readonly rows = new Map<string, Row>();
  private sortKey: SortKey = 'deviceId';
  private descending = false;
  private filters: Filters = { text: '', status: '', health: '', alertsOnly: false };
  private selected: string | undefined;
  private orderTimer: number | undefined;
  private shown: string[] = [];

  constructor(
    private readonly store: FleetStore,
    private readonly body: HTMLTableSectionElement,
    private readonly head: HTMLTableSectionElement,
    private readonly footer: HTMLElement,
    private readonly empty: HTMLElement,
    private readonly onSelect: (deviceId: string) => void,
  ) {
    store.subscribe((update) => this.update(update));
    head.addEventListener('click', (event) => {
      const th = (event.target as Element).closest('th[data-sort]');
      if (th instanceof HTMLElement) this.sortBy(th.dataset.sort as SortKey);
    });
    body.addEventListener('click', (event) => this.pick(event.target));
    body.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this.pick(event.target);
      }
    });
    window.setInterval(() => this.refreshAges(), 1000);
    this.showSort();
  }

  setFilters(filters: Filters): void {
    this.filters = filters;
    this.reorder();
  }

  select(deviceId: string | undefined): void {
    if (this.selected !== undefined) this.rows.get(this.selected)?.tr.classList.remove('selected');
    this.selected = deviceId;
    if (deviceId !== undefined) this.rows.get(deviceId)?.tr.classList.add('selected');
  }

  private pick(target: EventTarget | null): void {
    const tr = target instanceof Element ? target.closest('tr[data-device-id]') : null;
    if (tr instanceof HTMLElement && tr.dataset.deviceId !== undefined) this.onSelect(tr.dataset.deviceId);
  }

  private sortBy(key: SortKey): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      // Worst first is what an operator looks for in these columns.
      this.descending = key === 'alerts' || key === 'lastSeen';
      if (key === 'health' || key === 'rulHours') this.descending = false;
    }
    this.showSort();
    this.reorder();
  }

  private showSort(): void {
    for (const th of this.head.querySelectorAll<HTMLElement>('th[data-sort]')) {
      const active = th.dataset.sort === this.sortKey;
      th.setAttribute('aria-sort', active ? (this.descending ? 'descending' : 'ascending') : 'none');
    }
  }

  private update(update: FleetUpdate): void {
    const ids = update === 'all' ? [...new Set([...this.rows.keys(), ...this.store.devices.keys()])] : update;
    for (const id of ids) {
      const device = this.store.devices.get(id);
      if (device === undefined) {
        this.rows.get(id)?.tr.remove();
        this.rows.delete(id);
        continue;
      }
      this.render(this.rows.get(id) ?? this.create(id), device);
    }
    if (update === 'all') this.reorder();
    else this.orderTimer ??= window.setTimeout(() => this.reorder(), 300);
  }

  private create(id: string): Row {
    const cell = (cls: string, ...children: (Node | string)[]) => el('td', { class: cls }, ...children);
    const status = el('span', { class: 'presence' });
    const bar = el('div', { class: 'hbar-fill' });
    const health = el('span', { class: 'hval' });
    const alerts = el('span', { class: 'badge' });
    const row: Row = {
      tr: el('tr', { attrs: { 'data-device-id': id, tabindex: '0' } }),
      type: cell('c-type'),
      status,
      gateway: cell('c-gateway'),
      seen: cell('c-seen'),
      bar,
      health,
      rul: cell('c-rul num'),
      alerts,
      lastSeen: undefined,
    };
    row.tr.append(
      cell('c-id', el('span', { class: 'mono', text: id })),
      row.type,
      cell('c-status', status),
      row.gateway,
      row.seen,
      cell('c-health', el('div', { class: 'hbar' }, bar), health),
      row.rul,
      cell('c-alerts', alerts),
    );
    if (id === this.selected) row.tr.classList.add('selected');
    this.rows.set(id, row);
    return row;
  }

  private render(row: Row, d: DeviceState): void {
    setText(row.type, d.machineType ?? (d.registered ? '—' : 'unregistered'));
    setText(row.status, d.online ? 'Online' : 'Offline');
    row.status.className = `presence ${d.online ? 'on' : 'off'}`;
    setText(row.gateway, d.gatewayId ?? '—');
    row.gateway.title = d.gatewayId ?? '';
    row.lastSeen = d.lastSeen;
    setText(row.seen, ago(d.lastSeen, Date.now()));
    const level = healthLevel(d.health);
    row.bar.className = `hbar-fill ${level}`;
    row.bar.style.width = d.health === undefined ? '0' : `${Math.round(d.health * 100)}%`;
    setText(row.health, percent(d.health));
    setText(row.rul, hours(d.rulHours));
    const worst = d.alerts[0]?.severity;
    row.alerts.className = `badge ${worst ?? 'none'}`;
    setText(row.alerts, d.alerts.length === 0 ? '—' : String(d.alerts.length));
    row.alerts.title = d.alerts.map((a) => `${a.severity}: ${a.message}`).join('\n');
  }

  private reorder(): void {
    window.clearTimeout(this.orderTimer);
    this.orderTimer = undefined;
    const visible = [...this.store.devices.values()]
      .filter((d) => matches(d, this.filters))
      .sort((a, b) => compareDevices(a, b, this.sortKey, this.descending))
      .map((d) => d.deviceId);
    const same = visible.length === this.shown.length && visible.every((id, i) => id === this.shown[i]);
    if (!same) {
      const fragment = document.createDocumentFragment();
      for (const id of visible) {
        const row = this.rows.get(id);
        if (row !== undefined) fragment.append(row.tr);
      }
      this.body.replaceChildren(fragment);
      this.shown = visible;
    }
    const total = this.store.devices.size;
    setText(
      this.footer,
      visible.length === total ? `${total} devices` : `Showing ${visible.length} of ${total} devices`,
    );
    this.empty.hidden = visible.length > 0;
    setText(
      this.empty,
      total === 0
        ? 'No devices yet. Provision one, or start the simulator.'
        : 'No device matches these filters.',
    );
  }

  private refreshAges(): void {
    const now = Date.now();
    for (const id of this.shown) {
      const row = this.rows.get(id);
      if (row !== undefined) setText(row.seen, ago(row.lastSeen, now));
    }
  }
}
