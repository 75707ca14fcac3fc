// The live list of the account's other devices, fed by `onloginportschange`.

const COLUMNS = ['type', 'os', 'deviceId', 'ip', 'time', 'customTag', 'online'];

export class DeviceList {
  constructor(table, count, empty, onKick) {
    this.body = table.tBodies[0];
    this.count = count;
    this.empty = empty;
    this.onKick = onKick;
    this.ports = new Map();
    this.kickable = false;
    this.render();
  }

  /** Applies a change: each port replaces the entry of its deviceId. */
  update(ports) {
    for (const port of ports) this.ports.set(port.deviceId, port);
    this.render();
  }

  /** Forgets everything (not logged in: the list is unknown). */
  clear() {
    this.ports.clear();
    this.render();
  }

  setKickable(kickable) {
    if (kickable === this.kickable) return;
    this.kickable = kickable;
    this.render();
  }

  render() {
    // Online devices first, then the ones that just left; newest login first.
    const ports = [...this.ports.values()].sort((a, b) =>
      Number(b.online) - Number(a.online) || (b.time || 0) - (a.time || 0));
    this.body.replaceChildren(...ports.map((port) => this.row(port)));
    const online = ports.filter((p) => p.online).length;
    this.count.textContent = String(online);
    this.empty.hidden = ports.length > 0;
    this.body.parentElement.hidden = ports.length === 0;
  }

  row(port) {
    const tr = document.createElement('tr');
    tr.dataset.testid = 'device';
    tr.dataset.deviceId = port.deviceId;
    tr.dataset.online = String(Boolean(port.online));
    tr.className = port.online ? '' : 'offline';
    for (const key of COLUMNS) {
      const td = document.createElement('td');
      td.dataset.field = key;
      td.dataset.label = key;
      td.textContent = cell(key, port);
      if (key === 'deviceId' || key === 'os') td.title = port[key] || '';
      tr.append(td);
    }
    const td = document.createElement('td');
    const kick = document.createElement('button');
    kick.type = 'button';
    kick.textContent = 'Kick';
    kick.className = 'danger';
    kick.dataset.testid = 'kick';
    kick.disabled = !port.online || !this.kickable;
    kick.addEventListener('click', () => {
      kick.disabled = true;
      this.onKick(port.deviceId);
    });
    td.append(kick);
    tr.append(td);
    return tr;
  }
}

function cell(key, port) {
  const value = port[key];
  switch (key) {
    case 'time': return value ? new Date(value).toLocaleString() : '';
    case 'online': return value ? 'online' : 'offline';
    case 'deviceId': return value && value.length > 12 ? `${value.slice(0, 8)}…` : value || '';
    case 'os': return shortOs(value || '');
    default: return value === undefined || value === null ? '' : String(value);
  }
}

/** A user agent reduced to browser and platform, e.g. "Chrome 131 · Linux". */
function shortOs(os) {
  const browser = /(Edg|Firefox|Chrome|Safari)\/(\d+)/.exec(os);
  const platform = /(Windows|Android|iPhone|iPad|Mac OS X|Linux|CrOS)/.exec(os);
  if (!browser && !platform) return os;
  return [browser && `${browser[1] === 'Edg' ? 'Edge' : browser[1]} ${browser[2]}`, platform && platform[1]]
    .filter(Boolean).join(' · ');
}
