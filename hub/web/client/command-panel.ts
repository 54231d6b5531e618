import type {
  CommandAcceptedMessage,
  CommandStatusMessage,
  ErrorMessage,
} from '../../../contracts/console-protocol.js';
import type { ClientMessageInput } from './connection.js';
import { el, setText } from './dom.js';
import { clock } from './format.js';

export interface CommandPanelElements {
  form: HTMLFormElement;
  name: HTMLInputElement;
  params: HTMLInputElement;
  ttl: HTMLInputElement;
  submit: HTMLButtonElement;
  error: HTMLElement;
  timeline: HTMLOListElement;
}

export interface CommandPanelDeps {
  /** Returns why the message was not sent, when it was not. */
  send(message: ClientMessageInput): string | undefined;
  defaultTtlMs(): number | undefined;
}

interface Step {
  status: string;
  at: number;
}

interface Entry {
  id: string;
  deviceId: string;
  name: string;
  steps: Step[];
}

const FINAL = new Set(['succeeded', 'failed', 'rejected', 'expired']);
const MAX_COMMANDS = 100;
const SHOWN_PER_DEVICE = 8;

/** The command form of the device view and the status timeline of the commands sent to that device. */
export class CommandPanel {
  private deviceId: string | undefined;
  private requests = 0;
  private readonly pending = new Map<string, { deviceId: string; name: string }>();
  private readonly commands = new Map<string, Entry>();

  constructor(
    private readonly els: CommandPanelElements,
    private readonly deps: CommandPanelDeps,
  ) {
    els.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  setDevice(deviceId: string | undefined): void {
    this.deviceId = deviceId;
    setText(this.els.error, '');
    const ttl = this.deps.defaultTtlMs();
    if (this.els.ttl.value === '' && ttl !== undefined) this.els.ttl.value = String(Math.round(ttl / 1000));
    this.render();
  }

  accepted(message: CommandAcceptedMessage): void {
    const request = message.requestId === undefined ? undefined : this.pending.get(message.requestId);
    if (request === undefined || message.requestId === undefined) return;
    this.pending.delete(message.requestId);
    const entry = this.entry(message.id, request.deviceId, request.name);
    if (entry.steps.length === 0) entry.steps.push({ status: 'queued', at: Date.now() });
    this.render();
  }

  status(message: CommandStatusMessage): void {
    const known = this.commands.get(message.id);
    if (known === undefined && message.deviceId !== this.deviceId) return;
    const entry = known ?? this.entry(message.id, message.deviceId, 'command');
    // The queued step shown on acceptance used this page's clock; the hub's record replaces it.
    const same = entry.steps.findIndex((s) => s.status === message.status);
    if (same === -1) entry.steps.push({ status: message.status, at: message.at });
    else entry.steps[same] = { status: message.status, at: message.at };
    if (entry.deviceId === this.deviceId) this.render();
  }

  /** True when the error answers a command this panel sent. */
  error(message: ErrorMessage): boolean {
    if (message.requestId === undefined || !this.pending.delete(message.requestId)) return false;
    setText(this.els.error, `The hub refused the command: ${message.reason}`);
    return true;
  }

  private submit(): void {
    const deviceId = this.deviceId;
    if (deviceId === undefined) return;
    const name = this.els.name.value.trim();
    let params: unknown;
    try {
      params = this.els.params.value.trim() === '' ? {} : JSON.parse(this.els.params.value);
    } catch {
      setText(this.els.error, 'Params must be JSON, such as {} or {"load": 0.5}.');
      return;
    }
    const ttlText = this.els.ttl.value.trim();
    const requestId = `cmd-${++this.requests}`;
    const problem = this.deps.send({
      type: 'issueCommand',
      requestId,
      deviceId,
      name,
      params: params as Record<string, unknown>,
      ...(ttlText === '' ? {} : { ttlMs: Math.round(Number(ttlText) * 1000) }),
    });
    if (problem !== undefined) {
      setText(this.els.error, `Not sent: ${problem}`);
      return;
    }
    setText(this.els.error, '');
    this.pending.set(requestId, { deviceId, name });
  }

  private entry(id: string, deviceId: string, name: string): Entry {
    const entry: Entry = { id, deviceId, name, steps: [] };
    this.commands.set(id, entry);
    if (this.commands.size > MAX_COMMANDS) {
      const oldest = this.commands.keys().next().value;
      if (oldest !== undefined) this.commands.delete(oldest);
    }
    return entry;
  }

  private render(): void {
    const mine = [...this.commands.values()]
      .filter((c) => c.deviceId === this.deviceId)
      .slice(-SHOWN_PER_DEVICE)
      .reverse();
    this.els.timeline.replaceChildren(
      ...(mine.length === 0
        ? [el('li', { class: 'muted', text: 'Commands you send to this device show their progress here.' })]
        : mine.map(renderEntry)),
    );
  }
}

function renderEntry(entry: Entry): HTMLLIElement {
  const current = entry.steps.at(-1)?.status ?? 'queued';
  const steps = entry.steps.map((step, i) =>
    el(
      'li',
      {
        class: `step ${FINAL.has(step.status) ? step.status : 'progress'}${i === entry.steps.length - 1 ? ' current' : ''}`,
        attrs: { 'data-status': step.status },
      },
      el('span', { class: 'step-name', text: step.status }),
      el('time', { class: 'num', text: clock(step.at) }),
    ),
  );
  return el(
    'li',
    { class: 'command', attrs: { 'data-command-id': entry.id, 'data-current-status': current } },
    el(
      'div',
      { class: 'command-head' },
      el('strong', { text: entry.name }),
      el('span', { class: 'mono muted', text: entry.id.slice(0, 8), title: entry.id }),
    ),
    el('ol', { class: 'steps' }, ...steps),
  );
}
