// Draws the dashboards the renderer wrote into #data: each panel at its grid position, by its type
// (timeseries and trend with uPlot, barchart with uPlot bars, stat, table, text). After drawing, each
// panel element gets data-panel-status (ok, empty, error) and data-points, which the headless test reads.
/* global uPlot, document */
(function () {
  'use strict';
  const DATA = JSON.parse(document.getElementById('data').textContent);
  const ROW = 30; // Grafana's grid row height, px
  const GAP = 8;
  const PALETTE = [
    '#73bf69',
    '#f2cc0c',
    '#8ab8ff',
    '#ff780a',
    '#f2495c',
    '#5794f2',
    '#b877d9',
    '#fade2a',
    '#ff9830',
  ];
  const NAMED = {
    green: '#73bf69',
    red: '#f2495c',
    gray: '#8e8e9c',
    orange: '#ff9830',
    blue: '#5794f2',
    yellow: '#fade2a',
  };

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // Field config: defaults, then overrides by name or regexp, as Grafana applies them.
  function fieldProps(panel, name) {
    const fc = panel.fieldConfig || {};
    const d = fc.defaults || {};
    const p = {
      unit: d.unit,
      decimals: d.decimals,
      min: d.min,
      max: d.max,
      displayName: undefined,
      custom: Object.assign({}, d.custom || {}),
      color: undefined,
      links: d.links,
    };
    for (const o of fc.overrides || []) {
      const m = o.matcher || {};
      const hit =
        (m.id === 'byName' && m.options === name) ||
        (m.id === 'byRegexp' && new RegExp(m.options).test(name));
      if (!hit) continue;
      for (const prop of o.properties || []) {
        if (prop.id.startsWith('custom.')) p.custom[prop.id.slice(7)] = prop.value;
        else if (prop.id === 'color')
          p.color = prop.value && (NAMED[prop.value.fixedColor] || prop.value.fixedColor);
        else p[prop.id] = prop.value;
      }
    }
    return p;
  }

  const CURRENCY = {
    currencyUSD: '$',
    currencyEUR: '€',
    currencyGBP: '£',
    currencyJPY: '¥',
    currencyCHF: 'CHF ',
    currencyBTC: '₿',
  };
  function fmt(v, p) {
    if (v === null || v === undefined || v === '') return '';
    if (typeof v !== 'number') return String(v);
    const unit = p.unit || '';
    const dec = p.decimals;
    const num = (x, d) =>
      (d === undefined ? +x.toPrecision(4) : x.toFixed(d)).toLocaleString('en-US', {
        maximumFractionDigits: d === undefined ? 4 : d,
        minimumFractionDigits: d === undefined ? 0 : d,
      });
    if (CURRENCY[unit])
      return (
        CURRENCY[unit] +
        Number(v).toLocaleString('en-US', {
          maximumFractionDigits: dec === undefined ? 2 : dec,
          minimumFractionDigits: dec === undefined ? 2 : dec,
        })
      );
    if (unit === 'percent') return num(v, dec === undefined ? 1 : dec) + '%';
    if (unit === 's') {
      const a = Math.abs(v);
      if (a >= 86400) return num(v / 86400, 1) + ' day';
      if (a >= 3600) return num(v / 3600, 1) + ' h';
      if (a >= 60) return num(v / 60, 1) + ' min';
      return num(v, dec === undefined ? (a < 10 ? 1 : 0) : dec) + ' s';
    }
    if (unit === 'reqps') return num(v, dec) + ' req/s';
    if (unit.startsWith('suffix:')) return num(v, dec) + unit.slice(7);
    return num(v, dec);
  }

  const timeOf = (frame) => frame.fields.find((f) => f.type === 'time');
  const numbers = (frame) => frame.fields.filter((f) => f.type === 'number');

  /** All numeric series of a panel, joined on the union of their times (uPlot's aligned data). */
  function timeSeries(panel) {
    const series = [];
    for (const t of panel.targets)
      for (const fr of t.frames) {
        const time = timeOf(fr);
        if (!time) continue;
        for (const f of numbers(fr)) series.push({ name: f.name, times: time.values, values: f.values });
      }
    const xs = [...new Set(series.flatMap((s) => s.times))].filter((x) => x !== null).sort((a, b) => a - b);
    const index = new Map(xs.map((x, i) => [x, i]));
    const cols = series.map((s) => {
      const col = new Array(xs.length).fill(null);
      s.times.forEach((t, i) => (col[index.get(t)] = s.values[i]));
      return col;
    });
    return { names: series.map((s) => s.name), data: [xs.map((x) => x / 1000), ...cols] };
  }

  function seriesStyle(panel, name, i) {
    const p = fieldProps(panel, name);
    const color = p.color || PALETTE[i % PALETTE.length];
    const bars = p.custom.drawStyle === 'bars';
    const dash = p.custom.lineStyle && p.custom.lineStyle.dash;
    return {
      p,
      color,
      bars,
      dash,
      width: p.custom.lineWidth === undefined ? 1.5 : p.custom.lineWidth,
      fill: p.custom.fillOpacity,
    };
  }

  function hexAlpha(c, a) {
    if (!c.startsWith('#') || c.length !== 7) return c;
    return (
      c +
      Math.round(Math.max(0, Math.min(1, a)) * 255)
        .toString(16)
        .padStart(2, '0')
    );
  }

  /**
   * Grafana's stacking (custom.stacking.mode "normal"): each stacked series is drawn on top of the
   * stack below it (same group and axis), as running sums, and a band fills from the series below it
   * to itself, so the layers never overlap. Null stays a gap and adds nothing. Series that do not
   * stack are returned unchanged.
   */
  function stackSeries(data, groupOf) {
    const out = data.slice();
    const bands = [];
    const sums = new Map();
    const below = new Map();
    for (let i = 1; i < data.length; i++) {
      const g = groupOf[i];
      if (!g) continue;
      const acc = sums.get(g) || new Array(data[0].length).fill(0);
      sums.set(g, acc);
      out[i] = data[i].map((v, j) => (v === null || v === undefined ? null : (acc[j] += v)));
      if (below.has(g)) bands.push({ series: [i, below.get(g)] });
      below.set(g, i);
    }
    return { data: out, bands };
  }

  /** A uPlot chart: x is time (timeseries) or a number (trend, barchart). */
  function chart(body, panel, names, data, xTime, xCategories) {
    const width = body.clientWidth - 4;
    // Room for the legend (one line per ~6 series) under the plot, as Grafana's list legend.
    const height = body.clientHeight - 8 - 20 * Math.ceil(names.length / 6);
    // Time series span the dashboard's range, as Grafana draws them, however few points there are.
    const scales = {
      x: xTime ? { time: true, range: () => [DATA.start / 1000, DATA.stop / 1000] } : { time: false },
    };
    const axes = [{ stroke: '#8e8e9c', grid: { stroke: '#2a2d35' }, ticks: { stroke: '#2a2d35' } }];
    if (xCategories) axes[0].values = (u, splits) => splits.map((s) => xCategories[Math.round(s)] ?? '');
    const scaleOf = new Map();
    const series = [{}];
    const groupOf = [null];
    names.forEach((name, i) => {
      const st = seriesStyle(panel, name, i);
      const sparse = data[i + 1].filter((v) => v !== null).length < 20;
      // One scale per axis side and unit: a right-axis series or another unit gets its own axis.
      const side = st.p.custom.axisPlacement === 'right' ? 1 : 3;
      const key = 'y_' + side + '_' + (st.p.unit || '') + (st.p.min !== undefined ? 'm' : '');
      if (!scaleOf.has(key)) {
        scaleOf.set(key, true);
        const range = (u, lo, hi) => {
          const min = st.p.min !== undefined ? st.p.min : lo;
          const max = st.p.max !== undefined ? st.p.max : hi;
          if (min === max) return [min - 1, max + 1];
          return [min, max];
        };
        scales[key] = { range };
        axes.push({
          scale: key,
          side,
          stroke: '#8e8e9c',
          grid: { show: scaleOf.size === 1, stroke: '#2a2d35' },
          ticks: { stroke: '#2a2d35' },
          // Wide enough for the longest label ("$64,400.00").
          size: (u, vals) =>
            (vals ? Math.max(0, ...vals.map((v) => String(v).length)) * 7 + 16 : 40) +
            (st.p.custom.axisLabel ? 14 : 0),
          values: (u, vals) => vals.map((v) => fmt(v, st.p)),
          label: st.p.custom.axisLabel,
        });
      }
      const stacking = st.p.custom.stacking;
      groupOf.push(stacking && stacking.mode === 'normal' ? key + '/' + (stacking.group || 'A') : null);
      series.push({
        label: st.p.displayName || name,
        scale: key,
        stroke: st.color,
        width: st.bars ? 0 : st.width,
        dash: st.dash,
        fill: st.bars ? hexAlpha(st.color, 0.7) : st.fill ? hexAlpha(st.color, st.fill / 100) : undefined,
        paths: st.bars ? uPlot.paths.bars({ size: [0.7, 40] }) : undefined,
        points: { show: sparse, size: 5 },
        spanGaps: false,
        value: (u, v) => fmt(v, st.p),
      });
    });
    const stacked = stackSeries(data, groupOf);
    const u = new uPlot(
      {
        width,
        height,
        scales,
        axes,
        series,
        bands: stacked.bands,
        legend: { show: true, live: false },
        cursor: { show: false },
      },
      stacked.data,
      body,
    );
    body.parentElement.uplot = u;
    // For the headless test: the values as queried beside the values drawn.
    body.parentElement.rawData = data;
    return u;
  }

  function drawTimeseries(body, panel) {
    const { names, data } = timeSeries(panel);
    const n = data.slice(1).reduce((a, c) => a + c.filter((v) => v !== null).length, 0);
    if (n === 0) return 0;
    chart(body, panel, names, data, true);
    return n;
  }

  /** trend and barchart: the x field is named in the options; the other numbers are series. */
  function drawXY(body, panel, categories) {
    const xField = panel.options.xField;
    const frames = panel.targets.flatMap((t) => t.frames);
    const rows = [];
    let names = [];
    for (const fr of frames) {
      const x = fr.fields.find((f) => f.name === xField) || fr.fields[0];
      const ys = fr.fields.filter((f) => f !== x && f.type === 'number');
      names = ys.map((f) => f.name);
      x.values.forEach((xv, i) => rows.push([xv, ...ys.map((f) => f.values[i])]));
    }
    if (rows.length === 0) return 0;
    if (!categories) rows.sort((a, b) => a[0] - b[0]);
    const xs = categories ? rows.map((_, i) => i) : rows.map((r) => Number(r[0]));
    const data = [xs, ...names.map((_, j) => rows.map((r) => r[j + 1]))];
    if (categories) {
      // A bar chart: every series as bars over category positions.
      panel = JSON.parse(JSON.stringify(panel));
      panel.fieldConfig.overrides = (panel.fieldConfig.overrides || []).concat(
        names.map((nm) => ({
          matcher: { id: 'byName', options: nm },
          properties: [{ id: 'custom.drawStyle', value: 'bars' }],
        })),
      );
    }
    chart(body, panel, names, data, false, categories ? rows.map((r) => String(r[0])) : undefined);
    return rows.length * names.length;
  }

  function drawStat(body, panel) {
    const ro = panel.options.reduceOptions || {};
    const re = ro.fields ? new RegExp(ro.fields.replace(/^\/(.*)\/$/, '$1')) : null;
    const box = el('div', 'stat');
    let n = 0;
    let k = 0;
    for (const t of panel.targets)
      for (const fr of t.frames)
        for (const f of numbers(fr)) {
          if (re && !re.test(f.name)) continue;
          const vals = f.values.filter((v) => v !== null);
          if (vals.length === 0) continue;
          const v = vals[vals.length - 1];
          const p = fieldProps(panel, f.name);
          const mapped = (p.mappings || (panel.fieldConfig.defaults || {}).mappings || []).find(
            (m) => m.type === 'value' && m.options[String(v)],
          );
          const cell = el('div');
          const big = el('div', 'v', mapped ? mapped.options[String(v)].text : fmt(v, p));
          const steps = ((panel.fieldConfig.defaults || {}).thresholds || {}).steps;
          let color = mapped ? NAMED[mapped.options[String(v)].color] : PALETTE[k++ % PALETTE.length];
          if (!mapped && steps && steps.length > 1)
            for (const s of steps) if (s.value === null || v >= s.value) color = NAMED[s.color] || s.color;
          big.style.color = color;
          cell.append(big);
          // Grafana's auto text mode: a lone value has no name under it.
          if (panel.options.textMode === 'value_and_name' || k > 1 || t.frames.length > 1)
            cell.append(
              el('div', 'n', p.displayName || (fr.name && f.name.startsWith(fr.name) ? fr.name : f.name)),
            );
          box.append(cell);
          n++;
        }
    if (n) body.append(box);
    return n;
  }

  function drawTable(body, panel) {
    const frames = panel.targets.flatMap((t) => t.frames);
    const order =
      ((panel.transformations || []).find((t) => t.id === 'organize') || { options: {} }).options
        .indexByName || {};
    const cols = [...new Set(frames.flatMap((fr) => fr.fields.map((f) => f.name)))]
      .filter((c) => !fieldProps(panel, c).custom.hidden)
      .sort((a, b) => (order[a] ?? 1e9) - (order[b] ?? 1e9));
    const rows = frames.flatMap((fr) => {
      const len = Math.max(0, ...fr.fields.map((f) => f.values.length));
      return Array.from({ length: len }, (_, i) =>
        Object.fromEntries(
          fr.fields.map((f) => [
            f.name,
            f.type === 'time'
              ? new Date(f.values[i]).toISOString().replace('T', ' ').slice(0, 19)
              : f.values[i],
          ]),
        ),
      );
    });
    if (rows.length === 0) return 0;
    const table = el('table', 't');
    const head = el('tr');
    cols.forEach((c) =>
      head.append(el('th', '', fieldProps(panel, c).displayName || (c === '_time' ? 'Time' : c))),
    );
    table.append(head);
    for (const r of rows) {
      const tr = el('tr');
      for (const c of cols) {
        const p = fieldProps(panel, c);
        const v = r[c];
        const td = el('td', typeof v === 'number' ? 'num' : '');
        const text = fmt(v, p);
        const link = p.links && p.links[0];
        if (link && v !== null && v !== undefined) {
          const a = el('a', '', text);
          // A link that is one field (the article's URL) is that URL; a field inside a URL is encoded.
          const whole = /^\$\{__data\.fields\.(\w+)\}$/.exec(link.url);
          a.href = whole
            ? String(r[whole[1]] ?? '')
            : link.url
                .replace(/\$\{__data\.fields\.(\w+)\}/g, (_, f) => encodeURIComponent(r[f] ?? ''))
                .replace('${__url_time_range}', '');
          if (link.targetBlank) a.target = '_blank';
          td.append(a);
        } else td.textContent = text;
        tr.append(td);
      }
      table.append(tr);
    }
    body.append(table);
    return rows.length;
  }

  function drawPanel(grid, panel) {
    const g = panel.gridPos;
    const box = el('div', 'panel');
    box.dataset.panelId = panel.id;
    box.dataset.panelType = panel.type;
    box.dataset.panelTitle = panel.title;
    const unit = grid.clientWidth / 24;
    Object.assign(box.style, {
      left: g.x * unit + 'px',
      top: g.y * (ROW + GAP) + 'px',
      width: g.w * unit - GAP + 'px',
      height: g.h * (ROW + GAP) - GAP + 'px',
    });
    box.append(
      el(
        'div',
        'title',
        panel.title.replace(/\$\{(\w+)\}/g, (m, v) => (DATA.vars && DATA.vars[v]) || m),
      ),
    );
    const body = el('div', 'body');
    box.append(body);
    grid.append(box);
    const errors = panel.targets.filter((t) => t.error);
    let n = 0;
    try {
      if (panel.type === 'text') {
        body.append(el('div', 'text', panel.content || ''));
        n = (panel.content || '').length;
      } else if (panel.type === 'timeseries') n = drawTimeseries(body, panel);
      else if (panel.type === 'trend') n = drawXY(body, panel, false);
      else if (panel.type === 'barchart') n = drawXY(body, panel, true);
      else if (panel.type === 'stat' || panel.type === 'bargauge' || panel.type === 'gauge')
        n = drawStat(body, panel);
      else if (panel.type === 'table') n = drawTable(body, panel);
      else body.append(el('div', 'error', 'panel type ' + panel.type + ' is not drawn here'));
    } catch (e) {
      errors.push({ error: String(e && e.stack ? e.stack : e) });
    }
    for (const e of errors) body.append(el('div', 'error', e.refId ? e.refId + ': ' + e.error : e.error));
    box.dataset.points = String(n);
    box.dataset.panelStatus = errors.length ? 'error' : n > 0 ? 'ok' : 'empty';
  }

  const fmtTime = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  document.getElementById('range').textContent = fmtTime(DATA.start) + ' to ' + fmtTime(DATA.stop);
  const main = document.getElementById('dashboards');
  for (const d of DATA.dashboards) {
    const sec = el('section', 'dashboard');
    sec.id = d.uid;
    sec.append(el('h2', '', d.title));
    const vars = Object.entries(d.vars)
      .map(([k, v]) => k + ' = ' + v)
      .join(' · ');
    if (vars) sec.append(el('div', 'vars', vars));
    const grid = el('div', 'grid');
    const rows = Math.max(0, ...d.panels.map((p) => p.gridPos.y + p.gridPos.h));
    grid.style.height = rows * (ROW + GAP) + 'px';
    sec.append(grid);
    main.append(sec);
    DATA.vars = d.vars;
    for (const p of d.panels) drawPanel(grid, p);
  }
  document.body.dataset.rendered = 'true';
})();
