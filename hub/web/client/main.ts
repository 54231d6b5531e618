import type { HelloMessage, ServerMessage } from '../../../contracts/console-protocol.js';
import { AlertsFeed } from './alerts-feed.js';
import { HubApi } from './api.js';
import { CommandPanel } from './command-panel.js';
import { HubConnection } from './connection.js';
import { DeviceView } from './device-view.js';
import { byId, setText } from './dom.js';
import { FleetStore } from './fleet-store.js';
import type { Filters } from './fleet-order.js';
import { FleetTable } from './fleet-table.js';
import { StatusBar } from './status-bar.js';
import { forgetToken, loadToken, saveToken, tokenProblem } from './token.js';

// The operator console page: wires the fleet store, the views and the hub connection together.

const store = new FleetStore();
let connection: HubConnection | undefined;
let api: HubApi | undefined;
let limits: HelloMessage['commands'] | undefined;

const statusBar = new StatusBar(
  {
    devices: byId('count-devices', HTMLElement),
    online: byId('count-online', HTMLElement),
    alerting: byId('count-alerting', HTMLElement),
    unhealthy: byId('count-unhealthy', HTMLElement),
  },
  byId('connection', HTMLElement),
  store,
);

const table = new FleetTable(
  store,
  byId('fleet-body', HTMLTableSectionElement),
  byId('fleet-head', HTMLTableSectionElement),
  byId('fleet-foot', HTMLElement),
  byId('fleet-empty', HTMLElement),
  (id) => select(id),
);

const feed = new AlertsFeed(byId('alerts-list', HTMLOListElement), byId('alerts-empty', HTMLElement), (id) =>
  select(id),
);

const device = new DeviceView(
  {
    title: byId('device-title', HTMLElement),
    empty: byId('device-empty', HTMLElement),
    body: byId('device-body', HTMLElement),
    facts: byId('device-facts', HTMLElement),
    alerts: byId('device-alerts', HTMLElement),
    charts: byId('device-charts', HTMLElement),
    note: byId('history-note', HTMLElement),
  },
  {
    history: (id) => (api ? api.history(id) : Promise.reject(new Error('signed out'))),
    watch: (id) => void connection?.send({ type: 'watch', deviceIds: [id] }),
    unwatch: (id) => void connection?.send({ type: 'unwatch', deviceIds: [id] }),
  },
);

const commands = new CommandPanel(
  {
    form: byId('command-form', HTMLFormElement),
    name: byId('command-name', HTMLInputElement),
    params: byId('command-params', HTMLInputElement),
    ttl: byId('command-ttl', HTMLInputElement),
    submit: byId('command-send', HTMLButtonElement),
    error: byId('command-error', HTMLElement),
    timeline: byId('command-timeline', HTMLOListElement),
  },
  {
    send: (message) => (connection === undefined ? 'not connected to the hub' : connection.send(message)),
    defaultTtlMs: () => limits?.defaultTtlMs,
  },
);

function select(deviceId: string): void {
  table.select(deviceId);
  device.open(deviceId, store.devices.get(deviceId));
  commands.setDevice(deviceId);
  history.replaceState(null, '', `#device=${encodeURIComponent(deviceId)}`);
}

function deselect(): void {
  table.select(undefined);
  device.close();
  commands.setDevice(undefined);
  history.replaceState(null, '', location.pathname);
}

store.subscribe((update) => {
  const id = device.current;
  if (id === undefined || (update !== 'all' && !update.has(id))) return;
  const state = store.devices.get(id);
  if (state !== undefined) device.state(state);
});

function receive(message: ServerMessage): void {
  switch (message.type) {
    case 'hello':
      limits = message.commands;
      break;
    case 'fleetSnapshot': {
      store.reset(message.devices);
      feed.reset(message.recentAlerts);
      const wanted = /^#device=(.+)$/.exec(location.hash)?.[1];
      if (device.current !== undefined) device.rewatch();
      else if (wanted !== undefined && store.devices.has(decodeURIComponent(wanted)))
        select(decodeURIComponent(wanted));
      break;
    }
    case 'fleetChanges':
      store.apply(message);
      break;
    case 'telemetry':
      for (const sample of message.samples) device.telemetry(sample);
      break;
    case 'alert':
      feed.add(message.alert);
      break;
    case 'commandAccepted':
      commands.accepted(message);
      break;
    case 'commandStatus':
      commands.status(message);
      break;
    case 'error':
      if (!commands.error(message))
        console.warn(`console: the hub answered ${message.code}: ${message.reason}`);
      break;
    case 'watching':
    case 'pong':
      break;
  }
}

const login = byId('login', HTMLElement);
const loginForm = byId('login-form', HTMLFormElement);
const loginToken = byId('login-token', HTMLInputElement);
const loginError = byId('login-error', HTMLElement);

function signIn(token: string): void {
  saveToken(token);
  login.hidden = true;
  api = new HubApi(token);
  connection = new HubConnection({
    token,
    onMessage: receive,
    onStatus: (status) => {
      statusBar.show(status);
      if (status.kind === 'refused') signOut(status.reason);
    },
    checkToken: () => api?.checkToken() ?? Promise.resolve('unknown'),
  });
  connection.start();
}

function signOut(reason = ''): void {
  connection?.stop();
  connection = undefined;
  api = undefined;
  forgetToken();
  statusBar.show({ kind: 'refused', reason });
  setText(loginError, reason);
  login.hidden = false;
  loginToken.value = '';
  loginToken.focus();
}

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = loginToken.value.trim();
  const problem = tokenProblem(token);
  if (problem !== undefined) {
    setText(loginError, problem);
    return;
  }
  setText(loginError, '');
  signIn(token);
});
byId('sign-out', HTMLButtonElement).addEventListener('click', () => signOut());
byId('device-close', HTMLButtonElement).addEventListener('click', () => deselect());

const filterText = byId('filter-text', HTMLInputElement);
const filterStatus = byId('filter-status', HTMLSelectElement);
const filterHealth = byId('filter-health', HTMLSelectElement);
const filterAlerts = byId('filter-alerts', HTMLInputElement);
const applyFilters = (): void =>
  table.setFilters({
    text: filterText.value,
    status: filterStatus.value as Filters['status'],
    health: filterHealth.value as Filters['health'],
    alertsOnly: filterAlerts.checked,
  });
for (const input of [filterText, filterStatus, filterHealth, filterAlerts])
  input.addEventListener('input', applyFilters);

const saved = loadToken();
if (saved === undefined) {
  login.hidden = false;
  loginToken.focus();
} else signIn(saved);
