// Reef dashboard: renders the server-sent events of /events. No framework, no build step; every
// value from the server goes into the page as text (textContent), never as markup.
'use strict';

(() => {
  // Lets a test check that the page updated in place rather than being reloaded.
  window.__reefLoadId = Math.random().toString(36).slice(2);
  // Lets a test see a script error instead of a page that silently stopped updating.
  window.__reefErrors = [];
  window.addEventListener('error', (event) => window.__reefErrors.push(String(event.message)));

  const MAX_STREAM = 80;
  const SPARK_POINTS = 60;
  const sparkHistory = new Map(); // channel -> recent handled-per-second samples

  const byId = (id) => document.getElementById(id);
  const number = (value) => Number(value || 0).toLocaleString('en-US');
  const rate = (value) => `${Number(value || 0).toFixed(1)}/s`;
  // One time format everywhere, as the reef command prints it: ISO-8601 in UTC, to the millisecond.
  const iso = (value) => (value ? new Date(value).toISOString() : '–');
  const ms = (value) => (value === undefined || value === null ? '–' : Number(value).toFixed(2));
  let selectedDeadLetter = null;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setValue(id, value) {
    const node = byId(id);
    const text = number(value);
    if (node.textContent !== text) {
      node.textContent = text;
      node.classList.remove('bump');
      void node.offsetWidth; // restart the animation
      node.classList.add('bump');
    }
  }

  function setPill(id, up, text) {
    const pill = byId(id);
    pill.className = `pill ${up === null ? 'pill-unknown' : up ? 'pill-up' : 'pill-down'}`;
    pill.textContent = text;
  }

  function tags(values) {
    const cell = element('td');
    (values || []).forEach((value) => cell.appendChild(element('span', 'tag', value)));
    return cell;
  }

  function ago(then, now) {
    const seconds = Math.max(0, Math.round((Date.parse(now) - Date.parse(then)) / 1000));
    if (seconds < 2) return 'just now';
    if (seconds < 120) return `${seconds} s ago`;
    return `${Math.round(seconds / 60)} min ago`;
  }

  function renderAgents(agents, now, backlogError) {
    const body = byId('agents');
    const rows = agents.map((agent) => {
      const row = element('tr');
      row.dataset.agent = agent.agent;
      row.dataset.online = String(agent.online);
      const name = element('td');
      name.appendChild(element('span', agent.online ? 'dot' : 'dot silent'));
      name.appendChild(element('span', 'agent-name', agent.agent));
      row.appendChild(name);
      row.appendChild(element('td', 'num', agent.instances));
      const processes = element('td');
      (agent.processes || []).forEach((process) => processes.appendChild(element('span',
        (agent.silent_processes || []).includes(process) ? 'tag silent' : 'tag', process)));
      row.appendChild(processes);
      const backlog = element('td', 'num backlog', agent.backlog === null || agent.backlog === undefined ? '?' : number(agent.backlog));
      row.appendChild(backlog);
      row.appendChild(tags(agent.channels));
      row.appendChild(tags(agent.capabilities));
      row.appendChild(element('td', null, `${iso(agent.last_seen)}${agent.online ? '' : ' (SILENT, ' + ago(agent.last_seen, now) + ')'}`));
      return row;
    });
    body.replaceChildren(...rows);
    byId('agents-empty').hidden = rows.length > 0;
    const error = byId('backlog-error');
    error.hidden = !backlogError;
    error.textContent = backlogError || '';
  }

  function renderLatency(rows) {
    const body = byId('latency');
    body.replaceChildren(...rows.map((timer) => {
      const row = element('tr');
      row.dataset.timer = `${timer.timer}/${timer.agent}/${timer.channel}/${timer.type}`;
      const p = timer.percentiles_ms || {};
      [timer.timer, timer.agent, timer.channel, timer.type].forEach((text) => row.appendChild(element('td', null, text)));
      row.appendChild(element('td', 'num', number(timer.count)));
      ['p50', 'p95', 'p99'].forEach((key) => row.appendChild(element('td', `num ${key}`, ms(p[key]))));
      row.appendChild(element('td', 'num', ms(timer.max_ms)));
      return row;
    }));
    byId('latency-empty').hidden = rows.length > 0;
  }

  function sparkline(channel, value) {
    const points = sparkHistory.get(channel) || [];
    points.push(Number(value || 0));
    while (points.length > SPARK_POINTS) points.shift();
    sparkHistory.set(channel, points);

    const svgNs = 'http://www.w3.org/2000/svg';
    const width = 140;
    const height = 28;
    const max = Math.max(1, ...points);
    const step = width / (SPARK_POINTS - 1);
    const offset = (SPARK_POINTS - points.length) * step;
    const coordinates = points.map((p, i) =>
      `${(offset + i * step).toFixed(1)},${(height - 2 - (p / max) * (height - 4)).toFixed(1)}`);

    const svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    // The axis spans the whole minute; samples fill it from the right as they come.
    const base = document.createElementNS(svgNs, 'line');
    base.setAttribute('class', 'base');
    base.setAttribute('x1', '0');
    base.setAttribute('x2', String(width));
    base.setAttribute('y1', String(height - 1));
    base.setAttribute('y2', String(height - 1));
    svg.appendChild(base);
    if (points.length >= 2) {
      const area = document.createElementNS(svgNs, 'polygon');
      area.setAttribute('class', 'area');
      area.setAttribute('points', `${offset.toFixed(1)},${height} ${coordinates.join(' ')} ${width},${height}`);
      const line = document.createElementNS(svgNs, 'polyline');
      line.setAttribute('points', coordinates.join(' '));
      svg.append(area, line);
    }
    return svg;
  }

  function renderChannels(channels) {
    const body = byId('channels');
    const rows = channels.map((channel) => {
      const row = element('tr');
      row.dataset.channel = channel.channel;
      row.appendChild(element('td', 'agent-name', channel.channel));
      row.appendChild(tags(channel.agents));
      row.appendChild(element('td', 'num', number(channel.sent)));
      row.appendChild(element('td', 'num', number(channel.handled)));
      row.appendChild(element('td', 'num', number(channel.failed)));
      row.appendChild(element('td', 'num', rate(channel.sent_per_second)));
      row.appendChild(element('td', 'num', rate(channel.handled_per_second)));
      const spark = element('td');
      spark.appendChild(sparkline(channel.channel, channel.handled_per_second));
      row.appendChild(spark);
      return row;
    });
    body.replaceChildren(...rows);
    byId('channels-empty').hidden = rows.length > 0;
  }

  function renderDeadLetters(dead) {
    const count = byId('dead-count');
    count.textContent = number(dead.count);
    count.className = dead.count > 0 ? 'badge bad' : 'badge';
    const items = (dead.latest || []).map((letter) => {
      const item = element('li', letter.id === selectedDeadLetter ? 'selected' : null);
      item.dataset.deadLetter = letter.id;
      item.title = 'Open: the spore and its error, replay';
      const where = element('div');
      where.appendChild(element('span', 'where', `${letter.agent || '?'} on ${letter.channel || '?'}`));
      where.appendChild(element('span', 'muted', ` · ${letter.attempts} attempt(s) · ${iso(letter.at)}`));
      item.append(where, element('div', 'id', letter.id), element('div', 'why', letter.error));
      item.addEventListener('click', () => openDeadLetter(letter.id));
      return item;
    });
    byId('dead-letters').replaceChildren(...items);
    byId('dead-empty').hidden = items.length > 0 || dead.count > 0;
    byId('dead-purge').hidden = !(dead.count > 0);
    const error = byId('dead-error');
    error.hidden = !dead.error;
    error.textContent = dead.error || '';
  }

  function renderSnapshot(snapshot) {
    const online = snapshot.agents.filter((agent) => agent.online);
    setValue('stat-agents', online.length);
    byId('stat-instances').textContent =
      `${number(online.reduce((sum, agent) => sum + agent.instances, 0))} instance(s)`;
    const totals = snapshot.totals;
    setValue('stat-sent', totals.sent);
    setValue('stat-handled', totals.handled);
    setValue('stat-failed', totals.failed);
    setValue('stat-dead', snapshot.dead_letters.count);
    setValue('stat-backlog', snapshot.agents.reduce((sum, agent) => sum + Number(agent.backlog || 0), 0));
    byId('namespace').textContent = snapshot.namespace;
    byId('process').textContent = `${snapshot.process.host}:${snapshot.process.pid}`;
    setValue('stat-inflight', totals.in_flight);
    const sum = (key) => snapshot.channels.reduce((total, channel) => total + Number(channel[key] || 0), 0);
    byId('stat-sent-rate').textContent = rate(sum('sent_per_second'));
    byId('stat-handled-rate').textContent = rate(sum('handled_per_second'));
    byId('stat-retried').textContent = `${number(totals.retried)} retried`;
    byId('stat-duplicates').textContent = `${number(totals.duplicates)} duplicates suppressed, ${number(totals.expired)} expired`;

    const health = snapshot.health;
    setPill('health', health.status === 'UP', health.status === 'UP' ? 'ready'
      : health.checks.broker.connected ? 'not ready: no consumers' : 'not ready: broker connection lost');
    byId('updated').textContent = `updated ${iso(snapshot.time)}`;

    renderAgents(snapshot.agents, snapshot.time, snapshot.backlog_error);
    renderLatency(snapshot.latency || []);
    renderChannels(snapshot.channels);
    renderDeadLetters(snapshot.dead_letters);

    const unavailable = Object.entries(snapshot.stream.unavailable || {});
    byId('stream-note').textContent = unavailable.length
      ? `(not shown for ${unavailable.map(([channel]) => channel).join(', ')}: ${unavailable[0][1]})` : '';
  }

  function sporeItem(spore) {
    const item = element('li');
    item.dataset.sporeId = spore.id;
    item.appendChild(element('span', 'time', iso(spore.created_at).replace(/^.*T/, '')));
    item.title = `created ${spore.created_at}`;
    const type = element('span');
    type.appendChild(element('span', `type type-${spore.type}`, spore.type));
    item.appendChild(type);
    const route = element('span', 'route');
    route.append(spore.from, element('span', 'arrow', '→'), spore.to || 'everyone');
    item.appendChild(route);
    item.appendChild(element('span', 'meta',
      `#${spore.channel} · trace ${spore.trace_id.slice(0, 12)}…${spore.reply_to ? ' · reply' : ''}`));
    if (spore.knowledge) item.appendChild(element('span', 'knowledge', spore.knowledge));
    return item;
  }

  function addSpores(batch) {
    const list = byId('stream');
    batch.spores.forEach((spore) => list.prepend(sporeItem(spore)));
    while (list.children.length > MAX_STREAM) list.lastElementChild.remove();
    byId('stream-empty').hidden = list.children.length > 0;
    if (batch.skipped > 0) {
      byId('stream-note').textContent = `(${number(batch.skipped)} skipped in a burst)`;
    }
  }

  // Dead letters: open one, replay it, purge them all. POSTs carry X-Reef-Action, which a page of
  // another origin cannot send; the server's Authorizer decides.
  async function call(method, path) {
    const response = await fetch(path, { method, headers: method === 'POST' ? { 'X-Reef-Action': '1' } : {} });
    let body = {};
    try { body = await response.json(); } catch (e) { body = { error: response.statusText }; }
    return { status: response.status, body };
  }

  function showResult(text, kind) {
    const result = byId('detail-result');
    result.hidden = false;
    result.className = `result ${kind}`;
    result.textContent = text;
  }

  async function openDeadLetter(id) {
    selectedDeadLetter = id;
    document.querySelectorAll('#dead-letters li').forEach((li) => li.classList.toggle('selected', li.dataset.deadLetter === id));
    const { status, body } = await call('GET', `api/dead-letters/${encodeURIComponent(id)}`);
    const detail = byId('dead-detail');
    detail.hidden = false;
    detail.dataset.deadLetter = id;
    byId('detail-result').hidden = true;
    if (status !== 200) {
      showResult(body.error || `could not open ${id} (${status})`, 'refused');
      return;
    }
    byId('detail-id').textContent = body.id;
    byId('detail-agent').textContent = body.agent;
    byId('detail-channel').textContent = body.channel;
    byId('detail-attempts').textContent = body.attempts;
    byId('detail-at').textContent = iso(body.at);
    byId('detail-error').textContent = body.error;
    byId('detail-spore').textContent = body.spore ? JSON.stringify(body.spore, null, 2) : '(never a valid spore)';
    byId('detail-knowledge-note').textContent = body.knowledge_shown ? ''
      : '(knowledge hidden: start the process with --http-show-knowledge to see it)';
  }

  async function replay(refresh) {
    const id = byId('dead-detail').dataset.deadLetter;
    const { status, body } = await call('POST', `api/dead-letters/${encodeURIComponent(id)}/replay${refresh ? '?refresh_expiry=true' : ''}`);
    if (status === 200) showResult(`Replayed ${id}: sent back to ${byId('detail-agent').textContent} as a first attempt.`, 'ok');
    else showResult(body.reason || body.error || `replay failed (${status})`, 'refused');
  }

  async function purge() {
    if (!window.confirm('Delete every dead letter of this namespace for good?')) return;
    const { status, body } = await call('POST', 'api/dead-letters/purge');
    byId('dead-error').hidden = status === 200;
    byId('dead-error').textContent = status === 200 ? '' : (body.error || `purge failed (${status})`);
    if (status === 200) byId('dead-detail').hidden = true;
  }

  byId('detail-replay').addEventListener('click', () => replay(false));
  byId('detail-replay-refresh').addEventListener('click', () => replay(true));
  byId('detail-close').addEventListener('click', () => { byId('dead-detail').hidden = true; selectedDeadLetter = null; });
  byId('dead-purge').addEventListener('click', purge);

  function connect() {
    const events = new EventSource('events');
    events.addEventListener('open', () => setPill('live', true, 'live'));
    events.addEventListener('error', () => setPill('live', false, 'reconnecting…'));
    events.addEventListener('snapshot', (event) => renderSnapshot(JSON.parse(event.data)));
    events.addEventListener('spores', (event) => addSpores(JSON.parse(event.data)));
  }

  connect();
})();
