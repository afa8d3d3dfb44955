namespace ActorEvolve.Cli.Dashboard;

/// <summary>The dashboard page: markup, style and script in one string, no external assets (works offline). The
/// generation count is filled in when the page is served, so it is right before the script's first update.</summary>
static class Page
{
    public const string Html = """
<!doctype html>
<html><head><meta charset="utf-8"><title>ActorEvolve {{RUN_ID}}</title>
<style>
body{font-family:sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}
.bar{background:#ddd;height:14px;width:420px;display:inline-block;vertical-align:middle}
.bar span{display:block;background:#2e8b57;height:100%}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td.g{text-align:left;font-family:monospace}.cols{display:flex;gap:2em;flex-wrap:wrap}
svg{background:#fff;border:1px solid #ccc}
</style></head>
<body>
<h1>ActorEvolve run {{RUN_ID}}</h1>
<p id="warning" style="color:#b22222;font-weight:bold"></p>
<p><span id="step">{{STEP}}</span>
  <b><span id="generation">{{GENERATION}}</span>/<span id="generations">{{GENERATIONS}}</span></b>
  <span class="bar"><span id="progress" style="width:0"></span></span>
  <span id="counts"></span> <i id="phase"></i></p>
<p id="best-line">Best so far: <b id="best">-</b></p>
<div id="front-section" hidden><h2 id="front-title"></h2><table id="front"></table></div>
<h2 id="chart-title">Validation accuracy per generation (best, mean, worst)</h2>
<svg id="chart" width="640" height="260"></svg>
<div class="cols">
<div><h2>Trainer nodes</h2><table id="nodes"></table><h2>Trainer slots</h2><table id="slots"></table></div>
<div><h2>Current population</h2><table id="population"></table></div>
</div>
<div id="rungs-section" hidden><h2>Rungs: genomes that reached each, epochs saved</h2>
<p id="rungs-now"></p><table id="rungs"></table></div>
<h2>All evaluations</h2><table id="evaluations"></table>
<script>
const pct = v => v == null ? '-' : (v * 100).toFixed(2) + ' %';
// A metric's value as the terminal shows it: an accuracy in percent, a count in full, anything else to 4 digits.
const fmt = (m, v) => v == null ? '-' : m.percent ? pct(v) : Number.isInteger(v) ? v.toLocaleString('en-US')
  : v.toPrecision(4);
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
function table(id, head, rows) {
  document.getElementById(id).innerHTML = '<tr>' + head.map(h => '<th>' + h + '</th>').join('') + '</tr>' +
    rows.map(r => '<tr>' + r.map((c, i) => cell(c, i == 0 || typeof c === 'string' && c.includes('='))).join('')
      + '</tr>').join('');
}
function cell(c, genome) {
  return '<td' + (genome ? ' class="g"' : '') + '>' + esc(c) + '</td>';
}
// The first objective's range on the chart: an accuracy from 0 to 100 %, any other metric (a loss, a count) from its
// lowest to its highest value so far.
function range(values, metric) {
  if (metric.percent || !values.length) return [0, 1];
  const lo = Math.min(...values), hi = Math.max(...values), half = (Math.abs(lo) || 1) / 2;
  return lo === hi ? [lo - half, hi + half] : [lo, hi];
}
function chart(history, metric) {
  const svg = document.getElementById('chart'), w = 640, h = 260, pad = 34, left = 70;
  const n = Math.max(history.length, 2);
  // A generation without a value (all failed, a minimised metric) leaves a gap.
  const values = history.flatMap(g => [g.best, g.mean, g.worst]).filter(Number.isFinite);
  // Ticks a whole unit or more apart are labelled in whole numbers (a count's mean is not one).
  const [lo, hi] = range(values, metric), whole = !metric.percent && hi - lo >= 4;
  const x = i => left + i * (w - left - pad) / (n - 1), y = v => h - pad - (v - lo) / (hi - lo) * (h - 2 * pad);
  let out = '';
  for (let k = 0; k <= 4; k++) {
    const t = whole ? Math.round(lo + k * (hi - lo) / 4) : lo + k * (hi - lo) / 4;
    out += `<line x1="${left}" x2="${w - pad}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>` +
      `<text x="${left - 4}" y="${y(t) + 4}" font-size="10" text-anchor="end">${esc(fmt(metric, t))}</text>`;
  }
  [['best', '#2e8b57'], ['mean', '#4682b4'], ['worst', '#cd5c5c']].forEach(([k, color]) => {
    const drawn = history.map((g, i) => [x(i), g[k]]).filter(([, v]) => Number.isFinite(v));
    out += `<polyline fill="none" stroke="${color}" stroke-width="2" points="${
      drawn.map(([px, v]) => px + ',' + y(v)).join(' ')}"/>`;
    drawn.forEach(([px, v]) => out += `<circle cx="${px}" cy="${y(v)}" r="3" fill="${color}"/>`);
  });
  svg.innerHTML = out;
}
// A rung run's genome: the highest rung it reached, and whether selection stopped it short of full training.
const rung = e => e.rung == null ? '' : e.rung + (e.partial ? ' (partial)' : '');
function rungs(r) {
  document.getElementById('rungs-section').hidden = !r;
  if (!r) return;
  document.getElementById('rungs-now').textContent = `${r.heading} ${r.now}`;
  const cells = t => [...t.reached, t.partial, t.epochsTrained, t.epochsFull,
    `${t.epochsSaved} (${t.epochsFull ? Math.round(100 * t.epochsSaved / t.epochsFull) : 0}%)`];
  const rows = r.generations.map(g => [g.generation, ...cells(g.tally)]);
  if (r.total) rows.push(['all', ...cells(r.total)]);
  table('rungs', ['Generation', ...r.epochs.map(e => `Reached ${e} ep.`), 'Partial', 'Epochs trained',
    'Full training', 'Saved'], rows);
}
// A two-objective run's front so far (where one objective shows the best), most accurate first.
function front(s) {
  document.getElementById('front-section').hidden = !s.front;
  document.getElementById('best-line').hidden = !!s.front;
  if (!s.front) return;
  document.getElementById('front-title').textContent = `Pareto front so far: ${s.front.length} networks`;
  table('front', ['Genome', s.metrics[0].column, s.metrics[1].column],
    s.front.map(f => [f.genome, fmt(s.metrics[0], f.accuracy), fmt(s.metrics[1], f.second)]));
}
let evaluations = [];
function render(s) {
  // Updates after the first carry only the evaluations the page does not have yet.
  evaluations = s.evaluationsFrom === 0 ? s.evaluations : evaluations.concat(s.evaluations);
  document.getElementById('generation').textContent = s.generation;
  document.getElementById('generations').textContent = s.generations;
  const done = Math.min(1, (s.generation - 1 + s.share) / s.generations);
  document.getElementById('progress').style.width = (100 * done) + '%';
  // A steady-state run's steps are rounds of population-size joins.
  document.getElementById('step').textContent = s.step === 'round' ? 'Round' : 'Generation';
  document.getElementById('counts').textContent = `${s.done}/${s.toTrain} ${s.doneWord} this ${s.step}, ` +
    `${s.cached} cached, ${s.failed} failed, ${s.inAll}`;
  document.getElementById('phase').textContent = s.phase && s.phase !== 'evolving' ? s.phase : '';
  document.getElementById('warning').textContent = s.warning || '';
  const [first, second] = s.metrics;
  document.getElementById('chart-title').textContent =
    `${first.name === 'accuracy' ? 'Validation accuracy' : first.name} per ${s.step} (best, mean, worst)`;
  document.getElementById('best').textContent = s.best ? fmt(first, s.best.accuracy) + '  ' + s.best.genome : '-';
  front(s);
  chart(s.history, first);
  table('nodes', ['Node', 'Slots', 'Busy', 'Idle', s.nodeCount],
    s.nodes.map(n => [n.node, n.slots, n.busy, Math.max(0, n.slots - n.busy), n.evaluations]));
  table('slots', ['Trainer', 'Genome', 'Epoch', first.column],
    s.slots.map(t => [t.trainer, t.genome, t.epoch, fmt(first, t.accuracy)]));
  // A two-objective run's genomes show both metrics.
  const scores = e => [fmt(first, e.accuracy), ...second ? [fmt(second, e.second)] : []];
  const columns = [first.column, ...second ? [second.column] : []];
  // A steady-state population also shows each member's age in births (regularized evolution removes the oldest).
  const aged = s.population.some(p => p.age !== null);
  // A rung run's genomes also say how far they got: partial ones rank below every fully trained one.
  table('population', ['Genome', ...columns, ...aged ? ['Age (births)'] : [], ...s.rungs ? ['Rung'] : []],
    s.population.map(p => [p.genome, ...scores(p), ...aged ? [p.age] : [], ...s.rungs ? [rung(p)] : []]));
  table('evaluations', ['Gen.', 'Genome', ...columns, 'Seconds', 'Trainer', ...s.rungs ? ['Rung'] : []],
    evaluations.slice().reverse().map(e => [e.generation, e.genome, ...scores(e), e.seconds.toFixed(1), e.trainer,
      ...s.rungs ? [rung(e)] : []]));
  rungs(s.rungs);
}
// Draw the current state at once, then follow the live stream (opened a moment later, so that a headless browser
// taking a snapshot after a virtual-time budget is not held up by the never-ending stream).
fetch('api/state').then(r => r.json()).then(render)
  .then(() => setTimeout(() => new EventSource('events').onmessage = m => render(JSON.parse(m.data)), 1000));
</script>
</body></html>
""";
}
