import type { AlertRecord } from '../../../contracts/kafka-values.js';
import { el } from './dom.js';
import { clock } from './format.js';

const MAX_ITEMS = 100;

/** Alert records as they come, newest first; a record of severity info is the clearing of its kind. */
export class AlertsFeed {
  constructor(
    private readonly list: HTMLOListElement,
    private readonly empty: HTMLElement,
    onSelect: (deviceId: string) => void,
  ) {
    list.addEventListener('click', (event) => {
      const item = event.target instanceof Element ? event.target.closest('[data-device-id]') : null;
      if (item instanceof HTMLElement && item.dataset.deviceId !== undefined) onSelect(item.dataset.deviceId);
    });
  }

  /** `records` oldest first, as the snapshot has them. */
  reset(records: readonly AlertRecord[]): void {
    this.list.replaceChildren(...records.slice(-MAX_ITEMS).reverse().map(item));
    this.empty.hidden = records.length > 0;
  }

  add(record: AlertRecord): void {
    this.list.prepend(item(record));
    while (this.list.children.length > MAX_ITEMS) this.list.lastElementChild?.remove();
    this.empty.hidden = true;
  }
}

function item(record: AlertRecord): HTMLLIElement {
  const cleared = record.severity === 'info';
  return el(
    'li',
    { class: `feed-item ${record.severity}` },
    el('span', { class: `badge ${record.severity}`, text: cleared ? 'cleared' : record.severity }),
    el('button', {
      class: 'link mono',
      text: record.deviceId,
      attrs: { type: 'button', 'data-device-id': record.deviceId },
    }),
    el('time', { class: 'num muted', text: clock(record.at), title: new Date(record.at).toISOString() }),
    el('p', { class: 'feed-text', text: record.message }),
  );
}
