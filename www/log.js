// The event log of one panel: every callback with its payload, newest first.

const MAX_ENTRIES = 300;

export class EventLog {
  constructor(list) {
    this.list = list;
  }

  /** A callback from the SDK (`kind` 'event') or a failure ('error'). */
  event(name, payload, kind = 'event') {
    this.add(name, payload, kind);
  }

  /** A call the page made on the SDK, or its result. */
  call(name, payload) {
    this.add(name, payload, 'call');
  }

  clear() {
    this.list.replaceChildren();
  }

  add(name, payload, kind) {
    const li = document.createElement('li');
    li.dataset.testid = 'log-entry';
    li.dataset.event = name;
    li.className = kind;
    const time = document.createElement('time');
    const now = new Date();
    time.dateTime = now.toISOString();
    time.textContent = now.toLocaleTimeString([], { hour12: false }) + `.${String(now.getMilliseconds()).padStart(3, '0')}`;
    const title = document.createElement('b');
    title.textContent = name;
    li.append(time, ' ', title);
    if (payload !== undefined) {
      const pre = document.createElement('pre');
      pre.textContent = JSON.stringify(payload, null, 1).replace(/\n\s*/g, ' ');
      li.append(pre);
    }
    this.list.prepend(li);
    while (this.list.children.length > MAX_ENTRIES) this.list.lastElementChild.remove();
  }
}
