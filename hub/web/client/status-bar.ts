import type { ConnectionStatus } from './connection.js';
import { setText } from './dom.js';
import type { FleetStore } from './fleet-store.js';

/** The header: fleet counts and the connection's state, with a countdown while it waits to reconnect. */
export class StatusBar {
  private status: ConnectionStatus = { kind: 'connecting' };

  constructor(
    private readonly counts: Record<'devices' | 'online' | 'alerting' | 'unhealthy', HTMLElement>,
    private readonly connection: HTMLElement,
    store: FleetStore,
  ) {
    store.subscribe(() => {
      const c = store.counts();
      setText(counts.devices, String(c.devices));
      setText(counts.online, String(c.online));
      setText(counts.alerting, String(c.alerting));
      setText(counts.unhealthy, String(c.unhealthy));
    });
    window.setInterval(() => this.render(), 500);
  }

  show(status: ConnectionStatus): void {
    this.status = status;
    document.body.classList.toggle('stale', status.kind !== 'open');
    this.render();
  }

  private render(): void {
    const s = this.status;
    this.connection.dataset.state = s.kind;
    const text =
      s.kind === 'open'
        ? 'Live'
        : s.kind === 'connecting'
          ? 'Connecting…'
          : s.kind === 'refused'
            ? 'Signed out'
            : `Hub unreachable · retrying in ${Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1000))} s`;
    setText(this.connection, text);
  }
}
